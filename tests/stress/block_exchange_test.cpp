// Threads trade blocks through one shared array of slots: each block is allocated by one
// thread, often resized by another and freed by a third, so nearly every free is cross-thread.
// Every block carries its pattern, checked whenever it changes hands.
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

constexpr std::size_t THREAD_COUNT = 4;
constexpr std::size_t SLOT_COUNT = 1024;
const std::size_t OPERATIONS_PER_THREAD = scaled_for_build(400000);

// One trader: puts a fresh block into a random slot (freeing what was there), or takes a block
// out, resizes it and puts it back.
void trade(BlockSlots<SLOT_COUNT>& exchange, std::uint64_t thread_seed) {
  std::mt19937_64 random(thread_seed);
  IntegrityCounters& integrity = exchange.integrity;
  for (std::size_t operation = 0; operation < OPERATIONS_PER_THREAD; ++operation) {
    const std::size_t slot = random();
    if (random() % 5 != 0) {
      void* fresh = integrity.allocate_checked(draw_typical_size(random), random());
      integrity.check_and_free(exchange.swap(slot, fresh));
    } else if (void* taken = exchange.swap(slot, nullptr)) {
      void* resized = integrity.resize_checked(taken, draw_typical_size(random), random());
      integrity.check_and_free(exchange.swap(slot, resized));
    }
  }
}

TEST(BlockExchange, CrossThreadFreesKeepEveryBlockIntact) {
  BlockSlots<SLOT_COUNT> exchange;
  std::vector<std::thread> traders;
  for (std::size_t index = 0; index < THREAD_COUNT; ++index) {
    traders.emplace_back(trade, std::ref(exchange), 1000 + index);
  }
  for (std::thread& trader : traders) {
    trader.join();
  }
  exchange.drain();
  EXPECT_EQ(exchange.integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(exchange.integrity.failed_allocations.load(), 0u);
}

}  // namespace
