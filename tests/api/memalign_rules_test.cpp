// glibc's alignment rules, which differ between the calls: memalign (every glibc version, and
// valloc/pvalloc, which are memalign of a page) treats alignments up to 16 as plain malloc and
// rounds any other up to the next power of two; aligned_alloc (C17, glibc 2.38) rejects an
// alignment that is not a power of two with EINVAL.
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "opaque.h"

namespace {

using hardalloc_test::opaque;

constexpr std::size_t MALLOC_ALIGNMENT = 16;

std::size_t alignment_of(const void* address) {
  const auto bits = reinterpret_cast<std::uintptr_t>(address);
  return bits == 0 ? 0 : std::size_t{1} << __builtin_ctzll(bits);
}

// memalign(alignment, size) must succeed without touching errno, give a writable block of at
// least `size` bytes aligned to `expected_alignment`, and that block must go back through free.
void expect_memalign_aligns_to(std::size_t alignment, std::size_t size_bytes, std::size_t expected_alignment) {
  SCOPED_TRACE(testing::Message() << "memalign(" << alignment << ", " << size_bytes << ")");
  errno = 0;
  void* block = ha_memalign(opaque(alignment), opaque(size_bytes));
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(errno, 0);
  EXPECT_GE(alignment_of(block), expected_alignment) << block;
  EXPECT_GE(ha_malloc_usable_size(block), size_bytes);
  std::memset(block, 0x3c, size_bytes);
  ha_free(block);
}

TEST(MemalignRules, TwentyFourRoundsUpToThirtyTwo) { expect_memalign_aligns_to(24, 100, 32); }

TEST(MemalignRules, ThreeThousandRoundsUpToAPage) { expect_memalign_aligns_to(3000, 10, 4096); }

TEST(MemalignRules, ZeroIsPlainMalloc) { expect_memalign_aligns_to(0, 100, MALLOC_ALIGNMENT); }

TEST(MemalignRules, AlignmentsUpToSixteenArePlainMalloc) {
  for (std::size_t alignment = 0; alignment <= MALLOC_ALIGNMENT; ++alignment) {
    expect_memalign_aligns_to(alignment, 100, MALLOC_ALIGNMENT);
  }
}

TEST(MemalignRules, EveryNonPowerOfTwoRoundsUpToTheNextPowerOfTwo) {
  struct Case {
    std::size_t alignment;
    std::size_t rounded;
  };
  constexpr std::size_t MIB = std::size_t{1} << 20;
  for (Case c : {Case{17, 32}, Case{48, 64}, Case{100, 128}, Case{4095, 4096}, Case{4097, 8192},
                 Case{65536 + 1, 131072}, Case{MIB + 1, 2 * MIB}, Case{3 * MIB, 4 * MIB}}) {
    for (std::size_t size_bytes : {std::size_t{1}, std::size_t{100}, c.alignment, 3 * c.rounded}) {
      expect_memalign_aligns_to(c.alignment, size_bytes, c.rounded);
    }
  }
}

TEST(MemalignRules, AlignedAllocOfTwentyFourIsEinval) {
  for (std::size_t alignment : {std::size_t{24}, std::size_t{3000}, std::size_t{0}}) {
    SCOPED_TRACE(alignment);
    errno = 0;
    EXPECT_EQ(ha_aligned_alloc(opaque(alignment), 96), nullptr);
    EXPECT_EQ(errno, EINVAL);
  }
}

TEST(MemalignRules, VallocAndPvallocAreMemalignOfAPage) {
  const auto page_bytes = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  for (std::size_t size_bytes : {std::size_t{0}, std::size_t{1}, page_bytes + 1}) {
    SCOPED_TRACE(size_bytes);
    errno = 0;
    void* from_valloc = ha_valloc(opaque(size_bytes));
    void* from_pvalloc = ha_pvalloc(opaque(size_bytes));
    ASSERT_NE(from_valloc, nullptr);
    ASSERT_NE(from_pvalloc, nullptr);
    EXPECT_EQ(errno, 0);
    EXPECT_GE(alignment_of(from_valloc), page_bytes);
    EXPECT_GE(alignment_of(from_pvalloc), page_bytes);
    EXPECT_GE(ha_malloc_usable_size(from_valloc), size_bytes);
    // pvalloc rounds the size up to whole pages.
    EXPECT_GE(ha_malloc_usable_size(from_pvalloc), (size_bytes + page_bytes - 1) / page_bytes * page_bytes);
    ha_free(from_valloc);
    ha_free(from_pvalloc);
  }
}

}  // namespace
