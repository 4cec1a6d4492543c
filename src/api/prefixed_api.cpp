// api: the prefixed C API (include/hardalloc.h) for the default (fast) configuration.
#include "alloc/stats.h"
#include "api/exports.h"
#include "api/glibc_extensions.h"
#include "hardalloc.h"

using hardalloc::api::A;
using hardalloc::api::C;

HA_EXPORT void* ha_malloc(size_t size) { return A::malloc(size); }
HA_EXPORT void ha_free(void* ptr) { A::free(ptr); }
HA_EXPORT void* ha_calloc(size_t count, size_t size) { return A::calloc(count, size); }
HA_EXPORT void* ha_realloc(void* ptr, size_t size) { return A::realloc(ptr, size); }
HA_EXPORT void* ha_reallocarray(void* ptr, size_t count, size_t size) { return C::reallocarray(ptr, count, size); }
HA_EXPORT int ha_posix_memalign(void** out, size_t alignment, size_t size) {
  return C::posix_memalign(out, alignment, size);
}
HA_EXPORT void* ha_aligned_alloc(size_t alignment, size_t size) { return C::aligned_alloc(alignment, size); }
HA_EXPORT void* ha_memalign(size_t alignment, size_t size) { return C::memalign(alignment, size); }
HA_EXPORT void* ha_valloc(size_t size) { return C::valloc(size); }
HA_EXPORT void* ha_pvalloc(size_t size) { return C::pvalloc(size); }
HA_EXPORT size_t ha_malloc_usable_size(const void* ptr) { return A::usable_size(ptr); }
HA_EXPORT void ha_free_sized(void* ptr, size_t size) { C::free_sized(ptr, size); }
HA_EXPORT void ha_free_aligned_sized(void* ptr, size_t alignment, size_t size) {
  C::free_aligned_sized(ptr, alignment, size);
}
HA_EXPORT void ha_collect(int force) { A::collect(force != 0); }
HA_EXPORT int ha_malloc_trim(size_t pad) { return hardalloc::GlibcExtensions<hardalloc::api::Exported>::trim(pad); }
HA_EXPORT int ha_mallopt(int param, int value) {
  return hardalloc::GlibcExtensions<hardalloc::api::Exported>::mallopt(param, value);
}

HA_EXPORT int ha_stats_get(struct ha_stats* out) {
  if (out == nullptr) return EINVAL;
  hardalloc::Stats<hardalloc::api::Exported>::get(*out);
  return 0;
}
HA_EXPORT void ha_stats_print(int fd) { hardalloc::Stats<hardalloc::api::Exported>::print(fd); }

// The options are read when the library loads, so that with log_path every process leaves a
// file (its "started" line) even if it never allocates.
__attribute__((constructor)) static void read_options_at_start() { hardalloc::options(); }

// HARDALLOC_OPTIONS=print_stats=1: statistics when the process exits, on the log sink (stderr, or
// the log_path file: programs such as ls close stderr before exit).
__attribute__((destructor)) static void print_stats_at_exit() {
  if (hardalloc::options().print_stats) hardalloc::Stats<hardalloc::api::Exported>::print(hardalloc::log_fd());
}
