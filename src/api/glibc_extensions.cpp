// api: glibc's malloc extensions under glibc's names, so that a program that trims, tunes or
// inspects "malloc" through <malloc.h> reaches hardalloc when it replaces malloc (linked or
// LD_PRELOAD). The mapping is in glibc_extensions.h.
#include <malloc.h>
#include <stdio.h>

#include "api/exports.h"
#include "api/glibc_extensions.h"

namespace {
using G = hardalloc::GlibcExtensions<hardalloc::api::Exported>;

// A Writer sink for malloc_info's FILE. stdio may allocate the FILE's buffer here, which is
// safe: the statistics were read before formatting began, and no allocator lock is held.
void write_to_file(void* file, const char* bytes, size_t n) { fwrite(bytes, 1, n, static_cast<FILE*>(file)); }
}  // namespace

HA_EXPORT int malloc_trim(size_t pad) noexcept { return G::trim(pad); }
HA_EXPORT int mallopt(int param, int value) noexcept { return G::mallopt(param, value); }
HA_EXPORT struct mallinfo2 mallinfo2() noexcept { return G::info2(); }
HA_EXPORT struct mallinfo mallinfo() noexcept { return G::info(); }
HA_EXPORT void malloc_stats() noexcept { hardalloc::Stats<hardalloc::api::Exported>::print(2); }

// glibc: options must be 0 (EINVAL otherwise); returns 0.
HA_EXPORT int malloc_info(int options, FILE* file) noexcept {
  if (options != 0 || file == nullptr) return EINVAL;
  hardalloc::Writer out(&write_to_file, file);
  G::write_info(out);
  return 0;
}
