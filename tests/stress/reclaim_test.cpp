// Protocol: reclaiming abandoned segments while other threads free into them (reclaim_one and
// try_reclaim_on_free -> adopt, racing Page::push_thread; docs/concurrency.md). Leavers allocate
// blocks, trade them into a shared array of slots (freeing what they take out, often a block of
// an exited thread: a free that adopts its segment) and exit with blocks left there. At the same
// time adopters churn allocations of the same sizes, so their slow paths adopt abandoned
// segments, and free blocks they take from the slots: two threads adopting, or one adopting
// while another pushes, again and again. Every block's pattern must be intact, and once the
// slots are drained nothing may stay live or abandoned.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "block_slots.h"
#include "integrity_counters.h"
#include "live_block_census.h"
#include "random_request.h"
#include "stress_scale.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t SLOT_COUNT = 2048;
constexpr std::size_t BLOCKS_PER_LEAVER = 64;
constexpr std::size_t CHURN_BLOCKS = 32;  // an adopter's own live blocks
const std::size_t LEAVER_COUNT = scaled_for_build(2000);

void leave_blocks_behind(BlockSlots<SLOT_COUNT>& slots, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  for (std::size_t i = 0; i < BLOCKS_PER_LEAVER; ++i) {
    slots.integrity.check_and_free(
        slots.swap(random(), slots.integrity.allocate_checked(draw_typical_size(random), random())));
  }
}  // thread exit: its segments with blocks in the slots are abandoned

void adopt_while_freeing(BlockSlots<SLOT_COUNT>& slots, std::uint64_t seed, const std::atomic<bool>& done) {
  std::mt19937_64 random(seed);
  void* own[CHURN_BLOCKS] = {};
  // relaxed: a stop flag; what the adopters did is read after they are joined.
  while (!done.load(std::memory_order_relaxed)) {
    void*& mine = own[random() % CHURN_BLOCKS];
    slots.integrity.check_and_free(mine);
    mine = slots.integrity.allocate_checked(draw_typical_size(random), random());
    slots.integrity.check_and_free(slots.swap(random(), nullptr));
  }
  for (void* block : own) slots.integrity.check_and_free(block);
}

TEST(Reclaim, AdoptingSegmentsRacesTheirRemoteFrees) {
  const LiveBlockCensus before = settled_census();
  const std::size_t thread_count = stress_thread_count();
  const std::size_t adopter_count = thread_count / 2;
  const std::size_t leavers_at_once = thread_count - adopter_count;
  BlockSlots<SLOT_COUNT> slots;
  std::atomic<bool> done{false};
  std::vector<std::thread> adopters;
  for (std::size_t i = 0; i < adopter_count; ++i) {
    adopters.emplace_back(adopt_while_freeing, std::ref(slots), 1000 + i, std::cref(done));
  }
  for (std::size_t started = 0; started < LEAVER_COUNT; started += leavers_at_once) {
    std::vector<std::thread> leavers;
    for (std::size_t i = 0; i < leavers_at_once; ++i)
      leavers.emplace_back(leave_blocks_behind, std::ref(slots), started + i);
    for (std::thread& leaver : leavers) leaver.join();
  }
  done.store(true, std::memory_order_relaxed);  // relaxed: the joins below order the rest
  for (std::thread& adopter : adopters) adopter.join();
  slots.drain();
  EXPECT_EQ(slots.integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(slots.integrity.failed_allocations.load(), 0u);
  EXPECT_EQ(settled_census(), before);
  std::printf("%zu leavers, %zu adopters\n", LEAVER_COUNT, adopter_count);
}

}  // namespace
