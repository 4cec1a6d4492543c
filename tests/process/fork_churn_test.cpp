// Protocol: fork while other threads allocate (the prepare/parent/child handlers, the child's
// abandoning of the lost threads' segments; docs/concurrency.md, "Fork"). Traders trade blocks
// through a shared array of slots, allocating, resizing and freeing across threads without
// pause, while the main thread forks again and again. Each child, whose only thread is a copy of
// the one that forked, must not deadlock; it checks and frees every block in the slots (blocks
// of threads it does not have), allocates on two threads, and may find live, after a forced
// collect, at most the blocks the traders had in their hands at the fork. The parent then stops
// the traders and must count nothing live.
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "block_slots.h"
#include "fork_child_exit.h"
#include "live_block_census.h"
#include "size_mix.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t TRADER_COUNT = 4;
constexpr std::size_t SLOT_COUNT = 1024;
constexpr int FORK_COUNT = 60;
// A trader holds at most two blocks outside the slots (the one it allocated or resized, the one
// it took out), and one more may be half-allocated inside hardalloc at the fork.
constexpr std::size_t HELD_PER_TRADER = 3;

using Slots = BlockSlots<SLOT_COUNT>;

void trade(Slots& slots, std::uint64_t seed, const std::atomic<bool>& done) {
  std::mt19937_64 random(seed);
  // relaxed: a stop flag; the slots' exchanges order the blocks.
  while (!done.load(std::memory_order_relaxed)) {
    const SizeRange range = random() % 16 == 0 ? MEDIUM_SIZES : SMALL_SIZES;
    void* block = slots.integrity.allocate_checked(draw_size(random, range), random());
    if (random() % 4 == 0 && block != nullptr)
      block = slots.integrity.resize_checked(block, draw_size(random, range), random());
    slots.integrity.check_and_free(slots.swap(random(), block));
  }
}

// The child: frees what the slots hold, churns, and counts what stays live.
int check_child(Slots& slots) {
  const LiveBlockCensus at_fork = settled_census();
  std::size_t in_slots = 0;
  for (std::size_t i = 0; i < SLOT_COUNT; ++i) {
    void* block = slots.swap(i, nullptr);
    if (block == nullptr) continue;
    ++in_slots;
    if (!free_patterned(block).intact()) return CHILD_BLOCK_CORRUPT;
  }
  if (at_fork.paged_blocks + at_fork.dedicated_blocks + at_fork.guarded_blocks < in_slots) return CHILD_BLOCKS_LOST;
  if (const int churned = churn_in_child(200); churned != CHILD_OK) return churned;
  const LiveBlockCensus after = settled_census();
  if (after.abandoned_segments != 0) return CHILD_SEGMENTS_NOT_RECLAIMED;
  const std::size_t live = after.paged_blocks + after.dedicated_blocks + after.guarded_blocks;
  if (live <= TRADER_COUNT * HELD_PER_TRADER) return CHILD_OK;
  std::fprintf(stderr,
               "child: %zu blocks live after freeing the %zu in the slots (at fork: %zu), at most %zu expected\n", live,
               in_slots, at_fork.paged_blocks + at_fork.dedicated_blocks + at_fork.guarded_blocks,
               TRADER_COUNT * HELD_PER_TRADER);
  return CHILD_BLOCKS_LOST;
}

TEST(ForkChurn, ForkWhileOtherThreadsAllocateLeavesEveryBlockAccountedFor) {
  const LiveBlockCensus before = settled_census();
  install_crash_backtrace();  // inherited by every child
  Slots slots;
  std::atomic<bool> done{false};
  std::vector<std::thread> traders;
  for (std::size_t i = 0; i < TRADER_COUNT; ++i) traders.emplace_back(trade, std::ref(slots), 77 + i, std::cref(done));
  std::mt19937_64 random(5);
  int failures = 0;
  for (int round = 0; round < FORK_COUNT && failures < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 20000));
    const pid_t child = fork();
    if (child == -1) {
      ADD_FAILURE() << "fork " << round << " failed";  // the traders are still to be stopped
      break;
    }
    if (child == 0) {
      alarm(CHILD_DEADLINE_SECONDS);
      _exit(check_child(slots));
    }
    const int wait_status = wait_for(child);
    const bool ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == CHILD_OK;
    EXPECT_TRUE(ok) << "fork " << round << ": child " << describe(wait_status);
    failures += !ok;
  }
  done.store(true, std::memory_order_relaxed);  // relaxed: the joins below order the rest
  for (std::thread& trader : traders) trader.join();
  slots.drain();
  EXPECT_EQ(slots.integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(slots.integrity.failed_allocations.load(), 0u);
  EXPECT_EQ(settled_census(), before);
}

}  // namespace
