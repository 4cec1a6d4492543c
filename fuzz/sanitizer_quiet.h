// Quiets AddressSanitizer's allocator for requests the harness makes to see them fail.
//
// With allocator_may_return_null=1 (sanitizer_defaults.cpp) ASan's malloc returns NULL with
// ENOMEM for a request above its maximum (2^40 bytes in LLVM 14, or max_allocation_size_mb), as
// glibc does, but it also prints "WARNING: AddressSanitizer failed to allocate 0x... bytes" each
// time: hundreds of lines in a fuzzing run, hiding what matters. Around such a call the report
// fd points at /dev/null. Only requests of at least QUIET_MIN_BYTES are quieted, and only when
// reports go to stderr (a log_path is left alone); a real report in that window (realloc of a
// pointer ASan does not know, a harness bug) would be lost, but the process still dies of it.
// Without ASan this is an empty type. Allocation-free: the model runs it in a child whose
// malloc is under test.
#pragma once

#include <cstddef>

namespace hafuzz {

// 1 TiB less room for alignment (capped at 64 MiB under ASan) and ASan's redzones.
inline constexpr std::size_t QUIET_MIN_BYTES = (std::size_t{1} << 40) - (std::size_t{1} << 27);

class QuietSanitizerWarnings {
 public:
  explicit QuietSanitizerWarnings(bool quiet);
  ~QuietSanitizerWarnings();
  QuietSanitizerWarnings(const QuietSanitizerWarnings&) = delete;
  QuietSanitizerWarnings& operator=(const QuietSanitizerWarnings&) = delete;

 private:
  [[maybe_unused]] bool quieted_ = false;  // unused without ASan
};

}  // namespace hafuzz
