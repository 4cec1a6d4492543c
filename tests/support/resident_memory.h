// The process's resident set size, as the kernel reports it in /proc/self/statm.
#pragma once

#include <cstddef>

namespace hardalloc_test {

// Resident bytes of the calling process; aborts the test program if statm cannot be read.
std::size_t resident_bytes();

constexpr std::size_t MIB = std::size_t{1} << 20;

}  // namespace hardalloc_test
