// api: the standard names, so that libhardalloc.so replaces malloc by linking or LD_PRELOAD.
// Each inlines the same fast path as its ha_ twin instead of calling it.
#include <stdlib.h>

#include "api/exports.h"

using hardalloc::api::A;
using hardalloc::api::C;

HA_EXPORT void* malloc(size_t size) noexcept { return A::malloc(size); }
HA_EXPORT void free(void* ptr) noexcept { A::free(ptr); }
HA_EXPORT void* calloc(size_t count, size_t size) noexcept { return A::calloc(count, size); }
HA_EXPORT void* realloc(void* ptr, size_t size) noexcept { return A::realloc(ptr, size); }
HA_EXPORT void* reallocarray(void* ptr, size_t count, size_t size) noexcept {
  return C::reallocarray(ptr, count, size);
}
HA_EXPORT int posix_memalign(void** out, size_t alignment, size_t size) noexcept {
  return C::posix_memalign(out, alignment, size);
}
HA_EXPORT void* aligned_alloc(size_t alignment, size_t size) noexcept { return C::aligned_alloc(alignment, size); }
HA_EXPORT void* memalign(size_t alignment, size_t size) noexcept { return C::memalign(alignment, size); }
HA_EXPORT void* valloc(size_t size) noexcept { return C::valloc(size); }
HA_EXPORT void* pvalloc(size_t size) noexcept { return C::pvalloc(size); }
HA_EXPORT size_t malloc_usable_size(void* ptr) noexcept { return A::usable_size(ptr); }
HA_EXPORT void free_sized(void* ptr, size_t size) noexcept { C::free_sized(ptr, size); }
HA_EXPORT void free_aligned_sized(void* ptr, size_t alignment, size_t size) noexcept {
  C::free_aligned_sized(ptr, alignment, size);
}
HA_EXPORT void cfree(void* ptr) noexcept { A::free(ptr); }

// glibc's internal names of the same functions, which some programs and libraries call directly
// (as mimalloc and tcmalloc export them): without these a block could come from glibc's malloc
// and go to hardalloc's free, or the other way round. The names are glibc's, not ours to style.
// NOLINTBEGIN(readability-identifier-naming)
HA_EXPORT void* __libc_malloc(size_t size) noexcept { return A::malloc(size); }
HA_EXPORT void __libc_free(void* ptr) noexcept { A::free(ptr); }
HA_EXPORT void* __libc_calloc(size_t count, size_t size) noexcept { return A::calloc(count, size); }
HA_EXPORT void* __libc_realloc(void* ptr, size_t size) noexcept { return A::realloc(ptr, size); }
HA_EXPORT void* __libc_memalign(size_t alignment, size_t size) noexcept { return C::memalign(alignment, size); }
HA_EXPORT void* __libc_valloc(size_t size) noexcept { return C::valloc(size); }
HA_EXPORT void* __libc_pvalloc(size_t size) noexcept { return C::pvalloc(size); }
// NOLINTEND(readability-identifier-naming)
