// A program that knows nothing of hardalloc: it calls glibc's allocation extensions and internal
// names the way programs do, and reports what they reach. Run as is, everything is glibc's; run
// with LD_PRELOAD=libhardalloc.so, everything must be hardalloc's. Output on stdout: one line
// "<name> <object>" per name (the object a call binds to), then, when hardalloc is loaded (its
// ha_* names are found), "hardalloc checks: ok" or the failed checks. malloc_stats() writes to
// stderr. Exits 0 unless a check failed.
#include <dlfcn.h>
#include <hardalloc.h>
#include <malloc.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "libc_internal_names.h"
#include "opaque.h"

namespace {

using hardalloc_test::opaque;

constexpr std::size_t MIB = std::size_t{1} << 20;

const char* const NAMES[] = {
    "malloc",      "free",    "__libc_malloc", "__libc_free", "__libc_calloc", "__libc_realloc", "__libc_memalign",
    "malloc_trim", "mallopt", "mallinfo",      "mallinfo2",   "malloc_stats",  "malloc_info"};

// hardalloc's own functions, looked up at run time: this program links no hardalloc library.
using StatsGet = decltype(&ha_stats_get);
using UsableSize = decltype(&ha_malloc_usable_size);

std::size_t in_use_bytes(StatsGet stats_get) {
  ha_stats stats{};
  stats_get(&stats);
  return stats.in_use_bytes;
}

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what);
    ++failures;
  }
}

// Blocks from glibc's internal names must be hardalloc's: counted in its statistics, known to
// its usable size, and freed by the standard free (and the other way round).
void check_libc_names_are_hardallocs(StatsGet stats_get, UsableSize usable_size) {
  const std::size_t before_bytes = in_use_bytes(stats_get);
  void* block = __libc_malloc(opaque(MIB));
  check(block != nullptr, "__libc_malloc(1 MiB) returned a block");
  check(in_use_bytes(stats_get) >= before_bytes + MIB, "__libc_malloc's block is in hardalloc's in-use bytes");
  check(usable_size(block) >= MIB && usable_size(block) == malloc_usable_size(block),
        "__libc_malloc's block has hardalloc's usable size");
  block = __libc_realloc(block, opaque(2 * MIB));
  check(block != nullptr && usable_size(block) >= 2 * MIB, "__libc_realloc grows it within hardalloc");
  std::free(block);
  check(in_use_bytes(stats_get) == before_bytes, "free releases a __libc_malloc block in hardalloc");

  void* from_malloc = std::malloc(opaque(MIB));
  __libc_free(from_malloc);
  check(in_use_bytes(stats_get) == before_bytes, "__libc_free releases a malloc block in hardalloc");

  auto* zeroed = static_cast<unsigned char*>(__libc_calloc(opaque(std::size_t{4096}), 1));
  bool all_zero = zeroed != nullptr;
  for (std::size_t i = 0; all_zero && i < 4096; ++i) all_zero = zeroed[i] == 0;
  check(all_zero && usable_size(zeroed) >= 4096, "__libc_calloc gives a zeroed hardalloc block");
  std::free(zeroed);

  void* aligned = __libc_memalign(opaque(std::size_t{24}), 100);
  check(aligned != nullptr && reinterpret_cast<std::uintptr_t>(aligned) % 32 == 0 && usable_size(aligned) >= 100,
        "__libc_memalign(24, 100) is a 32-aligned hardalloc block");
  std::free(aligned);
  check(in_use_bytes(stats_get) == before_bytes, "every block went back");
}

}  // namespace

int main() {
  for (const char* name : NAMES) {
    Dl_info info{};
    void* address = dlsym(RTLD_DEFAULT, name);
    const char* object = address != nullptr && dladdr(address, &info) != 0 ? info.dli_fname : "(none)";
    const char* slash = std::strrchr(object, '/');
    std::printf("%s %s\n", name, slash != nullptr ? slash + 1 : object);
  }
  auto stats_get = reinterpret_cast<StatsGet>(dlsym(RTLD_DEFAULT, "ha_stats_get"));
  auto usable_size = reinterpret_cast<UsableSize>(dlsym(RTLD_DEFAULT, "ha_malloc_usable_size"));
  if (stats_get != nullptr && usable_size != nullptr) {
    check_libc_names_are_hardallocs(stats_get, usable_size);
    if (failures == 0) std::printf("hardalloc checks: ok\n");
  }
  std::fflush(stdout);
  malloc_stats();
  return failures == 0 ? 0 : 1;
}
