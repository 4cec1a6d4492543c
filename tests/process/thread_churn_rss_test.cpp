// 10,000 short-lived threads, each leaving a few blocks behind for later threads to free:
// nothing leaks (in-use bytes and heaps back to the start) and the resident set does not
// keep growing (after 10,000 threads it is close to what it was after 1,000).
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "block_slots.h"
#include "integrity_counters.h"
#include "resident_memory.h"
#include "size_mix.h"
#include "stats_snapshot.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t TOTAL_THREADS = 10'000;
constexpr std::size_t CHECKPOINT_THREADS = 1'000;
constexpr std::size_t THREADS_AT_ONCE = 4;
constexpr std::size_t BLOCKS_PER_THREAD = 8;
constexpr std::size_t BLOCKS_LEFT_PER_THREAD = 4;
constexpr std::size_t POOL_SLOTS = 256;
// Growth allowed between the 1,000th and the 10,000th thread: a bounded design reuses the
// dead threads' heaps and segments, so this only absorbs noise.
constexpr std::size_t RSS_GROWTH_TOLERANCE_BYTES = 16 * MIB;
// In-use bytes allowed above the start once every block is freed (none, up to rounding of
// blocks the test framework itself may hold).
constexpr std::size_t IN_USE_TOLERANCE_BYTES = 64 * KIB;

// Allocates a few blocks, frees some itself and swaps the rest into the pool, freeing
// whatever earlier (mostly dead) threads had left in those slots.
void short_life(BlockSlots<POOL_SLOTS>& pool, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  for (std::size_t i = 0; i < BLOCKS_PER_THREAD; ++i) {
    void* block = pool.integrity.allocate_checked(draw_size(random, i == 0 ? MEDIUM_SIZES : SMALL_SIZES), seed);
    if (i < BLOCKS_LEFT_PER_THREAD) {
      block = pool.swap(random(), block);
    }
    pool.integrity.check_and_free(block);
  }
}

void run_threads(BlockSlots<POOL_SLOTS>& pool, std::size_t first_index, std::size_t end_index) {
  for (std::size_t index = first_index; index < end_index; index += THREADS_AT_ONCE) {
    std::vector<std::thread> threads;
    for (std::size_t i = index; i < index + THREADS_AT_ONCE && i < end_index; ++i) {
      threads.emplace_back(short_life, std::ref(pool), i);
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
  }
}

TEST(ThreadChurnRss, TenThousandThreadsNeitherLeakNorGrow) {
  BlockSlots<POOL_SLOTS> pool;
  // The main thread frees the blocks left at the end: give it its heap before the start.
  ha_free(ha_malloc(16));
  const ha_stats start = current_stats();
  const std::size_t start_rss_bytes = resident_bytes();

  run_threads(pool, 0, CHECKPOINT_THREADS);
  const std::size_t checkpoint_rss_bytes = resident_bytes();
  const ha_stats checkpoint = current_stats();

  run_threads(pool, CHECKPOINT_THREADS, TOTAL_THREADS);
  const std::size_t final_rss_bytes = resident_bytes();
  const ha_stats final_stats = current_stats();

  pool.drain();
  const ha_stats drained = current_stats();

  std::printf(
      "thread_churn: rss start=%zu KiB after %zu threads=%zu KiB after %zu threads=%zu KiB "
      "(bound: +%zu MiB)\n"
      "thread_churn: in_use start=%zu after %zu=%zu after %zu=%zu drained=%zu bytes\n"
      "thread_churn: heaps start=%zu end=%zu; segments after %zu=%zu after %zu=%zu; "
      "abandoned after %zu=%zu after %zu=%zu\n",
      start_rss_bytes / KIB, CHECKPOINT_THREADS, checkpoint_rss_bytes / KIB, TOTAL_THREADS, final_rss_bytes / KIB,
      RSS_GROWTH_TOLERANCE_BYTES / MIB, start.in_use_bytes, CHECKPOINT_THREADS, checkpoint.in_use_bytes, TOTAL_THREADS,
      final_stats.in_use_bytes, drained.in_use_bytes, start.heaps, drained.heaps, CHECKPOINT_THREADS,
      checkpoint.segments, TOTAL_THREADS, final_stats.segments, CHECKPOINT_THREADS, checkpoint.abandoned_segments,
      TOTAL_THREADS, final_stats.abandoned_segments);

  EXPECT_EQ(pool.integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(pool.integrity.failed_allocations.load(), 0u);
  EXPECT_LE(final_rss_bytes, checkpoint_rss_bytes + RSS_GROWTH_TOLERANCE_BYTES);
  EXPECT_LE(drained.in_use_bytes, start.in_use_bytes + IN_USE_TOLERANCE_BYTES);
  EXPECT_LE(drained.heaps, start.heaps);
}

}  // namespace
