// hardalloc through its prefixed API, beside the process's malloc. The prefixed library has
// no C++ operators, so operator new ops are skipped here (they run when libhardalloc.so is
// the target of a child process).
#include "hardalloc_target.h"

#include <hardalloc.h>

#include <cstdint>

namespace hafuzz {
namespace {

std::size_t hardalloc_usable_size(void* block) { return ha_malloc_usable_size(block); }

// The calling thread's free blocks back to their pages, every empty page and cached segment
// back to the OS: the next input finds the heap as a fresh process would, not as the previous
// input and the purge timer left it. (Lock-step workers are new threads for every input.)
void hardalloc_reset() { ha_collect(0); }

}  // namespace

const AllocatorTarget& hardalloc_target() {
  static const AllocatorTarget target{"hardalloc",
                                      ha_malloc,
                                      ha_free,
                                      ha_calloc,
                                      ha_realloc,
                                      ha_reallocarray,
                                      ha_posix_memalign,
                                      ha_aligned_alloc,
                                      ha_memalign,
                                      ha_valloc,
                                      ha_pvalloc,
                                      hardalloc_usable_size,
                                      ha_free_sized,
                                      ha_free_aligned_sized,
                                      false,
                                      false,
                                      SIZE_MAX,
                                      hardalloc_reset};
  return target;
}

}  // namespace hafuzz
