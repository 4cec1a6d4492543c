#include <cstdint>

#include "base/bits.h"
#include "base/libc_bytes.h"

namespace hardalloc {

// libc's memcpy and memset: vectorised, and they never allocate. The allocator's own sources
// are built with -fno-builtin so that the compiler does not invent calls on its own (a malloc
// followed by a memset turned into calloc would recurse); calling them explicitly is safe.
// Through the fortified entry points (libc_bytes.h), so that the hardened library's checked
// memcpy and memset never see the allocator's own copies.
void copy_bytes(void* dst, const void* src, size_t n) { __memcpy_chk(dst, src, n, SIZE_MAX); }
void zero_bytes(void* dst, size_t n) { __memset_chk(dst, 0, n, SIZE_MAX); }

}  // namespace hardalloc
