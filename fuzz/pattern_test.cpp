// What the pattern covers of a block's slack (pattern.h): the bytes just past the request and
// at the usable end are written and checked by every check, full or quick; the middle of a long
// slack is not (the bound that keeps the harness fast); a short slack is covered whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "pattern.h"

namespace hafuzz {
namespace {

constexpr std::uint64_t SEED = 12345;
constexpr std::uint64_t SALT = 7;
constexpr std::uint8_t UNTOUCHED = 0xEE;

// A block of usable_bytes filled with UNTOUCHED, then patterned as one of request_bytes.
std::vector<std::uint8_t> patterned(std::size_t request_bytes, std::size_t usable_bytes, std::uint64_t seed,
                                    std::size_t from_bytes = 0) {
  std::vector<std::uint8_t> block(usable_bytes, UNTOUCHED);
  write_pattern(block.data(), request_bytes, usable_bytes, seed, from_bytes);
  return block;
}

// The offset a check of the block finds after the byte at `offset` is flipped, at each depth.
void expect_flip_found(std::vector<std::uint8_t> block, std::size_t request_bytes, std::size_t offset, bool found) {
  block[offset] ^= 0xFF;
  for (const CheckDepth depth : {CheckDepth::FULL, CheckDepth::QUICK}) {
    const std::size_t mismatch = find_pattern_mismatch(block.data(), request_bytes, block.size(), SEED, depth, SALT);
    EXPECT_EQ(mismatch, found ? offset : SIZE_MAX)
        << "offset " << offset << (depth == CheckDepth::FULL ? " (full)" : " (quick)");
  }
}

TEST(PatternSlack, EdgesOfALongSlackAreCheckedByEveryDepth) {
  const std::size_t request = 100;
  const std::size_t usable = 1000;
  const std::vector<std::uint8_t> block = patterned(request, usable, SEED);
  EXPECT_EQ(find_pattern_mismatch(block.data(), request, usable, SEED, CheckDepth::FULL, SALT), SIZE_MAX);
  expect_flip_found(block, request, request, true);                         // just past the request
  expect_flip_found(block, request, request + SLACK_EDGE_BYTES - 1, true);  // end of the first edge
  expect_flip_found(block, request, usable - SLACK_EDGE_BYTES, true);       // start of the last edge
  expect_flip_found(block, request, usable - 1, true);                      // the last usable byte
  // The middle of the slack is neither written nor checked.
  EXPECT_EQ(block[request + SLACK_EDGE_BYTES], UNTOUCHED);
  EXPECT_EQ(block[usable - SLACK_EDGE_BYTES - 1], UNTOUCHED);
  expect_flip_found(block, request, usable / 2, false);
}

TEST(PatternSlack, AShortSlackIsCoveredWhole) {
  const std::size_t request = 100;
  const std::size_t usable = request + 2 * SLACK_EDGE_BYTES;
  const std::vector<std::uint8_t> block = patterned(request, usable, SEED);
  for (std::size_t offset = request; offset < usable; ++offset) EXPECT_NE(block[offset], UNTOUCHED) << offset;
  expect_flip_found(block, request, request + SLACK_EDGE_BYTES, true);
}

TEST(PatternSlack, SampledBlocksCheckTheirSlackToo) {
  const std::size_t request = 3 * FULL_PATTERN_BYTES + 5;
  const std::size_t usable = 4 * FULL_PATTERN_BYTES;
  const std::vector<std::uint8_t> block = patterned(request, usable, SEED);
  expect_flip_found(block, request, request + 1, true);
  expect_flip_found(block, request, usable - 1, true);
}

TEST(PatternSlack, CallocGetsTheZeroPatternBeyondItsRequestOnly) {
  const std::size_t request = 100;
  const std::size_t usable = 400;
  std::vector<std::uint8_t> block(usable, UNTOUCHED);
  write_pattern(block.data(), request, usable, 0, request);
  EXPECT_EQ(block[request - 1], UNTOUCHED);  // the request is calloc's to zero, not the harness's
  EXPECT_EQ(block[request], 0);
  EXPECT_EQ(block[usable - 1], 0);
  EXPECT_EQ(find_pattern_mismatch(block.data(), request, usable, 0, CheckDepth::FULL, SALT), 0u);
  // The request's zeroing is checked with a limit at the request; the slack is ours.
  std::fill(block.begin(), block.begin() + request, 0);
  EXPECT_EQ(find_pattern_mismatch(block.data(), request, usable, 0, CheckDepth::FULL, SALT), SIZE_MAX);
}

}  // namespace
}  // namespace hafuzz
