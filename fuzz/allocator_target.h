// The table of functions through which the harness talks to an allocator.
//
// One table per allocator that can run inside the harness process: hardalloc through its
// prefixed API, and the process's own malloc ("system": glibc in a plain build, ASan's
// allocator in a sanitizer build, the preloaded library in a child process). Any other
// allocator library runs as the system target of a child process (remote_runner.h).
#pragma once

#include <cstddef>

#include "op.h"

namespace hafuzz {

// Functions other than malloc, free, calloc and realloc may be null: the allocator does not
// provide them (a preloaded library that lacks pvalloc, say, would otherwise get glibc's, whose
// blocks its free does not know). Ops on a null function are UNSUPPORTED.
struct AllocatorTarget {
  const char* name;
  void* (*malloc_fn)(std::size_t size);
  void (*free_fn)(void* block);
  void* (*calloc_fn)(std::size_t count, std::size_t size);
  void* (*realloc_fn)(void* block, std::size_t size);
  void* (*reallocarray_fn)(void* block, std::size_t count, std::size_t size);
  int (*posix_memalign_fn)(void** out, std::size_t align, std::size_t size);
  void* (*aligned_alloc_fn)(std::size_t align, std::size_t size);
  void* (*memalign_fn)(std::size_t align, std::size_t size);
  void* (*valloc_fn)(std::size_t size);
  void* (*pvalloc_fn)(std::size_t size);
  std::size_t (*usable_size_fn)(void* block);
  // Null when the allocator lacks them (glibc 2.36): free_sized ops then call free.
  void (*free_sized_fn)(void* block, std::size_t size);
  void (*free_aligned_sized_fn)(void* block, std::size_t align, std::size_t size);
  // False when the allocator has no C++ operators of its own: operator new ops are skipped.
  bool has_operators;
  // False when a failing throwing operator new neither calls the new_handler nor throws (ASan's,
  // LLVM 14, ends the process): new_handler ops are then skipped.
  bool calls_new_handler;
  // libstdc++ 12.2's operator new(size, align_val_t) rounds the size up to the alignment
  // without an overflow check, so an impossible size wraps to a small block (found by this
  // fuzzer; docs/fuzzing.md). True when the process's aligned operator new is libstdc++'s: such
  // requests are then skipped, as they test libstdc++, not the allocator.
  bool aligned_new_wraps_huge_sizes;
  // True when every misuse op must end in a report of its KIND (hardalloc's hardened build).
  bool reports_misuse;
  // Checks the heap and reports what it finds (ha_check_heap), or null; a misuse op's child
  // calls it before it exits.
  int (*check_fn)();
  // Alignments above this are not passed to the aligned functions. ASan's allocator (LLVM 14)
  // fails an internal CHECK, ending the process, when the aligned block would end beyond 2^63
  // (memalign(2^63, n); 2^62 with an unlucky address), found by this fuzzer; and it touches
  // shadow memory for the whole aligned reservation, so posix_memalign(4 GiB, n) alone took
  // 1 GB of RSS and sent the CI fuzz smoke past libFuzzer's 4 GB limit. Its cap is 64 MiB.
  std::size_t max_alignment_bytes;
  // Brings the calling thread's heap back to a clean state while the stream's blocks are freed,
  // or null. The executor (executor.h) calls it after each stream on every thread the stream
  // used, and before a stream where a heap's state is unknown, so that an input runs the same
  // allocator paths whatever ran before it (AFL++ stability) and a finding replays alone.
  // Targets in a child process get a fresh process instead (HARDALLOC_FUZZ_REUSE_CHILD=0).
  void (*reset_fn)() = nullptr;
  // Rounds of resets over those threads: 2 when a reset frees blocks into other threads' heaps
  // (the hardened quarantine hands them back as remote frees), so that the second round
  // collects what the first one sent.
  unsigned reset_rounds = 1;
};

// The process's malloc. At first use it keeps only the functions defined in the same file as
// malloc, so that every call goes to one allocator.
const AllocatorTarget& system_target();

// Whether the target has the function an op calls.
bool target_supports(const AllocatorTarget& target, OpKind kind);

}  // namespace hafuzz
