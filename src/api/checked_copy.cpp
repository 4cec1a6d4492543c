// api: the checked memory copies of Mitigation::checked_copies: memcpy, memmove, memset, strcpy,
// strncpy, strcat and strncat under their standard names, built only into the standard-name
// shared library (libhardalloc-hardened.so; src/CMakeLists.txt), where they interpose libc's.
//
// A destination outside our segments' bounds costs one compare before libc's function runs.
// Inside them, with check_memcpy=1, the bytes the call would write from the destination are
// compared with what its live block's request leaves (alloc/block_bounds.h); a call that would
// write past it is reported as an overflow, with the caller's stack, before a byte is written.
// With abort_on_error=0 it then writes nothing at all (as every report leaves its block alone):
// the destination keeps its old bytes and the call returns dest.
//
// libc's code is reached through its fortified entry points (base/libc_bytes.h), never through
// the names defined here. strcpy finds its source's length only for a destination in our heap;
// then it, strcat and strncat copy with libc's memcpy, so no string is scanned twice.
#include <string.h>

#include <cstdint>

#include "alloc/block_bounds.h"
#include "api/exports.h"
#include "base/libc_bytes.h"
#include "base/writer.h"

namespace {

using hardalloc::api::Exported;
using Bounds = hardalloc::BlockBounds<Exported>;

// A Writer sink into a fixed buffer of text (always terminated; what does not fit is cut).
struct FixedText {
  char bytes[160]{};
  size_t used = 0;
};
void append_to(void* context, const char* bytes, size_t n) {
  auto* text = static_cast<FixedText*>(context);
  for (size_t i = 0; i < n && text->used + 1 < sizeof(text->bytes); ++i) text->bytes[text->used++] = bytes[i];
}

// Reports that `function` would write `n` bytes from `dest`, past the request of its block;
// false when the block was freed meanwhile (a race of the program's: not ours to report).
[[gnu::cold]] HA_NOINLINE bool report_overflow(const char* function, const void* dest, size_t n) {
  Bounds::LiveBlock b;
  if (!Bounds::find(dest, b)) return false;
  const size_t writable = Bounds::writable_in(b, dest);
  FixedText detail;
  {
    hardalloc::Writer w(&append_to, &detail);
    w.text(function).text(" would write ").number(n).text(" bytes from the address, ");
    w.number(n - writable).text(" past the requested size");
  }
  const auto* d = static_cast<const uint8_t*>(dest);
  hardalloc::BlockFacts facts;
  facts.address = dest;
  facts.block = b.start;
  facts.block_bytes = b.bytes;
  facts.requested_bytes = b.requested_bytes;
  facts.requested_known = b.requested_known;
  facts.detail = detail.bytes;
  facts.number_name = "first bad byte at block offset";
  facts.number = static_cast<size_t>((d > b.request_end ? d : b.request_end) - b.start);
  hardalloc::report_heap_error(hardalloc::ReportKind::overflow, facts);
  return true;
}

// Whether `function` may write `n` bytes from `dest`, a destination within our segments' bounds;
// false (after a report, with abort_on_error=0) when they would pass its block's request.
HA_NOINLINE bool may_write(const char* function, void* dest, size_t n) {
  if (!hardalloc::options().check_memcpy || n <= Bounds::writable_bytes(dest)) return true;
  return !report_overflow(function, dest, n);
}

// The compares every call pays: whether `dest` may be in our heap at all (our segments' bounds,
// and the guarded pool's range). Each exported
// function is that compare and a tail call, to libc or to its checked twin here (noinline, so
// that the fast path saves no registers); strcat and strncat find dest's end first, as libc's do.
HA_ALWAYS_INLINE bool maybe_ours(const void* dest) { return HA_UNLIKELY(Bounds::within_bounds(dest)); }

HA_ALWAYS_INLINE void append(char* end, const char* src, size_t appended) {
  __memcpy_chk(end, src, appended, SIZE_MAX);
  end[appended] = '\0';
}

using MemoryCopy = void* (*)(void*, const void*, size_t, size_t);
template <MemoryCopy copy>
HA_NOINLINE void* checked_copy(const char* function, void* dest, const void* src, size_t n) {
  if (!may_write(function, dest, n)) return dest;
  return copy(dest, src, n, SIZE_MAX);
}

HA_NOINLINE void* checked_memset(void* dest, int c, size_t n) {
  if (!may_write("memset", dest, n)) return dest;
  return __memset_chk(dest, c, n, SIZE_MAX);
}

// strncpy writes exactly n bytes (the copy, then zeros).
HA_NOINLINE char* checked_strncpy(char* dest, const char* src, size_t n) {
  if (!may_write("strncpy", dest, n)) return dest;
  return __strncpy_chk(dest, src, n, SIZE_MAX);
}

HA_NOINLINE char* checked_strcpy(char* dest, const char* src) {
  const size_t n = strlen(src) + 1;
  if (may_write("strcpy", dest, n)) __memcpy_chk(dest, src, n, SIZE_MAX);
  return dest;
}

// strcat and strncat: `appended` bytes of src, then a terminating zero, after the `kept` bytes of
// dest's string.
HA_NOINLINE char* checked_append(const char* function, char* dest, size_t kept, const char* src, size_t appended) {
  if (may_write(function, dest, kept + appended + 1)) append(dest + kept, src, appended);
  return dest;
}

}  // namespace

HA_EXPORT void* memcpy(void* __restrict dest, const void* __restrict src, size_t n) noexcept {
  return maybe_ours(dest) ? checked_copy<__memcpy_chk>("memcpy", dest, src, n) : __memcpy_chk(dest, src, n, SIZE_MAX);
}
HA_EXPORT void* memmove(void* dest, const void* src, size_t n) noexcept {
  return maybe_ours(dest) ? checked_copy<__memmove_chk>("memmove", dest, src, n)
                          : __memmove_chk(dest, src, n, SIZE_MAX);
}
HA_EXPORT void* memset(void* dest, int c, size_t n) noexcept {
  return maybe_ours(dest) ? checked_memset(dest, c, n) : __memset_chk(dest, c, n, SIZE_MAX);
}
HA_EXPORT char* strncpy(char* __restrict dest, const char* __restrict src, size_t n) noexcept {
  return maybe_ours(dest) ? checked_strncpy(dest, src, n) : __strncpy_chk(dest, src, n, SIZE_MAX);
}
HA_EXPORT char* strcpy(char* __restrict dest, const char* __restrict src) noexcept {
  return maybe_ours(dest) ? checked_strcpy(dest, src) : __strcpy_chk(dest, src, SIZE_MAX);
}
// glibc's __strcat_chk and __strncat_chk copy a byte at a time: these append with its strcpy and
// memcpy instead, having found dest's end as its strcat does.
HA_EXPORT char* strcat(char* __restrict dest, const char* __restrict src) noexcept {
  const size_t kept = strlen(dest);
  if (maybe_ours(dest)) return checked_append("strcat", dest, kept, src, strlen(src));
  __strcpy_chk(dest + kept, src, SIZE_MAX);
  return dest;
}
HA_EXPORT char* strncat(char* __restrict dest, const char* __restrict src, size_t n) noexcept {
  const size_t kept = strlen(dest);
  const size_t appended = strnlen(src, n);
  if (maybe_ours(dest)) return checked_append("strncat", dest, kept, src, appended);
  append(dest + kept, src, appended);
  return dest;
}
