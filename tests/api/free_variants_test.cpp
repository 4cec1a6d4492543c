// free(NULL), free_sized and free_aligned_sized release exactly what they are given.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdint>

#include "stats_snapshot.h"

namespace {

using hardalloc_test::in_use_bytes;

constexpr std::size_t REQUEST_SIZES[] = {1, 16, 100, 1000, 20000, 300000, std::size_t{5} << 20, std::size_t{40} << 20};

TEST(FreeVariants, FreeOfNullDoesNothing) {
  const std::size_t before_bytes = in_use_bytes();
  ha_free(nullptr);
  ha_free_sized(nullptr, 0);
  ha_free_aligned_sized(nullptr, 64, 0);
  EXPECT_EQ(in_use_bytes(), before_bytes);
}

TEST(FreeVariants, FreeSizedReleasesTheBlock) {
  for (std::size_t size_bytes : REQUEST_SIZES) {
    const std::size_t before_bytes = in_use_bytes();
    void* block = ha_malloc(size_bytes);
    ASSERT_NE(block, nullptr);
    EXPECT_GE(in_use_bytes(), before_bytes + size_bytes);
    ha_free_sized(block, size_bytes);
    EXPECT_EQ(in_use_bytes(), before_bytes) << "size " << size_bytes;
  }
}

TEST(FreeVariants, FreeAlignedSizedReleasesTheBlock) {
  for (std::size_t alignment : {std::size_t{16}, std::size_t{256}, std::size_t{65536}, std::size_t{4} << 20}) {
    for (std::size_t size_bytes : REQUEST_SIZES) {
      const std::size_t aligned_size_bytes = (size_bytes + alignment - 1) / alignment * alignment;
      const std::size_t before_bytes = in_use_bytes();
      void* block = ha_aligned_alloc(alignment, aligned_size_bytes);
      ASSERT_NE(block, nullptr);
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % alignment, 0u);
      ha_free_aligned_sized(block, alignment, aligned_size_bytes);
      EXPECT_EQ(in_use_bytes(), before_bytes) << "alignment " << alignment << " size " << aligned_size_bytes;
    }
  }
}

}  // namespace
