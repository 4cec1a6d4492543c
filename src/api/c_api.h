// api: the C functions with glibc's argument checks and errno, over one Allocator. Both the
// prefixed entry points (ha_*) and the standard names (malloc, ...) are thin calls of these.
//
// Behaviour at the edges (README.md repeats this table):
//   malloc(0)              a unique 16-byte block
//   realloc(p, 0)          frees p, returns NULL (glibc's choice; C23 leaves it undefined)
//   realloc(NULL, n)       malloc(n)
//   memalign, valloc, pvalloc: as glibc in every version: an alignment up to 16 (0 included)
//                          is plain malloc, any other is rounded up to the next power of two;
//                          only one above 2^63 (no power of two holds it) -> NULL, errno EINVAL
//   aligned_alloc          alignment not a power of two (0 included) -> NULL, errno EINVAL
//                          (C17 and glibc 2.38; glibc up to 2.37 rounds it up as memalign does)
//   posix_memalign         alignment not a power-of-two multiple of sizeof(void*) -> EINVAL
//                          returned, errno untouched
//   sizes above PTRDIFF_MAX, calloc/reallocarray overflow -> NULL, errno ENOMEM
//   malloc_trim            the calling thread's heap and every free segment only (other
//                          threads' heaps are theirs); 1 if committed memory went down
//   mallopt                1 for the options glibc defines (no effect), 0 for unknown ones
//   mallinfo               int fields saturate at INT_MAX
//   (glibc_extensions.h maps glibc's extensions; README.md, "glibc's extensions")
//   free_sized(p, n), free_aligned_sized(p, a, n), sized/aligned operator delete: C23 and C++17
//                          make a wrong n or a undefined. Fast release builds ignore both (the
//                          block knows its size). Checked builds (debug, sanitizers) report
//                          size-mismatch when n exceeds the usable size or p lacks alignment a;
//                          hardened builds know every request exactly (canaries) and report any
//                          n other than the request. A reported block is left alone.
#pragma once
#include <errno.h>
#include <stdint.h>
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
  // Sized frees are checked in checked builds and wherever the request is known exactly.
  static constexpr bool CHECK_SIZES = HA_CHECKED_BUILD || A::CANARIES;

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

  // glibc's memalign in every version (2.38 changed only aligned_alloc): small alignments
  // need nothing beyond malloc's own, and any other is rounded up, never rejected.
  static void* memalign(size_t alignment, size_t size) {
    if (alignment <= MIN_BLOCK_BYTES) return A::malloc(size);
    if (alignment > MAX_MEMALIGN_ALIGNMENT) {
      errno = EINVAL;
      return nullptr;
    }
    return A::aligned(round_up_to_power_of_two(alignment), size);
  }

  // glibc: memalign(page size, size).

  static void free_sized(void* p, size_t size) {
    if constexpr (CHECK_SIZES) {
      if (!A::sized_free_matches(p, 1, size)) return;  // reported; the block is left alone
    }
    A::free(p);
  }

  static void free_aligned_sized(void* p, size_t alignment, size_t size) {
    if constexpr (CHECK_SIZES) {
      if (!A::sized_free_matches(p, alignment, size)) return;  // reported; the block is left alone
    }
    A::free(p);
  }

  // Sized and aligned operator delete: the same rule as free_aligned_sized.
  static void sized_delete(void* p, size_t alignment, size_t size) { free_aligned_sized(p, alignment, size); }

  static void* valloc(size_t size) { return A::aligned(OS_PAGE_BYTES, size); }

  // glibc: memalign(page size, size rounded up to whole pages).
  static void* pvalloc(size_t size) {
    if (size > A::MAX_REQUEST) {
      errno = ENOMEM;
      return nullptr;
    }
    return A::aligned(OS_PAGE_BYTES, align_up(size, OS_PAGE_BYTES));
  }

 private:
  // The largest alignment memalign can round up to a power of two (glibc: SIZE_MAX / 2 + 1).
  static constexpr size_t MAX_MEMALIGN_ALIGNMENT = SIZE_MAX / 2 + 1;
};

}  // namespace hardalloc
