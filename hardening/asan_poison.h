// hardening: in builds with AddressSanitizer, free and not-yet-allocated memory inside our heap
// is poisoned with ASan's manual interface, so ASan reports a use after free or an overflow into
// a free block even though our memory comes from mmap and not from ASan's allocator.
// Elsewhere these functions are empty and vanish.
#pragma once
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define HARDALLOC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HARDALLOC_ASAN 1
#endif
#endif

#ifdef HARDALLOC_ASAN
extern "C" void __asan_poison_memory_region(void const volatile* addr, size_t size);
extern "C" void __asan_unpoison_memory_region(void const volatile* addr, size_t size);
#endif

namespace hardalloc {

#ifdef HARDALLOC_ASAN
inline constexpr bool ASAN_POISONING = true;
inline void poison(void* p, size_t n) { __asan_poison_memory_region(p, n); }
inline void unpoison(void* p, size_t n) { __asan_unpoison_memory_region(p, n); }
#else
inline constexpr bool ASAN_POISONING = false;
inline void poison(void*, size_t) {}
inline void unpoison(void*, size_t) {}
#endif

}  // namespace hardalloc
