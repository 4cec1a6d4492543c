// fork and the parent's other threads, which the child does not have: a fork racing their first
// allocation (process init, heap creation) must not leave the child waiting on anything they
// held, and the blocks they owned must be freeable in the child, their segments reclaimed there.
// Each test must start in a process where hardalloc has not allocated yet: ctest runs every
// test of this program in its own process.
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "fork_child_exit.h"
#include "patterned_block.h"
#include "stats_snapshot.h"

namespace {

using namespace hardalloc_test;

// Runs in a fresh copy of the test process: starts threads whose first hardalloc call is a
// malloc and forks while they are in it. Returns what the grandchild's wait status says.
int fork_during_first_allocations() {
  constexpr int STARTER_COUNT = 4;
  std::atomic<bool> go{false};
  std::vector<std::thread> starters;
  for (int i = 0; i < STARTER_COUNT; ++i) {
    starters.emplace_back([&go] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      ha_free(ha_malloc(64));
    });
  }
  go.store(true, std::memory_order_release);
  const pid_t child = fork();
  if (child == 0) {
    alarm(CHILD_DEADLINE_SECONDS);
    _exit(churn_in_child(200));
  }
  const int wait_status = wait_for(child);
  for (std::thread& starter : starters) starter.join();
  if (child < 0 || wait_status < 0) return CHILD_ALLOCATION_FAILED;
  return WIFSIGNALED(wait_status) ? CHILD_KILLED + WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
}

TEST(ForkLostThreads, ForkDuringOtherThreadsFirstAllocationLeavesTheChildWorking) {
  constexpr int ROUNDS = 100;
  int failures = 0;
  for (int round = 0; round < ROUNDS && failures < 5; ++round) {
    // A fresh copy of this process, in which no thread has allocated through hardalloc yet.
    const pid_t copy = fork();
    ASSERT_NE(copy, -1);
    if (copy == 0) {
      alarm(2 * CHILD_DEADLINE_SECONDS);
      _exit(fork_during_first_allocations());
    }
    const int wait_status = wait_for(copy);
    const bool ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == CHILD_OK;
    EXPECT_TRUE(ok) << "round " << round << ": " << describe(wait_status);
    failures += !ok;
  }
}

// The child's side of the lost-owner test: frees every block the lost thread owned, then
// allocates as much again; `blocks` lives in memory the child inherited.
int free_blocks_of_lost_thread(const std::vector<void*>& blocks, std::size_t block_bytes) {
  const ha_stats at_fork = current_stats();
  if (at_fork.abandoned_segments == 0) return CHILD_NOTHING_ABANDONED;
  if (at_fork.heaps != 0) return CHILD_LOST_HEAP_KEPT;  // this thread never allocated: no heap
  for (void* block : blocks) {
    if (!free_patterned(block).intact()) return CHILD_BLOCK_CORRUPT;
  }
  if (current_stats().abandoned_segments != 0) return CHILD_SEGMENTS_NOT_RECLAIMED;
  std::vector<void*> again;
  again.reserve(blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    void* block = allocate_patterned(block_bytes, i);
    if (block == nullptr) return CHILD_ALLOCATION_FAILED;
    again.push_back(block);
  }
  // The freed segments are what the new blocks live in: no more than one segment of slack.
  if (current_stats().segments > at_fork.segments + 1) return CHILD_SEGMENTS_GREW;
  for (void* block : again) {
    if (!free_patterned(block).intact()) return CHILD_BLOCK_CORRUPT;
  }
  return CHILD_OK;
}

TEST(ForkLostThreads, ChildFreesBlocksOfAThreadItLostAndReusesTheirSegments) {
  constexpr std::size_t BLOCK_BYTES = 1000;
  constexpr std::size_t BLOCK_COUNT = 16000;  // about 16 MiB: several segments
  std::vector<void*> blocks;
  blocks.reserve(BLOCK_COUNT);
  std::atomic<int> phase{0};  // 1: the owner allocated; 2: the parent forked
  std::thread owner([&] {
    for (std::size_t i = 0; i < BLOCK_COUNT; ++i) blocks.push_back(allocate_patterned(BLOCK_BYTES, i));
    phase.store(1, std::memory_order_release);
    while (phase.load(std::memory_order_acquire) != 2) std::this_thread::yield();
    for (void* block : blocks) ha_free(block);
  });
  while (phase.load(std::memory_order_acquire) != 1) std::this_thread::yield();
  for (void* block : blocks) ASSERT_NE(block, nullptr);
  const pid_t child = fork();
  if (child == 0) {
    alarm(CHILD_DEADLINE_SECONDS);
    _exit(free_blocks_of_lost_thread(blocks, BLOCK_BYTES));
  }
  phase.store(2, std::memory_order_release);
  owner.join();
  ASSERT_NE(child, -1);
  const int wait_status = wait_for(child);
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == CHILD_OK) << "child " << describe(wait_status);
}

}  // namespace
