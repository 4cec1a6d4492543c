// glibc's internal names of the allocation functions: exported by libc.so.6 (and by
// libhardalloc.so), declared by no header.
#pragma once
#include <cstddef>

extern "C" {
void* __libc_malloc(size_t size);
void __libc_free(void* ptr);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* ptr, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
}
