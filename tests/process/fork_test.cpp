// fork: the child of a parent whose threads are busy allocating can allocate and free (the
// allocator's atfork handlers leave no lock held and no heap half-updated in the child).
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <random>
#include <thread>
#include <vector>

#include "fork_child_exit.h"
#include "patterned_block.h"
#include "size_mix.h"

namespace {

using namespace hardalloc_test;

constexpr int FORK_COUNT = 300;
constexpr std::size_t BUSY_THREAD_COUNT = 3;

// Allocates and frees blocks of every size range until told to stop.
void allocate_busily(const std::atomic<bool>& stop, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<void*> held;
  while (!stop.load(std::memory_order_relaxed)) {
    const SizeRange range = random() % 64 == 0 ? LARGE_SIZES : SMALL_SIZES;
    held.push_back(ha_malloc(draw_size(random, range)));
    if (held.size() > 64) {
      const std::size_t victim = random() % held.size();
      ha_free(held[victim]);
      held[victim] = held.back();
      held.pop_back();
    }
  }
  for (void* block : held) {
    ha_free(block);
  }
}

// The child's work: free what it inherited, then allocate, check and free on its main thread
// and on a new thread (the child's heap state must be usable by threads it starts), and map
// and unmap one huge block.
int child_main(void* inherited_block) {
  alarm(CHILD_DEADLINE_SECONDS);
  if (!free_patterned(inherited_block).intact()) {
    return CHILD_INHERITED_BLOCK_CORRUPT;
  }
  if (const int churned = churn_in_child(100); churned != CHILD_OK) return churned;
  auto* huge = static_cast<char*>(ha_malloc(HUGE_SIZES.min_bytes));
  if (huge == nullptr) {
    return CHILD_ALLOCATION_FAILED;
  }
  huge[0] = huge[HUGE_SIZES.min_bytes - 1] = 1;
  ha_free(huge);
  return CHILD_OK;
}

TEST(Fork, ChildOfBusyMultithreadedParentCanAllocate) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> busy_threads;
  for (std::size_t index = 0; index < BUSY_THREAD_COUNT; ++index) {
    busy_threads.emplace_back(allocate_busily, std::cref(stop), index);
  }
  int failed_children = 0;
  for (int fork_index = 0; fork_index < FORK_COUNT && failed_children < 5; ++fork_index) {
    void* inherited_block = allocate_patterned(100 + static_cast<std::size_t>(fork_index), 42);
    ASSERT_NE(inherited_block, nullptr);
    const pid_t child = fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
      _exit(child_main(inherited_block));
    }
    EXPECT_TRUE(free_patterned(inherited_block).intact());
    const int wait_status = wait_for(child);
    ASSERT_NE(wait_status, -1);
    const bool exited_ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == CHILD_OK;
    EXPECT_TRUE(exited_ok) << "fork " << fork_index << ": child " << describe(wait_status);
    failed_children += !exited_ok;
  }
  stop.store(true, std::memory_order_relaxed);
  for (std::thread& thread : busy_threads) {
    thread.join();
  }
}

}  // namespace
