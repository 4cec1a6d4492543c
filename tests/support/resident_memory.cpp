#include "resident_memory.h"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>

namespace hardalloc_test {

std::size_t resident_bytes() {
  // statm holds "size resident shared ..." counted in pages.
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  unsigned long size_pages = 0;
  unsigned long resident_pages = 0;
  if (statm == nullptr || std::fscanf(statm, "%lu %lu", &size_pages, &resident_pages) != 2) {
    std::fputs("cannot read /proc/self/statm\n", stderr);
    std::abort();
  }
  std::fclose(statm);
  return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace hardalloc_test
