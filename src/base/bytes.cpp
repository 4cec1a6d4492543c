#include <string.h>

#include <cstdint>

#include "base/bits.h"
#include "base/libc_bytes.h"

namespace hardalloc {
namespace {
// Defined (src/CMakeLists.txt) when this build makes a library that interposes memcpy and memset
// (the checked copies, api/checked_copy.cpp): the allocator's own copies then go through glibc's
// fortified entry points, never through those checks (a calloc zeroing a recycled block before
// its new canary is written would look like an overflow). Sanitizer builds make no such library
// and keep the plain names, which the sanitizers intercept and check (the fortified ones they do not).
#ifdef HARDALLOC_CHECKED_COPIES
constexpr bool BYPASS_INTERPOSED_NAMES = true;
#else
constexpr bool BYPASS_INTERPOSED_NAMES = false;
#endif
}  // namespace

// libc's memcpy and memset: vectorised, and they never allocate. The allocator's own sources
// are built with -fno-builtin so that the compiler does not invent calls on its own (a malloc
// followed by a memset turned into calloc would recurse); calling them explicitly is safe.
void copy_bytes(void* dst, const void* src, size_t n) {
  if constexpr (BYPASS_INTERPOSED_NAMES)
    __memcpy_chk(dst, src, n, SIZE_MAX);
  else
    memcpy(dst, src, n);
}
void zero_bytes(void* dst, size_t n) {
  if constexpr (BYPASS_INTERPOSED_NAMES)
    __memset_chk(dst, 0, n, SIZE_MAX);
  else
    memset(dst, 0, n);
}

}  // namespace hardalloc
