// hardalloc through its prefixed API, beside the process's malloc. The prefixed library has
// no C++ operators, so operator new ops are skipped here (they run when libhardalloc.so is
// the target of a child process).
#include "hardalloc_target.h"

#include <hardalloc.h>

#include <cstdint>

namespace hafuzz {
namespace {

std::size_t hardalloc_usable_size(void* block) { return ha_malloc_usable_size(block); }

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
                                      SIZE_MAX};
  return target;
}

}  // namespace hafuzz
