// api: the prefixed C API (include/hardalloc.h, include/hardalloc_hardened.h) of the exported
// configuration (api/exports.h), and what the library does when it loads and at exit.
#include <climits>

#include "alloc/guard_fault.h"
#include "alloc/heap_check.h"
#include "alloc/stats.h"
#include "api/exports.h"
#include "api/glibc_extensions.h"
#include "hardalloc.h"
#include "hardening/fault_handler.h"

using hardalloc::api::A;
using hardalloc::api::C;
using hardalloc::api::Exported;

HA_EXPORT void* HA_PREFIXED(malloc)(size_t size) { return A::malloc(size); }
HA_EXPORT void HA_PREFIXED(free)(void* ptr) { A::free(ptr); }
HA_EXPORT void* HA_PREFIXED(calloc)(size_t count, size_t size) { return A::calloc(count, size); }
HA_EXPORT void* HA_PREFIXED(realloc)(void* ptr, size_t size) { return A::realloc(ptr, size); }
HA_EXPORT void* HA_PREFIXED(reallocarray)(void* ptr, size_t count, size_t size) {
  return C::reallocarray(ptr, count, size);
}
HA_EXPORT int HA_PREFIXED(posix_memalign)(void** out, size_t alignment, size_t size) {
  return C::posix_memalign(out, alignment, size);
}
HA_EXPORT void* HA_PREFIXED(aligned_alloc)(size_t alignment, size_t size) { return C::aligned_alloc(alignment, size); }
HA_EXPORT void* HA_PREFIXED(memalign)(size_t alignment, size_t size) { return C::memalign(alignment, size); }
HA_EXPORT void* HA_PREFIXED(valloc)(size_t size) { return C::valloc(size); }
HA_EXPORT void* HA_PREFIXED(pvalloc)(size_t size) { return C::pvalloc(size); }
HA_EXPORT size_t HA_PREFIXED(malloc_usable_size)(const void* ptr) { return A::usable_size(ptr); }
HA_EXPORT void HA_PREFIXED(free_sized)(void* ptr, size_t size) { C::free_sized(ptr, size); }
HA_EXPORT void HA_PREFIXED(free_aligned_sized)(void* ptr, size_t alignment, size_t size) {
  C::free_aligned_sized(ptr, alignment, size);
}
HA_EXPORT void HA_PREFIXED(collect)(int force) { A::collect(force != 0); }
HA_EXPORT int HA_PREFIXED(malloc_trim)(size_t pad) { return hardalloc::GlibcExtensions<Exported>::trim(pad); }
HA_EXPORT int HA_PREFIXED(mallopt)(int param, int value) {
  return hardalloc::GlibcExtensions<Exported>::mallopt(param, value);
}
HA_EXPORT int HA_PREFIXED(check_heap)(void) {
  const size_t problems = hardalloc::HeapCheck<Exported>::run();
  return problems > INT_MAX ? INT_MAX : static_cast<int>(problems);
}

HA_EXPORT int HA_PREFIXED(stats_get)(struct ha_stats* out) {
  if (out == nullptr) return EINVAL;
  hardalloc::Stats<Exported>::get(*out);
  return 0;
}
HA_EXPORT void HA_PREFIXED(stats_print)(int fd) { hardalloc::Stats<Exported>::print(fd); }
HA_EXPORT void HA_PREFIXED(stats_reset_peaks)(void) { hardalloc::Stats<Exported>::reset_peaks(); }

// When the library loads: the options are read, so that with log_path every process leaves a
// file (its "started" line) even if it never allocates; options that tune a mitigation this
// library lacks are named once; and with guard pages the SIGSEGV handler turns a fault on one
// into a report.
__attribute__((constructor)) static void start_library() {
  const hardalloc::Options& o = hardalloc::options();
  hardalloc::warn_about_missing_mitigations(Exported::MITIGATIONS, o);
  if constexpr (Exported::MITIGATIONS.has(hardalloc::Mitigation::guard_pages) ||
                Exported::MITIGATIONS.has(hardalloc::Mitigation::guarded_sampling))
    hardalloc::install_guard_fault_handler(&hardalloc::GuardFault<Exported>::describe);
}

// At exit: with print_stats=1, statistics on the log sink (stderr, or the log_path file:
// programs such as ls close stderr before exit); with check_heap_at_exit=1, a heap check; with
// report_live_at_exit=1, the guarded blocks still allocated.
__attribute__((destructor)) static void finish_library() {
  const hardalloc::Options& o = hardalloc::options();
  if (o.check_heap_at_exit) hardalloc::HeapCheck<Exported>::run();
  if constexpr (Exported::MITIGATIONS.has(hardalloc::Mitigation::guarded_sampling)) {
    if (o.report_live_at_exit) hardalloc::GuardedPool::report_live_blocks();
  }
  if (o.print_stats) hardalloc::Stats<Exported>::print(hardalloc::log_fd());
}
