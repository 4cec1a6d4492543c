// The process's resident set size now, from /proc/self/statm (read without allocating).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>

#include "failure.h"

namespace bench {

inline std::size_t resident_kib() {
  const int descriptor = open("/proc/self/statm", O_RDONLY);
  if (descriptor < 0) fail("cannot open /proc/self/statm");
  char text[128] = {};
  const ssize_t length = read(descriptor, text, sizeof text - 1);
  close(descriptor);
  unsigned long total_pages = 0;
  unsigned long resident_pages = 0;
  if (length <= 0 || std::sscanf(text, "%lu %lu", &total_pages, &resident_pages) != 2) {
    fail("cannot parse /proc/self/statm");
  }
  return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

}  // namespace bench
