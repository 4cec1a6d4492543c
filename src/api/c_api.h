// api: the C functions with glibc's argument checks and errno, over one Allocator. Both the
// prefixed entry points (ha_*) and the standard names (malloc, ...) are thin calls of these.
//
// Behaviour at the edges (README.md repeats this table):
//   malloc(0)              a unique 16-byte block
//   realloc(p, 0)          frees p, returns NULL (glibc's choice; C23 leaves it undefined)
//   realloc(NULL, n)       malloc(n)
//   aligned_alloc, memalign: alignment not a power of two -> NULL, errno EINVAL
//                          (glibc 2.36 rounds it up; C17 and glibc 2.38 reject it)
//   posix_memalign         alignment not a power-of-two multiple of sizeof(void*) -> EINVAL
//                          returned, errno untouched
//   sizes above PTRDIFF_MAX, calloc/reallocarray overflow -> NULL, errno ENOMEM
//   free_sized(p, n), free_aligned_sized(p, a, n): C23 makes a wrong n or a undefined. Release
//                          builds ignore both (the block knows its size); checked builds (debug,
//                          sanitizers) report and abort when n exceeds the block's usable size
//                          or p lacks alignment a. A smaller wrong n cannot be told from a right
//                          one without recording every requested size, so it passes.
#pragma once
#include <errno.h>
#include <stdlib.h>

#include "alloc/allocator.h"
#include "hardening/log_sink.h"

// Checked builds: debug (no NDEBUG) and sanitizer builds. They validate what release builds take
// on trust, such as the size given to free_sized.
#if !defined(NDEBUG) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HA_CHECKED_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HA_CHECKED_BUILD 1
#endif
#endif
#ifndef HA_CHECKED_BUILD
#define HA_CHECKED_BUILD 0
#endif

namespace hardalloc {

template <class Config>
struct CApi {
  using A = Allocator<Config>;

  static void* reallocarray(void* p, size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
      errno = ENOMEM;
      return nullptr;
    }
    return A::realloc(p, total);
  }

  static int posix_memalign(void** out, size_t alignment, size_t size) {
    if (!is_power_of_two(alignment) || alignment % sizeof(void*) != 0) return EINVAL;
    const int saved_errno = errno;
    void* p = A::aligned(alignment, size);
    errno = saved_errno;
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
  }

  static void* aligned_alloc(size_t alignment, size_t size) {
    if (!is_power_of_two(alignment)) {
      errno = EINVAL;
      return nullptr;
    }
    return A::aligned(alignment, size);
  }

  static void free_sized(void* p, size_t size) {
    if constexpr (HA_CHECKED_BUILD) check_sized_free("free_sized", p, 1, size);
    A::free(p);
  }

  static void free_aligned_sized(void* p, size_t alignment, size_t size) {
    if constexpr (HA_CHECKED_BUILD) check_sized_free("free_aligned_sized", p, alignment, size);
    A::free(p);
  }

  static void* valloc(size_t size) { return A::aligned(OS_PAGE_BYTES, size); }

  static void* pvalloc(size_t size) {
    if (size > A::MAX_REQUEST) {
      errno = ENOMEM;
      return nullptr;
    }
    return A::aligned(OS_PAGE_BYTES, align_up(size, OS_PAGE_BYTES));
  }

 private:
  // Checked builds: the size must fit the block and the pointer must have the alignment.
  HA_NOINLINE static void check_sized_free(const char* name, void* p, size_t alignment, size_t size) {
    if (p == nullptr) return;
    const size_t usable = A::usable_size(p);
    const bool misaligned = !is_power_of_two(alignment) || reinterpret_cast<uintptr_t>(p) % alignment != 0;
    if (size <= usable && !misaligned) return;
    {
      LogBlock report("error: ");
      report.out().text(name).text("(").hex(reinterpret_cast<uintptr_t>(p)).text(", ");
      if (alignment != 1) report.out().text("alignment ").number(alignment).text(", ");
      report.out().text("size ").number(size).text("): the block has ").number(usable).text(" usable bytes");
      if (misaligned) report.out().text(" and is not aligned to ").number(alignment);
      report.out().text("\n");
    }
    abort();
  }
};

}  // namespace hardalloc
