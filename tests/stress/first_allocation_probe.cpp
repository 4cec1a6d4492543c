// Run by first_allocation_test in a fresh process: many threads, held at a start line, make
// hardalloc's very first allocation at once, so everything initialised lazily (process init
// and its thread key, the page size, the segment pool and map, the statistics, each thread's
// heap) is initialised by whichever thread gets there first while the others race it. Checks
// that every thread got a heap of its own and a block of its own (patterns), that the
// statistics count each exactly once, and that the main thread can free them all with nothing
// left live. Exit status: 0 all held, else the number of the check that failed (stderr says
// which).
#include <hardalloc.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "live_block_census.h"
#include "patterned_block.h"
#include "stats_snapshot.h"

namespace {

using namespace hardalloc_test;

enum Failure : int {
  ALLOCATION_FAILED = 1,
  HEAPS_MISCOUNTED = 2,
  BLOCKS_MISCOUNTED = 3,
  BLOCK_CORRUPT = 4,
  BLOCKS_LEFT_LIVE = 5,
};

int fail(Failure failure, const char* what, std::size_t seen, std::size_t expected) {
  std::fprintf(stderr, "first_allocation_probe: %s: %zu, expected %zu\n", what, seen, expected);
  return failure;
}

// Spins until `flag` is set: the threads must be running, not parked, when the start comes.
void wait_for(const std::atomic<bool>& flag) {
  // acquire: pairs with the main thread's release store.
  while (!flag.load(std::memory_order_acquire)) std::this_thread::yield();
}

}  // namespace

int main() {
  const std::size_t thread_count = std::max<std::size_t>(16, 4 * std::thread::hardware_concurrency());
  std::vector<void*> blocks(thread_count);
  // seq_cst counters and release/acquire flags: the start line, then the finish line.
  std::atomic<std::size_t> ready{0};
  std::atomic<std::size_t> allocated{0};
  std::atomic<bool> start{false};
  std::atomic<bool> finish{false};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < thread_count; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      wait_for(start);
      blocks[i] = allocate_patterned(32 + 16 * (i % 8), i);  // the process's first allocations
      ++allocated;
      wait_for(finish);  // keep the heap alive until the main thread has counted it
    });
  }
  while (ready.load() < thread_count) std::this_thread::yield();
  start.store(true, std::memory_order_release);  // release: pairs with wait_for's acquire
  while (allocated.load() < thread_count) std::this_thread::yield();

  const ha_stats during = current_stats();  // the main thread has not allocated: no heap of its own
  std::size_t live = during.huge_blocks + during.guarded_live;
  for (std::size_t i = 0; i < during.size_class_count; ++i) live += during.size_classes[i].live_blocks;
  finish.store(true, std::memory_order_release);  // release: pairs with wait_for's acquire
  for (std::thread& thread : threads) thread.join();

  const std::size_t failed = static_cast<std::size_t>(std::count(blocks.begin(), blocks.end(), nullptr));
  if (failed != 0) return fail(ALLOCATION_FAILED, "allocations that failed", failed, 0);
  if (during.heaps != thread_count) return fail(HEAPS_MISCOUNTED, "heaps in use", during.heaps, thread_count);
  if (live != thread_count) return fail(BLOCKS_MISCOUNTED, "live blocks", live, thread_count);
  std::size_t corrupt = 0;
  for (void* block : blocks) corrupt += free_patterned(block).intact() ? 0 : 1;  // frees of exited threads' blocks
  if (corrupt != 0) return fail(BLOCK_CORRUPT, "blocks found corrupt", corrupt, 0);
  const LiveBlockCensus after = settled_census();
  if (!(after == LiveBlockCensus{})) {
    std::fprintf(stderr,
                 "first_allocation_probe: census after freeing every block: paged %zu, dedicated %zu, "
                 "guarded %zu, abandoned segments %zu; expected none\n",
                 after.paged_blocks, after.dedicated_blocks, after.guarded_blocks, after.abandoned_segments);
    return BLOCKS_LEFT_LIVE;
  }
  return 0;
}
