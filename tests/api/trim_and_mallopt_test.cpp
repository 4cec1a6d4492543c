// glibc's malloc_trim and mallopt as hardalloc's prefixed twins: trimming after a peak releases
// committed memory and says so (1), trimming again has nothing left (0); mallopt accepts every
// option <malloc.h> defines (1, or 0 where glibc rejects the value) and refuses unknown ones (0).
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <malloc.h>

#include <climits>
#include <cstring>
#include <vector>

#include "build_flavour.h"
#include "opaque.h"
#include "stats_snapshot.h"

namespace {

using hardalloc_test::current_stats;
using hardalloc_test::opaque;

constexpr std::size_t PEAK_BYTES = std::size_t{64} << 20;

// Allocates PEAK_BYTES in blocks of `block_bytes`, touching every byte, then frees them all.
void allocate_touch_and_free(std::size_t block_bytes) {
  std::vector<void*> blocks;
  for (std::size_t total = 0; total < PEAK_BYTES; total += block_bytes) {
    void* block = ha_malloc(opaque(block_bytes));
    ASSERT_NE(block, nullptr);
    std::memset(block, 0x6b, block_bytes);
    blocks.push_back(block);
  }
  for (void* block : blocks) {
    ha_free(block);
  }
}

TEST(MallocTrim, ReleasesFreedMemoryAndReturnsOneThenZero) {
  // Small, medium and the largest paged class (which the hardened build's canary word must not
  // push out of the pages into a dedicated block, whose segment goes free at once and is purged
  // on time, not by trim).
  for (std::size_t block_bytes :
       {std::size_t{1024}, std::size_t{32} << 10, hardalloc_test::LARGEST_PAGED_BLOCK - hardalloc_test::CANARY_BYTES}) {
    SCOPED_TRACE(block_bytes);
    ha_malloc_trim(0);  // start from nothing to release
    allocate_touch_and_free(block_bytes);
    const std::size_t before_bytes = current_stats().committed_bytes;
    EXPECT_EQ(ha_malloc_trim(0), 1);
    const std::size_t after_bytes = current_stats().committed_bytes;
    EXPECT_LE(after_bytes + PEAK_BYTES / 2, before_bytes) << "committed " << before_bytes << " -> " << after_bytes;
    EXPECT_EQ(ha_malloc_trim(0), 0) << "the first trim left memory to release";
  }
}

TEST(MallocTrim, PadIsIgnoredAndLiveBlocksSurvive) {
  void* live = ha_malloc(opaque(std::size_t{100}));
  ASSERT_NE(live, nullptr);
  std::memset(live, 0x11, 100);
  allocate_touch_and_free(4096);
  EXPECT_EQ(ha_malloc_trim(opaque(std::size_t{1} << 30)), 1);
  for (std::size_t i = 0; i < 100; ++i) {
    ASSERT_EQ(static_cast<unsigned char*>(live)[i], 0x11) << i;
  }
  ha_free(live);
}

TEST(Mallopt, EveryOptionGlibcDefinesIsAccepted) {
  for (int param : {M_MXFAST, M_NLBLKS, M_GRAIN, M_KEEP, M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD, M_MMAP_MAX,
                    M_CHECK_ACTION, M_PERTURB, M_ARENA_TEST, M_ARENA_MAX}) {
    EXPECT_EQ(ha_mallopt(param, 1), 1) << param;
  }
  EXPECT_EQ(ha_mallopt(M_TRIM_THRESHOLD, 128 << 10), 1);
  EXPECT_EQ(ha_mallopt(M_TRIM_THRESHOLD, -1), 1);  // glibc: never trim
  EXPECT_EQ(ha_mallopt(M_MMAP_THRESHOLD, 64 << 20), 1);
  EXPECT_EQ(ha_mallopt(M_ARENA_MAX, 1), 1);
  EXPECT_EQ(ha_mallopt(M_ARENA_MAX, 0), 1);  // glibc ignores a non-positive count and returns 1
}

TEST(Mallopt, ValuesGlibcRejectsReturnZero) {
  EXPECT_EQ(ha_mallopt(M_MXFAST, 160), 1);  // glibc's largest fastbin size on 64-bit
  EXPECT_EQ(ha_mallopt(M_MXFAST, 161), 0);
  EXPECT_EQ(ha_mallopt(M_MXFAST, -1), 0);
}

TEST(Mallopt, UnknownOptionsReturnZero) {
  for (int param : {-9, -100, 0, 5, 12345, INT_MAX, INT_MIN}) {
    EXPECT_EQ(ha_mallopt(param, 1), 0) << param;
  }
}

}  // namespace
