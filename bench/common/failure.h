// How a workload reports a wrong answer: one line on stderr, then a non-zero exit, so the driver
// records a failure instead of a time.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace bench {

[[noreturn]] inline void fail(const char* format, ...) {
  std::va_list arguments;
  va_start(arguments, format);
  std::fputs("bench: FAILED: ", stderr);
  std::vfprintf(stderr, format, arguments);
  std::fputc('\n', stderr);
  va_end(arguments);
  std::exit(1);
}

}  // namespace bench
