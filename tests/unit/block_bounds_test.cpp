// BlockBounds (Mitigation::checked_copies): the bytes writable from an address up to the end of
// its live block's request, and SIZE_MAX for every address that is not in a live block of ours.
#include "alloc/block_bounds.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "alloc/allocator.h"
#include "opaque.h"

namespace hardalloc {
namespace {

using hardalloc_test::opaque;
using H = Allocator<HardenedConfig>;
using Bounds = BlockBounds<HardenedConfig>;

char global_buffer[64];

// Small, medium, large and huge requests (the last spans several segment-map granules), each not
// a class size, so that the request's end lies inside the block's slack.
class BlockBoundsTest : public ::testing::TestWithParam<size_t> {};
INSTANTIATE_TEST_SUITE_P(Sizes, BlockBoundsTest,
                         ::testing::Values(1, 48, 1000, 20000, 196608 - 100, 2 * MiB, 9 * MiB + 123));

TEST_P(BlockBoundsTest, WritableUpToTheRequestFromAnyAddressInTheBlock) {
  const size_t size = GetParam();
  auto* p = static_cast<uint8_t*>(opaque(H::malloc(size)));
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(SegmentMap<HardenedConfig>::within_bounds(p));
  EXPECT_EQ(Bounds::writable_bytes(p), size);
  EXPECT_EQ(Bounds::writable_bytes(p + size / 2), size - size / 2);
  EXPECT_EQ(Bounds::writable_bytes(p + size), 0u);  // the slack: nothing may be written there
  H::free(p);
  EXPECT_EQ(Bounds::writable_bytes(p), SIZE_MAX);  // freed (quarantined or gone): not reported here
}

TEST_P(BlockBoundsTest, FollowsTheRequestThroughRealloc) {
  const size_t size = GetParam();
  auto* p = static_cast<uint8_t*>(opaque(H::malloc(size)));
  ASSERT_NE(p, nullptr);
  auto* q = static_cast<uint8_t*>(H::realloc(p, size / 2 + 1));  // shrinks, in place or not
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(Bounds::writable_bytes(q), size / 2 + 1);
  H::free(q);
}

TEST(BlockBounds, AlignedBlocksEndAtTheirRequest) {
  for (size_t alignment : {size_t{64}, size_t{256}, size_t{4096}, size_t{8 * MiB}}) {
    auto* p = static_cast<uint8_t*>(opaque(H::aligned(alignment, 100)));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(Bounds::writable_bytes(p), 100u) << alignment;
    EXPECT_EQ(Bounds::writable_bytes(p + 99), 1u) << alignment;
    Bounds::LiveBlock b;
    ASSERT_TRUE(Bounds::find(p, b));
    EXPECT_LE(b.start, p);
    EXPECT_EQ(b.request_end, p + 100);
    H::free(p);
  }
}

TEST(BlockBounds, NothingOutsideLiveBlocks) {
  char on_stack[64];
  EXPECT_EQ(Bounds::writable_bytes(opaque(on_stack)), SIZE_MAX);
  EXPECT_EQ(Bounds::writable_bytes(opaque(global_buffer)), SIZE_MAX);
  EXPECT_EQ(Bounds::writable_bytes(nullptr), SIZE_MAX);
  EXPECT_FALSE(SegmentMap<HardenedConfig>::within_bounds(nullptr));
  auto* p = static_cast<uint8_t*>(opaque(H::malloc(48)));
  ASSERT_NE(p, nullptr);
  // The segment's header (page metadata): in our bounds, in no block.
  EXPECT_EQ(Bounds::writable_bytes(reinterpret_cast<uint8_t*>(segment_of<HardenedConfig>(p)) + 64), SIZE_MAX);
  H::free(p);
}

}  // namespace
}  // namespace hardalloc
