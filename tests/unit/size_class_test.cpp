#include "mem/size_class.h"

#include <gtest/gtest.h>

namespace hardalloc {
namespace {

TEST(SizeClass, EverySizeFitsItsClassAndNotTheOneBelow) {
  for (size_t size = 0; size <= LARGE_BLOCK_MAX; ++size) {
    const size_t bin = bin_of(size);
    ASSERT_LT(bin, BIN_COUNT) << size;
    ASSERT_GE(bin_block_size(bin), size) << size;
    if (bin > 0) {
      ASSERT_LT(bin_block_size(bin - 1), size) << size;
    }
  }
}

TEST(SizeClass, BlockSizesAreIncreasingMultiplesOf16) {
  for (size_t bin = 0; bin < BIN_COUNT; ++bin) {
    EXPECT_EQ(bin_block_size(bin) % 16, 0u) << bin;
    if (bin > 0) {
      EXPECT_GT(bin_block_size(bin), bin_block_size(bin - 1)) << bin;
    }
    EXPECT_EQ(bin_of(bin_block_size(bin)), bin) << bin;
  }
}

TEST(SizeClass, WasteIsBounded) {
  for (size_t size = 65; size <= LARGE_BLOCK_MAX; ++size) {
    const size_t waste = bin_block_size(bin_of(size)) - size;
    if (size > 128) {
      ASSERT_LT(waste * 8, size) << "more than 12.5% waste at " << size;
    } else {
      ASSERT_LT(waste, 16u) << "the 16-byte alignment step is the only waste at " << size;
    }
  }
}

TEST(SizeClass, DirectTableIndexMapsToOneClass) {
  // The fast path indexes by (size + 15) / 16: all sizes sharing an index share a class.
  for (size_t size = 1; size <= DIRECT_MAX_BYTES; ++size) {
    ASSERT_EQ(bin_of(size), bin_of((size + 15) / 16 * 16)) << size;
  }
}

TEST(SizeClass, SmallAndMediumPagesHoldAtLeastEightBlocks) {
  for (size_t bin = 0; bin < BIN_COUNT; ++bin) {
    const PageKind kind = page_kind_of_bin(bin);
    if (kind == PageKind::large) continue;
    const size_t page = size_t{1} << (kind == PageKind::small ? SMALL_PAGE_SHIFT : MEDIUM_PAGE_SHIFT);
    EXPECT_GE(page / bin_block_size(bin), 8u) << bin;
  }
}

TEST(SizeClass, LargePagesHoldAtLeastThreeBlocks) {
  // A large page is a whole segment less its header (at most 16 KiB: segment_test checks it).
  for (size_t bin = bin_of(MEDIUM_BLOCK_MAX) + 1; bin < BIN_COUNT; ++bin) {
    ASSERT_EQ(page_kind_of_bin(bin), PageKind::large) << bin;
    EXPECT_GE((SEGMENT_BYTES - 16 * KiB) / bin_block_size(bin), 3u) << bin;
  }
}

}  // namespace
}  // namespace hardalloc
