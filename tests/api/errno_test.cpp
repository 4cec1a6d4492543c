// Every failure path: NULL (or the returned error) and errno exactly as glibc, and the
// original block intact when a resize fails.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cerrno>
#include <cstdint>

#include "block_pattern.h"
#include "build_flavour.h"
#include "opaque.h"

namespace {

using hardalloc_test::opaque;

constexpr std::size_t IMPOSSIBLE_BYTES = SIZE_MAX;
constexpr std::size_t JUST_OVER_PTRDIFF_MAX = static_cast<std::size_t>(PTRDIFF_MAX) + 1;

// Calls allocate with errno cleared; expects NULL and the given errno.
template <typename Allocate>
void expect_failure_with_errno(Allocate allocate, int expected_errno) {
  errno = 0;
  void* result = allocate();
  const int observed_errno = errno;
  EXPECT_EQ(result, nullptr);
  EXPECT_EQ(observed_errno, expected_errno);
  ha_free(result);
}

TEST(Errno, MallocOfImpossibleSizesIsEnomem) {
  for (std::size_t size_bytes :
       {IMPOSSIBLE_BYTES, JUST_OVER_PTRDIFF_MAX, static_cast<std::size_t>(PTRDIFF_MAX), IMPOSSIBLE_BYTES - 4096}) {
    SCOPED_TRACE(size_bytes);
    expect_failure_with_errno([&] { return ha_malloc(opaque(size_bytes)); }, ENOMEM);
  }
}

TEST(Errno, CallocOverflowIsEnomem) {
  const std::size_t half = std::size_t{1} << 32;
  expect_failure_with_errno([&] { return ha_calloc(opaque(half), opaque(half)); }, ENOMEM);
  expect_failure_with_errno([&] { return ha_calloc(opaque(SIZE_MAX / 2), opaque(3)); }, ENOMEM);
  expect_failure_with_errno([&] { return ha_calloc(opaque(1), opaque(IMPOSSIBLE_BYTES)); }, ENOMEM);
}

TEST(Errno, ReallocFailureIsEnomemAndKeepsTheBlock) {
  for (std::size_t size_bytes : {std::size_t{100}, std::size_t{100000}, std::size_t{40} << 20}) {
    void* block = ha_malloc(size_bytes);
    ASSERT_NE(block, nullptr);
    hardalloc_test::fill_pattern(block, size_bytes, 99);
    expect_failure_with_errno([&] { return ha_realloc(block, opaque(IMPOSSIBLE_BYTES)); }, ENOMEM);
    expect_failure_with_errno([&] { return ha_realloc(block, opaque(JUST_OVER_PTRDIFF_MAX)); }, ENOMEM);
    EXPECT_EQ(hardalloc_test::first_pattern_mismatch(block, size_bytes, 99), size_bytes);
    ha_free(block);
  }
  expect_failure_with_errno([&] { return ha_realloc(nullptr, opaque(IMPOSSIBLE_BYTES)); }, ENOMEM);
}

TEST(Errno, ReallocarrayOverflowIsEnomemAndKeepsTheBlock) {
  void* block = ha_malloc(64);
  ASSERT_NE(block, nullptr);
  hardalloc_test::fill_pattern(block, 64, 5);
  expect_failure_with_errno([&] { return ha_reallocarray(block, opaque(SIZE_MAX / 2), 3); }, ENOMEM);
  EXPECT_EQ(hardalloc_test::first_pattern_mismatch(block, 64, 5), 64u);
  ha_free(block);
  expect_failure_with_errno(
      [&] { return ha_reallocarray(nullptr, opaque(std::size_t{1} << 33), std::size_t{1} << 33); }, ENOMEM);
}

TEST(Errno, PosixMemalignReturnsEinvalWithoutTouchingErrnoOrOutput) {
  for (std::size_t alignment : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{4}, std::size_t{3},
                                std::size_t{24}, std::size_t{48}, std::size_t{4096 + 8}}) {
    void* output = &errno;  // any recognisable value that is not a result
    errno = 0;
    EXPECT_EQ(ha_posix_memalign(&output, opaque(alignment), 64), EINVAL) << alignment;
    EXPECT_EQ(errno, 0) << alignment;
    EXPECT_EQ(output, &errno) << alignment;
  }
}

TEST(Errno, PosixMemalignReturnsEnomemForImpossibleSizes) {
  void* output = &errno;
  EXPECT_EQ(ha_posix_memalign(&output, 64, opaque(IMPOSSIBLE_BYTES)), ENOMEM);
  EXPECT_EQ(output, &errno);
}

// C17 and glibc 2.38: aligned_alloc rejects what is not a power of two. memalign rounds such
// alignments up instead (memalign_rules_test.cpp).
TEST(Errno, AlignedAllocRejectsNonPowersOfTwo) {
  for (std::size_t alignment : {std::size_t{0}, std::size_t{3}, std::size_t{24}, std::size_t{48}, std::size_t{100},
                                std::size_t{3000}, std::size_t{4096 + 16}, SIZE_MAX}) {
    SCOPED_TRACE(alignment);
    expect_failure_with_errno([&] { return ha_aligned_alloc(opaque(alignment), 64); }, EINVAL);
  }
}

// glibc: memalign fails with EINVAL only when no power of two can hold the alignment.
TEST(Errno, MemalignRejectsOnlyAlignmentsAboveTwoToTheSixtyThree) {
  for (std::size_t alignment : {JUST_OVER_PTRDIFF_MAX + 1, SIZE_MAX}) {
    SCOPED_TRACE(alignment);
    expect_failure_with_errno([&] { return ha_memalign(opaque(alignment), 1); }, EINVAL);
  }
}

TEST(Errno, AlignedFormsOfImpossibleSizesAreEnomem) {
  expect_failure_with_errno([&] { return ha_aligned_alloc(4096, opaque(IMPOSSIBLE_BYTES)); }, ENOMEM);
  expect_failure_with_errno([&] { return ha_memalign(64, opaque(JUST_OVER_PTRDIFF_MAX)); }, ENOMEM);
  expect_failure_with_errno([&] { return ha_memalign(opaque(JUST_OVER_PTRDIFF_MAX), 1); }, ENOMEM);
  // 2^62 + 1 rounds up to 2^63, which no request can satisfy (glibc: ENOMEM too).
  expect_failure_with_errno([&] { return ha_memalign(opaque((std::size_t{1} << 62) + 1), 1); }, ENOMEM);
  expect_failure_with_errno([&] { return ha_valloc(opaque(IMPOSSIBLE_BYTES)); }, ENOMEM);
  expect_failure_with_errno([&] { return ha_pvalloc(opaque(IMPOSSIBLE_BYTES - 100)); }, ENOMEM);
}

TEST(Errno, FreeKeepsErrno) {
  void* small = ha_malloc(32);
  void* huge = ha_malloc(std::size_t{64} << 20);
  ASSERT_NE(small, nullptr);
  ASSERT_NE(huge, nullptr);
  for (void* block : {small, huge, static_cast<void*>(nullptr)}) {
    errno = 12345;
    ha_free(block);
    EXPECT_EQ(errno, 12345);
  }
}

TEST(ZeroSize, MallocOfZeroGivesUniqueSixteenByteBlocks) {
  void* first = ha_malloc(0);
  void* second = ha_malloc(0);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first, second);
  // The hardened build reports the exact request (0); the fast one the 16-byte class.
  EXPECT_GE(ha_malloc_usable_size(first), hardalloc_test::HARDENED ? 0u : 16u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % 16, 0u);
  ha_free(first);
  ha_free(second);
}

}  // namespace
