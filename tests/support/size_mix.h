// Request sizes drawn from the allocator's size ranges. The boundaries follow the core's
// src/mem/size_class.h: small blocks up to 8 KiB, medium up to 64 KiB, large blocks in a 4 MiB
// segment of their own, huge blocks mapped on their own. The tests only need each path to be
// exercised; if the boundaries move, a range still lands mostly on one path.
#pragma once

#include <cmath>
#include <cstddef>
#include <random>

namespace hardalloc_test {

struct SizeRange {
  std::size_t min_bytes;
  std::size_t max_bytes;
};

constexpr std::size_t KIB = std::size_t{1} << 10;
constexpr SizeRange SMALL_SIZES{1, 8 * KIB};
constexpr SizeRange MEDIUM_SIZES{8 * KIB + 1, 64 * KIB};
constexpr SizeRange LARGE_SIZES{64 * KIB + 1, 4096 * KIB - 64 * KIB};
constexpr SizeRange HUGE_SIZES{8192 * KIB, 65536 * KIB};

// Log-uniform within the range, so that each power of two gets about the same share.
inline std::size_t draw_size(std::mt19937_64& random, SizeRange range) {
  std::uniform_real_distribution<double> exponent(std::log2(static_cast<double>(range.min_bytes)),
                                                  std::log2(static_cast<double>(range.max_bytes)));
  const auto size_bytes = static_cast<std::size_t>(std::exp2(exponent(random)));
  return size_bytes < range.min_bytes ? range.min_bytes : size_bytes;
}

}  // namespace hardalloc_test
