// ha_stats reflects what the program holds: in-use bytes, huge blocks, per-class live blocks.
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <string>
#include <vector>

#include "build_flavour.h"
#include "stats_snapshot.h"

namespace {

using hardalloc_test::current_stats;
using hardalloc_test::settle_frees;

constexpr std::size_t MIB = std::size_t{1} << 20;

// Live blocks of the smallest size class that holds size_bytes, or 0 if there is none.
std::size_t live_blocks_of_class_for(const ha_stats& stats, std::size_t size_bytes) {
  const ha_size_class_stats* best = nullptr;
  for (std::size_t i = 0; i < stats.size_class_count && i < HA_STATS_MAX_SIZE_CLASSES; ++i) {
    const ha_size_class_stats& size_class = stats.size_classes[i];
    if (size_class.block_size >= size_bytes && (best == nullptr || size_class.block_size < best->block_size)) {
      best = &size_class;
    }
  }
  return best == nullptr ? 0 : best->live_blocks;
}

TEST(Stats, NullOutputIsEinval) { EXPECT_EQ(ha_stats_get(nullptr), EINVAL); }

TEST(Stats, InUseFollowsAllocationAndFree) {
  const ha_stats before = current_stats();
  void* block = ha_malloc(MIB);
  ASSERT_NE(block, nullptr);
  const ha_stats during = current_stats();
  EXPECT_GE(during.in_use_bytes, before.in_use_bytes + MIB);
  EXPECT_GE(during.peak_in_use_bytes, during.in_use_bytes);
  EXPECT_GE(during.committed_bytes, during.in_use_bytes);
  EXPECT_GE(during.peak_committed_bytes, during.committed_bytes);
  EXPECT_GE(during.reserved_bytes, during.committed_bytes);
  EXPECT_GE(during.segments, 1u);
  EXPECT_GE(during.heaps, 1u);
  ha_free(block);
  settle_frees();
  EXPECT_EQ(current_stats().in_use_bytes, before.in_use_bytes);
}

TEST(Stats, HugeBlocksAreCounted) {
  const ha_stats before = current_stats();
  void* block = ha_malloc(64 * MIB);
  ASSERT_NE(block, nullptr);
  const ha_stats during = current_stats();
  EXPECT_EQ(during.huge_blocks, before.huge_blocks + 1);
  EXPECT_GE(during.huge_bytes, before.huge_bytes + 64 * MIB);
  ha_free(block);
  settle_frees();
  const ha_stats after = current_stats();
  EXPECT_EQ(after.huge_blocks, before.huge_blocks);
  EXPECT_EQ(after.huge_bytes, before.huge_bytes);
}

TEST(Stats, ResetPeaksStartsThePeaksFromTheCurrentValues) {
  void* block = ha_malloc(8 * MIB);
  ASSERT_NE(block, nullptr);
  const ha_stats during = current_stats();
  ha_free(block);
  ha_collect(1);
  const ha_stats after_free = current_stats();
  ASSERT_GE(after_free.peak_in_use_bytes, during.peak_in_use_bytes);  // a peak stays after the free
  ha_stats_reset_peaks();
  const ha_stats after_reset = current_stats();
  EXPECT_LE(after_reset.peak_in_use_bytes + 8 * MIB, after_free.peak_in_use_bytes);
  EXPECT_LE(after_reset.peak_committed_bytes + 8 * MIB, after_free.peak_committed_bytes);
  EXPECT_GE(after_reset.peak_committed_bytes, after_reset.committed_bytes);
  void* again = ha_malloc(4 * MIB);  // the peak rises again from where the reset left it
  ASSERT_NE(again, nullptr);
  EXPECT_GE(current_stats().peak_in_use_bytes, after_reset.peak_in_use_bytes + 4 * MIB);
  ha_free(again);
}

TEST(Stats, LiveBlocksAreCountedPerSizeClass) {
  constexpr std::size_t BLOCK_BYTES = 48;
  constexpr std::size_t BLOCK_COUNT = 1000;
  const ha_stats before = current_stats();
  const std::size_t before_count = live_blocks_of_class_for(before, BLOCK_BYTES + hardalloc_test::CANARY_BYTES);
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < BLOCK_COUNT; ++i) {
    blocks.push_back(ha_malloc(BLOCK_BYTES));
  }
  // The hardened build's sampler may have sent a few to the guarded pool instead.
  const ha_stats after = current_stats();
  EXPECT_EQ(live_blocks_of_class_for(after, BLOCK_BYTES + hardalloc_test::CANARY_BYTES) +
                (after.guarded_allocations - before.guarded_allocations),
            before_count + BLOCK_COUNT);
  for (void* block : blocks) {
    ha_free(block);
  }
  settle_frees();
  EXPECT_EQ(live_blocks_of_class_for(current_stats(), BLOCK_BYTES + hardalloc_test::CANARY_BYTES), before_count);
}

// The printed table shows what ha_stats_get returns: a header naming the process, the totals,
// and a row per size class in use with its pages and live blocks.
TEST(Stats, PrintWritesATable) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  std::vector<void*> blocks;
  for (int i = 0; i < 37; ++i) blocks.push_back(ha_malloc(100));  // the 112-byte class
  const ha_stats stats = current_stats();
  ha_stats_print(pipe_fds[1]);
  close(pipe_fds[1]);
  std::string text;
  char chunk[4096];
  ssize_t read_count = 0;
  while ((read_count = read(pipe_fds[0], chunk, sizeof chunk)) > 0) {
    text.append(chunk, static_cast<std::size_t>(read_count));
  }
  close(pipe_fds[0]);
  for (void* block : blocks) ha_free(block);

  const std::string header = "hardalloc[" + std::to_string(getpid()) + "] " + program_invocation_short_name +
                             ": statistics (" + hardalloc_test::CONFIG_NAME + " configuration)\n";
  EXPECT_EQ(text.rfind(header, 0), 0u) << text;
  std::smatch row;
  ASSERT_TRUE(std::regex_search(text, row, std::regex("\n  committed +([0-9]+) bytes   peak ([0-9]+)\n"))) << text;
  EXPECT_EQ(std::stoull(row[1]), stats.committed_bytes) << text;
  ASSERT_TRUE(std::regex_search(text, row, std::regex("\n  thread heaps +([0-9]+)\n"))) << text;
  EXPECT_EQ(std::stoull(row[1]), stats.heaps) << text;
  // The class row of the 100-byte blocks: index, block size, pages, live blocks as ha_stats says.
  std::size_t cls = 0;
  while (cls < stats.size_class_count && stats.size_classes[cls].block_size < 100 + hardalloc_test::CANARY_BYTES) ++cls;
  ASSERT_LT(cls, stats.size_class_count);
  const ha_size_class_stats& expected = stats.size_classes[cls];
  EXPECT_GE(expected.live_blocks, 37u);
  ASSERT_TRUE(std::regex_search(
      text, row,
      std::regex("\n +" + std::to_string(cls) + " +" + std::to_string(expected.block_size) + " +([0-9]+) +([0-9]+)\n")))
      << text;
  EXPECT_EQ(std::stoull(row[1]), expected.pages) << text;
  EXPECT_EQ(std::stoull(row[2]), expected.live_blocks) << text;
  // One row per class with pages, no more.
  std::size_t classes_in_use = 0;
  for (std::size_t i = 0; i < stats.size_class_count; ++i) classes_in_use += stats.size_classes[i].pages != 0;
  const std::size_t table = text.find("  class   block bytes   pages   live blocks\n");
  ASSERT_NE(table, std::string::npos) << text;
  std::size_t rows = 0;
  for (std::size_t at = text.find('\n', table) + 1; at < text.size(); at = text.find('\n', at) + 1) ++rows;
  EXPECT_EQ(rows, classes_in_use) << text;
}

}  // namespace
