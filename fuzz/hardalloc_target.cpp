// hardalloc through its prefixed APIs, beside the process's malloc: the fast build (ha_*) and
// the hardened one (ha_hardened_*). The prefixed libraries have no C++ operators, so operator
// new ops are skipped here (they run when libhardalloc.so is the target of a child process).
#include "hardalloc_target.h"

#include <hardalloc.h>
#include <hardalloc_hardened.h>

#include <cstdint>

namespace hafuzz {

// The target of the prefixed API whose names start with `prefix`. Its reset leaves the calling
// thread's heap initialized (a malloc and a free: a thread that never allocated would start a
// heap in its next stream) and empty: the forced collect flushes the hardened quarantine, adopts
// what exited threads left, frees every page and unmaps every free segment; the statistics'
// peaks start again, or whether a page raises a peak would depend on the inputs before. So each
// stream maps its memory afresh and takes the same paths whatever ran before (docs/fuzzing.md,
// "A clean allocator per input"). The hardened build resets twice: a thread's quarantine holds
// blocks of other threads' pages, and flushing it frees them there.
#define HARDALLOC_PREFIXED_TARGET(label, prefix, reports_misuse, reset_rounds)                            \
  AllocatorTarget {                                                                                       \
    label, prefix##malloc, prefix##free, prefix##calloc, prefix##realloc, prefix##reallocarray,           \
        prefix##posix_memalign, prefix##aligned_alloc, prefix##memalign, prefix##valloc, prefix##pvalloc, \
        [](void* block) -> std::size_t { return prefix##malloc_usable_size(block); }, prefix##free_sized, \
        prefix##free_aligned_sized, false, false, false, reports_misuse, prefix##check_heap, SIZE_MAX,    \
        [] {                                                                                              \
          prefix##free(prefix##malloc(1));                                                                \
          prefix##collect(1);                                                                             \
          prefix##stats_reset_peaks();                                                                    \
        },                                                                                                \
        reset_rounds                                                                                      \
  }

const AllocatorTarget& hardalloc_target() {
  static const AllocatorTarget target = HARDALLOC_PREFIXED_TARGET("hardalloc", ha_, false, 1);
  return target;
}

const AllocatorTarget& hardalloc_hardened_target() {
  static const AllocatorTarget target = HARDALLOC_PREFIXED_TARGET("hardalloc-hardened", ha_hardened_, true, 2);
  return target;
}

}  // namespace hafuzz
