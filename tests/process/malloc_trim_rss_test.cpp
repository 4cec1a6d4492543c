// A program that trims after a peak gets its memory back: about 300 MB of small, medium and
// large blocks are written, freed, and malloc_trim(0) (glibc's name, linked to libhardalloc.so)
// returns 1 and brings the resident set back near where it started, while the purge delay
// (HARDALLOC_OPTIONS=purge_delay_ms=100000, set by ctest) would have kept it for 100 s.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "opaque.h"
#include "resident_memory.h"

namespace {

using hardalloc_test::MIB;
using hardalloc_test::opaque;
using hardalloc_test::resident_bytes;

// 100 MiB in each of: small blocks (pages of one class), medium blocks, large blocks (each in a
// segment of its own, cached when freed).
constexpr std::size_t SHARE_BYTES = 100 * MIB;
constexpr std::size_t BLOCK_SIZES[] = {1000, 40000, 1 * MIB};
// What the process may keep after the trim: metadata, page tables, the vector of pointers.
constexpr std::size_t KEPT_TOLERANCE_BYTES = 32 * MIB;

TEST(MallocTrim, ResidentMemoryFallsAfterAPeak) {
  std::vector<void*> blocks;
  blocks.reserve(SHARE_BYTES / BLOCK_SIZES[0] + SHARE_BYTES / BLOCK_SIZES[1] + SHARE_BYTES / BLOCK_SIZES[2] + 3);
  const std::size_t start_bytes = resident_bytes();
  for (std::size_t block_bytes : BLOCK_SIZES) {
    for (std::size_t total = 0; total < SHARE_BYTES; total += block_bytes) {
      void* block = std::malloc(opaque(block_bytes));
      ASSERT_NE(block, nullptr);
      std::memset(block, 0x5a, block_bytes);
      blocks.push_back(block);
    }
  }
  const std::size_t peak_bytes = resident_bytes();
  for (void* block : blocks) {
    std::free(block);
  }
  const std::size_t freed_bytes = resident_bytes();
  const int trimmed = malloc_trim(0);
  // Before anything else allocates (reading RSS opens a FILE): nothing is left to release.
  const int trimmed_again = malloc_trim(0);
  const std::size_t trimmed_bytes = resident_bytes();
  std::printf("malloc_trim: start=%zu MiB peak=%zu MiB after free=%zu MiB after malloc_trim(0)=%zu MiB, returned %d\n",
              start_bytes / MIB, peak_bytes / MIB, freed_bytes / MIB, trimmed_bytes / MIB, trimmed);

  EXPECT_GE(peak_bytes, start_bytes + 3 * SHARE_BYTES - 16 * MIB) << "the peak was not resident";
  EXPECT_EQ(trimmed, 1);
  EXPECT_LE(trimmed_bytes + 200 * MIB, freed_bytes) << "malloc_trim released too little";
  EXPECT_LE(trimmed_bytes, start_bytes + KEPT_TOLERANCE_BYTES);
  EXPECT_EQ(trimmed_again, 0) << "the first malloc_trim left memory to release";
}

}  // namespace
