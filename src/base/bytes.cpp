#include "base/bits.h"

namespace hardalloc {

// Word-wise loops; the allocator's sources are compiled with -fno-builtin and
// -fno-tree-loop-distribute-patterns, so these are not rewritten into memcpy/memset calls that
// could resolve to an interposed libc (or to ourselves).
void copy_bytes(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  const auto* s = static_cast<const unsigned char*>(src);
  if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s)) & 7) == 0) {
    for (; n >= 8; n -= 8, d += 8, s += 8) *reinterpret_cast<uint64_t*>(d) = *reinterpret_cast<const uint64_t*>(s);
  }
  for (; n > 0; --n) *d++ = *s++;
}

void zero_bytes(void* dst, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  if ((reinterpret_cast<uintptr_t>(d) & 7) == 0) {
    for (; n >= 8; n -= 8, d += 8) *reinterpret_cast<uint64_t*>(d) = 0;
  }
  for (; n > 0; --n) *d++ = 0;
}

}  // namespace hardalloc
