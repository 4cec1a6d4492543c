// The request size mix the stress tests draw from: mostly small blocks, some medium, a few
// large, like a typical program's (and cheap enough to pattern-check millions of).
#pragma once

#include <random>

#include "size_mix.h"

namespace hardalloc_test {

inline std::size_t draw_typical_size(std::mt19937_64& random) {
  const auto percentile = random() % 1000;
  if (percentile < 950) {
    return draw_size(random, SMALL_SIZES);
  }
  if (percentile < 999) {
    return draw_size(random, MEDIUM_SIZES);
  }
  return draw_size(random, LARGE_SIZES);
}

}  // namespace hardalloc_test
