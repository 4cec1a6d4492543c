// Allocating, checking and freeing patterned blocks one at a time: what a fork child does to show
// that the allocator works in it. Header-only: the ha_* calls bind to the library the test links.
#pragma once

#include <cstdint>
#include <random>
#include <thread>

#include "patterned_block.h"
#include "size_mix.h"

namespace hardalloc_test {

enum class ChurnResult { ok, allocation_failed, block_corrupt };

// `count` rounds of allocate, check, free; sizes from SMALL_SIZES, every tenth from MEDIUM_SIZES.
inline ChurnResult churn_patterned(std::uint64_t seed, int count) {
  std::mt19937_64 random(seed);
  for (int i = 0; i < count; ++i) {
    void* block = allocate_patterned(draw_size(random, i % 10 == 0 ? MEDIUM_SIZES : SMALL_SIZES), random());
    if (block == nullptr) return ChurnResult::allocation_failed;
    if (!free_patterned(block).intact()) return ChurnResult::block_corrupt;
  }
  return ChurnResult::ok;
}

// The same on the calling thread, then on a new one (threads a fork child starts must work too).
inline ChurnResult churn_patterned_on_two_threads(int count) {
  ChurnResult result = churn_patterned(1, count);
  if (result != ChurnResult::ok) return result;
  std::thread thread([&result, count] { result = churn_patterned(2, count); });
  thread.join();
  return result;
}

}  // namespace hardalloc_test
