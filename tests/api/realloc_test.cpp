// realloc keeps the contents up to the smaller of the old and new sizes: growing and shrinking,
// in place and moved, across size classes and into the large and huge paths.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdint>
#include <random>
#include <vector>

#include "block_pattern.h"
#include "build_flavour.h"
#include "size_mix.h"

namespace {

using hardalloc_test::fill_pattern;
using hardalloc_test::first_pattern_mismatch;

constexpr std::size_t MIB = std::size_t{1} << 20;

// Reallocates a patterned block to each size in turn, checking the kept prefix every time.
void expect_contents_kept_along(const std::vector<std::size_t>& sizes) {
  std::uint64_t seed = 0x1234;
  std::size_t old_size_bytes = sizes.front();
  void* block = ha_malloc(old_size_bytes);
  ASSERT_NE(block, nullptr);
  fill_pattern(block, old_size_bytes, seed);
  for (std::size_t new_size_bytes : sizes) {
    void* moved = ha_realloc(block, new_size_bytes);
    ASSERT_NE(moved, nullptr) << old_size_bytes << " -> " << new_size_bytes;
    block = moved;
    const std::size_t kept_bytes = std::min(old_size_bytes, new_size_bytes);
    ASSERT_EQ(first_pattern_mismatch(block, kept_bytes, seed), kept_bytes)
        << old_size_bytes << " -> " << new_size_bytes;
    EXPECT_GE(ha_malloc_usable_size(block), new_size_bytes);
    fill_pattern(block, new_size_bytes, ++seed);
    old_size_bytes = new_size_bytes;
  }
  ha_free(block);
}

const std::vector<std::size_t> CLASS_CROSSING_SIZES{1,
                                                    8,
                                                    16,
                                                    17,
                                                    64,
                                                    100,
                                                    512,
                                                    1024,
                                                    1025,
                                                    4000,
                                                    8192,
                                                    65536,
                                                    128 * 1024 + 1,
                                                    512 * 1024,
                                                    MIB,
                                                    4 * MIB + 3,
                                                    16 * MIB,
                                                    40 * MIB,
                                                    64 * MIB,
                                                    40 * MIB + 5,
                                                    5 * MIB,
                                                    300 * 1024,
                                                    9000,
                                                    700,
                                                    33,
                                                    2};

TEST(Realloc, KeepsContentsGrowingThenShrinkingAcrossClasses) { expect_contents_kept_along(CLASS_CROSSING_SIZES); }

TEST(Realloc, KeepsContentsWhileNeighboursAreLive) {
  // Live neighbours of the same class make in-place growth impossible, forcing moves.
  std::vector<void*> neighbours;
  for (std::size_t size_bytes : CLASS_CROSSING_SIZES) {
    if (size_bytes <= MIB) {
      neighbours.push_back(ha_malloc(size_bytes));
    }
  }
  expect_contents_kept_along(CLASS_CROSSING_SIZES);
  for (void* neighbour : neighbours) {
    ha_free(neighbour);
  }
}

TEST(Realloc, KeepsContentsOnARandomWalkOfSizes) {
  std::mt19937_64 random(42);
  std::vector<std::size_t> sizes;
  for (int step = 0; step < 300; ++step) {
    const hardalloc_test::SizeRange ranges[] = {hardalloc_test::SMALL_SIZES, hardalloc_test::MEDIUM_SIZES,
                                                hardalloc_test::LARGE_SIZES};
    sizes.push_back(hardalloc_test::draw_size(random, ranges[step % 3]));
  }
  expect_contents_kept_along(sizes);
}

TEST(Realloc, SmallStepsGrowingByOneByte) {
  std::vector<std::size_t> sizes;
  for (std::size_t size_bytes = 1; size_bytes <= 5000; ++size_bytes) {
    sizes.push_back(size_bytes);
  }
  expect_contents_kept_along(sizes);
}

TEST(Realloc, GrowingWithinTheUsableSizeStaysInPlace) {
  for (std::size_t size_bytes :
       {std::size_t{1}, std::size_t{100}, std::size_t{3000}, std::size_t{200000}, 5 * MIB, 20 * MIB}) {
    void* block = ha_malloc(size_bytes);
    ASSERT_NE(block, nullptr);
    const std::size_t usable_bytes = ha_malloc_usable_size(block);
    fill_pattern(block, size_bytes, size_bytes);
    void* grown = ha_realloc(block, usable_bytes);
    ASSERT_NE(grown, nullptr);
    EXPECT_EQ(grown, block) << size_bytes << " -> " << usable_bytes;
    EXPECT_EQ(first_pattern_mismatch(grown, size_bytes, size_bytes), size_bytes);
    ha_free(grown);
  }
}

TEST(Realloc, OfNullAllocates) {
  void* block = ha_realloc(nullptr, 200);
  ASSERT_NE(block, nullptr);
  EXPECT_GE(ha_malloc_usable_size(block), 200u);
  ha_free(block);
}

TEST(Realloc, ToZeroFreesAndReturnsNull) {
  // Documented behaviour (as glibc): realloc(p, 0) frees p and returns NULL.
  ha_stats before{};
  ASSERT_EQ(ha_stats_get(&before), 0);
  void* block = ha_malloc(MIB);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(ha_realloc(block, 0), nullptr);
  hardalloc_test::settle_frees();
  ha_stats after{};
  ASSERT_EQ(ha_stats_get(&after), 0);
  EXPECT_EQ(after.in_use_bytes, before.in_use_bytes);
}

TEST(Realloc, KeepsContentsOfAlignedBlocks) {
  for (std::size_t alignment : {std::size_t{64}, std::size_t{4096}, std::size_t{1} << 20}) {
    void* block = ha_aligned_alloc(alignment, 1000);
    ASSERT_NE(block, nullptr);
    fill_pattern(block, 1000, alignment);
    void* grown = ha_realloc(block, 1000 + 3 * alignment);
    ASSERT_NE(grown, nullptr);
    EXPECT_EQ(first_pattern_mismatch(grown, 1000, alignment), 1000u) << "alignment " << alignment;
    ha_free(grown);
  }
}

TEST(Reallocarray, KeepsContentsAndSizesByCountTimesSize) {
  void* block = ha_reallocarray(nullptr, 10, 10);
  ASSERT_NE(block, nullptr);
  fill_pattern(block, 100, 7);
  void* grown = ha_reallocarray(block, 1000, 100);
  ASSERT_NE(grown, nullptr);
  EXPECT_GE(ha_malloc_usable_size(grown), 100000u);
  EXPECT_EQ(first_pattern_mismatch(grown, 100, 7), 100u);
  ha_free(grown);
}

}  // namespace
