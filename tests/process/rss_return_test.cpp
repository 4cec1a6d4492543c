// Memory goes back to the OS: after a peak of about 1 GiB in small, medium, large and huge
// blocks is freed, the resident set returns to near where it started. Runs with
// HARDALLOC_OPTIONS=purge_delay_ms=10 (set by ctest).
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <random>
#include <thread>
#include <vector>

#include "resident_memory.h"
#include "size_mix.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t PEAK_BYTES = std::size_t{1} << 30;
constexpr std::size_t RANGE_SHARE_BYTES = PEAK_BYTES / 4;
// Smallest mean request is about 1 KiB (log-uniform over 1 B..8 KiB), so this is ample.
constexpr std::size_t MAX_BLOCK_COUNT = 2'000'000;
// The bound the allocator is held to: what it keeps after the purge delay (page-table and
// metadata pages, a cached segment or two, partly used pages) stays under this.
constexpr std::size_t RETURN_TOLERANCE_BYTES = 64 * MIB;
// Past the longest delay the purge pacing may have reached (16 times purge_delay_ms).
constexpr auto PAST_PURGE_DELAY = std::chrono::milliseconds(200);

struct RssFigures {
  std::size_t start_bytes;
  std::size_t peak_bytes;
  std::size_t after_bytes;
};

// Allocates about PEAK_BYTES, a quarter from each size range, writing every byte so it is
// resident; then frees it all in random order.
RssFigures allocate_peak_and_free(std::vector<void*>& blocks, std::mt19937_64& random, void (*settle)()) {
  RssFigures figures{resident_bytes(), 0, 0};
  std::size_t block_count = 0;
  for (SizeRange range : {SMALL_SIZES, MEDIUM_SIZES, LARGE_SIZES, HUGE_SIZES}) {
    for (std::size_t range_bytes = 0; range_bytes < RANGE_SHARE_BYTES;) {
      const std::size_t size_bytes = draw_size(random, range);
      void* block = block_count < MAX_BLOCK_COUNT ? ha_malloc(size_bytes) : nullptr;
      if (block == nullptr) {
        ADD_FAILURE() << "allocation of " << size_bytes << " bytes failed after " << block_count << " blocks";
        return figures;
      }
      std::memset(block, 0x5a, size_bytes);
      blocks[block_count++] = block;
      range_bytes += size_bytes;
    }
  }
  figures.peak_bytes = resident_bytes();
  std::shuffle(blocks.begin(), blocks.begin() + static_cast<std::ptrdiff_t>(block_count), random);
  for (std::size_t i = 0; i < block_count; ++i) {
    ha_free(blocks[i]);
  }
  settle();
  figures.after_bytes = resident_bytes();
  return figures;
}

// One more allocate/free cycle of each kind of block in `ranges`, which gives the allocator the
// chance to purge what has been empty for longer than the purge delay.
void allocate_free_cycle(std::initializer_list<SizeRange> ranges) {
  std::mt19937_64 random(7);
  for (SizeRange range : ranges) {
    for (int i = 0; i < 100; ++i) {
      ha_free(ha_malloc(draw_size(random, range)));
    }
  }
}

// What the first cycle frees last (a huge mapping in the cache of recent ones, a large page's
// segment) has not waited out a delay when it ends; after the second wait, a cycle of large
// blocks alone (one segment going back and forth) runs the purge passes that return it.
void wait_past_purge_delay_then_cycle() {
  std::this_thread::sleep_for(PAST_PURGE_DELAY);
  allocate_free_cycle({SMALL_SIZES, MEDIUM_SIZES, LARGE_SIZES, HUGE_SIZES});
  std::this_thread::sleep_for(PAST_PURGE_DELAY);
  allocate_free_cycle({LARGE_SIZES});
}

void collect_now() { ha_collect(1); }

void expect_returned(const RssFigures& figures, const char* how) {
  std::printf("rss_return (%s): start=%zu MiB peak=%zu MiB after=%zu MiB (bound: start + %zu MiB)\n", how,
              figures.start_bytes / MIB, figures.peak_bytes / MIB, figures.after_bytes / MIB,
              RETURN_TOLERANCE_BYTES / MIB);
  EXPECT_GE(figures.peak_bytes, figures.start_bytes + PEAK_BYTES - 64 * MIB)
      << "the peak was not resident: the test did not measure what it claims";
  EXPECT_LE(figures.after_bytes, figures.start_bytes + RETURN_TOLERANCE_BYTES);
}

TEST(RssReturn, BackNearStartAfterThePurgeDelay) {
  std::vector<void*> blocks(MAX_BLOCK_COUNT);  // value-initialised: resident before the start
  std::mt19937_64 random(1);
  expect_returned(allocate_peak_and_free(blocks, random, wait_past_purge_delay_then_cycle), "purge delay");
}

TEST(RssReturn, BackNearStartAfterForcedCollect) {
  std::vector<void*> blocks(MAX_BLOCK_COUNT);
  std::mt19937_64 random(2);
  expect_returned(allocate_peak_and_free(blocks, random, collect_now), "ha_collect(1)");
}

TEST(RssReturn, RepeatedPeaksDoNotAccumulate) {
  std::vector<void*> blocks(MAX_BLOCK_COUNT);
  std::mt19937_64 random(3);
  const RssFigures first = allocate_peak_and_free(blocks, random, wait_past_purge_delay_then_cycle);
  RssFigures last = first;
  for (int round = 0; round < 2; ++round) {
    last = allocate_peak_and_free(blocks, random, wait_past_purge_delay_then_cycle);
  }
  std::printf("rss_return (3 peaks): after first=%zu MiB after third=%zu MiB\n", first.after_bytes / MIB,
              last.after_bytes / MIB);
  EXPECT_LE(last.after_bytes, first.after_bytes + 16 * MIB);
}

}  // namespace
