// base: glibc's fortified copy functions (the targets of _FORTIFY_SOURCE), declared here because
// glibc's headers only reach them through builtins. Called with destlen = SIZE_MAX their check
// never fails, and they jump to glibc's internal implementations, not through the public names:
// so they reach libc's code even where the hardened library interposes memcpy and its kin
// (api/checked_copy.cpp), and the allocator's own copies (bytes.cpp) never pass through those
// checks (a calloc zeroing a block before its canary is written would look like an overflow).
#pragma once
#include <cstddef>

// The names are glibc's, not ours to style.
// NOLINTBEGIN(readability-identifier-naming)
extern "C" {
void* __memcpy_chk(void* dest, const void* src, size_t n, size_t destlen) noexcept;
void* __memmove_chk(void* dest, const void* src, size_t n, size_t destlen) noexcept;
void* __memset_chk(void* dest, int c, size_t n, size_t destlen) noexcept;
char* __strcpy_chk(char* dest, const char* src, size_t destlen) noexcept;
char* __strncpy_chk(char* dest, const char* src, size_t n, size_t destlen) noexcept;
}
// NOLINTEND(readability-identifier-naming)
