// The command line of the hardened death-test programs: PROGRAM CASE [SIZE]. A bad command line
// is one line on stderr and exit status 2 (SIZE must be a decimal number of bytes that fits).
#pragma once
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>

namespace hardalloc_test {

struct CaseArguments {
  const char* name;
  size_t size;
};

inline CaseArguments parse_case_arguments(const char* program, int argc, char** argv, size_t default_size) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s CASE [SIZE]\n", program);
    std::exit(2);
  }
  size_t size = default_size;
  if (argc == 3) {
    char* end = nullptr;
    errno = 0;
    size = std::strtoull(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || argv[2][0] == '-' || errno == ERANGE) {
      std::fprintf(stderr, "%s: SIZE must be a number of bytes, got '%s'\n", program, argv[2]);
      std::exit(2);
    }
  }
  return {argv[1], size};
}

}  // namespace hardalloc_test
