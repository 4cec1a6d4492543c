// Short-lived threads that leave blocks behind: each generation of threads frees blocks that
// earlier (now dead) generations left, so frees land in pages of exited threads' heaps.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "block_slots.h"
#include "integrity_counters.h"
#include "random_request.h"
#include "stress_scale.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t THREADS_PER_GENERATION = 3;
constexpr std::size_t BLOCKS_PER_THREAD = 48;
constexpr std::size_t SURVIVOR_SLOTS = THREADS_PER_GENERATION * BLOCKS_PER_THREAD;
const std::size_t GENERATION_COUNT = scaled_for_build(4000);

// Allocates a batch, frees half of it itself and swaps the other half into random slots,
// freeing what earlier threads had left there.
void live_briefly(BlockSlots<SURVIVOR_SLOTS>& survivors, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<void*> own;
  for (std::size_t i = 0; i < BLOCKS_PER_THREAD; ++i) {
    own.push_back(survivors.integrity.allocate_checked(draw_typical_size(random), random()));
  }
  for (std::size_t i = 0; i < BLOCKS_PER_THREAD; ++i) {
    const bool leave_behind = i % 2 == 0;
    survivors.integrity.check_and_free(survivors.swap(random(), leave_behind ? own[i] : nullptr));
    if (!leave_behind) {
      survivors.integrity.check_and_free(own[i]);
    }
  }
}

TEST(ThreadChurn, BlocksOutliveTheThreadsThatAllocatedThem) {
  BlockSlots<SURVIVOR_SLOTS> survivors;
  for (std::size_t generation = 0; generation < GENERATION_COUNT; ++generation) {
    std::vector<std::thread> threads;
    for (std::size_t index = 0; index < THREADS_PER_GENERATION; ++index) {
      threads.emplace_back(live_briefly, std::ref(survivors), generation * THREADS_PER_GENERATION + index);
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
  }
  survivors.drain();
  EXPECT_EQ(survivors.integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(survivors.integrity.failed_allocations.load(), 0u);
}

}  // namespace
