#include <string.h>

#include "base/bits.h"

namespace hardalloc {

// libc's memcpy and memset: vectorised, and they never allocate. The allocator's own sources
// are built with -fno-builtin so that the compiler does not invent calls on its own (a malloc
// followed by a memset turned into calloc would recurse); calling them explicitly is safe.
void copy_bytes(void* dst, const void* src, size_t n) { memcpy(dst, src, n); }
void zero_bytes(void* dst, size_t n) { memset(dst, 0, n); }

}  // namespace hardalloc
