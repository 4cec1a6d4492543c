// api: every form of C++ operator new and delete, over the fast configuration. This is the only
// file built with exceptions: the throwing forms must throw std::bad_alloc.
#include <cstddef>
#include <new>

#include "alloc/allocator.h"

namespace {
using A = hardalloc::Allocator<hardalloc::FastConfig>;

// The C++ rule for a failed allocation: call the new-handler until it succeeds or there is none.
template <bool Throwing, class Retry>
void* out_of_memory(Retry retry) {
  for (;;) {
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      if constexpr (Throwing) throw std::bad_alloc();
      return nullptr;
    }
    if constexpr (Throwing) {
      handler();
    } else {
      try {
        handler();
      } catch (const std::bad_alloc&) {
        return nullptr;
      }
    }
    if (void* p = retry()) return p;
  }
}

template <bool Throwing>
void* new_block(std::size_t size) {
  if (void* p = A::malloc(size)) return p;
  return out_of_memory<Throwing>([size] { return A::malloc(size); });
}

template <bool Throwing>
void* new_aligned(std::size_t size, std::align_val_t alignment) {
  const auto a = static_cast<std::size_t>(alignment);
  if (void* p = A::aligned(a, size)) return p;
  return out_of_memory<Throwing>([size, a] { return A::aligned(a, size); });
}
}  // namespace

#define HA_EXPORT __attribute__((visibility("default")))

HA_EXPORT void* operator new(std::size_t n) { return new_block<true>(n); }
HA_EXPORT void* operator new[](std::size_t n) { return new_block<true>(n); }
HA_EXPORT void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return new_block<false>(n); }
HA_EXPORT void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return new_block<false>(n); }
HA_EXPORT void* operator new(std::size_t n, std::align_val_t a) { return new_aligned<true>(n, a); }
HA_EXPORT void* operator new[](std::size_t n, std::align_val_t a) { return new_aligned<true>(n, a); }
HA_EXPORT void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return new_aligned<false>(n, a);
}
HA_EXPORT void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return new_aligned<false>(n, a);
}

HA_EXPORT void operator delete(void* p) noexcept { A::free(p); }
HA_EXPORT void operator delete[](void* p) noexcept { A::free(p); }
HA_EXPORT void operator delete(void* p, std::size_t) noexcept { A::free(p); }
HA_EXPORT void operator delete[](void* p, std::size_t) noexcept { A::free(p); }
HA_EXPORT void operator delete(void* p, std::align_val_t) noexcept { A::free(p); }
HA_EXPORT void operator delete[](void* p, std::align_val_t) noexcept { A::free(p); }
HA_EXPORT void operator delete(void* p, std::size_t, std::align_val_t) noexcept { A::free(p); }
HA_EXPORT void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { A::free(p); }
HA_EXPORT void operator delete(void* p, const std::nothrow_t&) noexcept { A::free(p); }
HA_EXPORT void operator delete[](void* p, const std::nothrow_t&) noexcept { A::free(p); }
HA_EXPORT void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { A::free(p); }
HA_EXPORT void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { A::free(p); }
