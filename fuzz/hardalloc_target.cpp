// hardalloc through its prefixed APIs, beside the process's malloc: the fast build (ha_*) and
// the hardened one (ha_hardened_*). The prefixed libraries have no C++ operators, so operator
// new ops are skipped here (they run when libhardalloc.so is the target of a child process).
#include "hardalloc_target.h"

#include <hardalloc.h>
#include <hardalloc_hardened.h>

#include <cstdint>

namespace hafuzz {

// The target of the prefixed API whose names start with `prefix`. Its reset, collect(0), gives
// the calling thread's free blocks (and the hardened build's quarantine) back to their pages,
// so the next input does not meet the previous one's free lists; empty pages and free segments
// go back to the OS after the purge delay, by the clock (a forced collect here would map and
// poison them anew for every input: docs/fuzzing.md, "A clean allocator per input"). Lock-step
// workers reset too.
#define HARDALLOC_PREFIXED_TARGET(label, prefix, reports_misuse)                                          \
  AllocatorTarget {                                                                                       \
    label, prefix##malloc, prefix##free, prefix##calloc, prefix##realloc, prefix##reallocarray,           \
        prefix##posix_memalign, prefix##aligned_alloc, prefix##memalign, prefix##valloc, prefix##pvalloc, \
        [](void* block) -> std::size_t { return prefix##malloc_usable_size(block); }, prefix##free_sized, \
        prefix##free_aligned_sized, false, false, false, reports_misuse, prefix##check_heap, SIZE_MAX,    \
        [] { prefix##collect(0); }                                                                        \
  }

const AllocatorTarget& hardalloc_target() {
  static const AllocatorTarget target = HARDALLOC_PREFIXED_TARGET("hardalloc", ha_, false);
  return target;
}

const AllocatorTarget& hardalloc_hardened_target() {
  static const AllocatorTarget target = HARDALLOC_PREFIXED_TARGET("hardalloc-hardened", ha_hardened_, true);
  return target;
}

}  // namespace hafuzz
