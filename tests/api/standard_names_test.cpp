// In a program linked with libhardalloc.so, the standard C names are hardalloc's: their blocks
// show up in ha_stats and are known to ha_malloc_usable_size.
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <malloc.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "opaque.h"
#include "stats_snapshot.h"

namespace {

using hardalloc_test::in_use_bytes;

using hardalloc_test::opaque;

constexpr std::size_t BLOCK_BYTES = std::size_t{1} << 20;

struct StandardAllocation {
  std::string name;
  std::function<void*()> allocate;
};

std::vector<StandardAllocation> standard_allocations() {
  return {
      {"malloc", [] { return std::malloc(opaque(BLOCK_BYTES)); }},
      {"calloc", [] { return std::calloc(opaque(BLOCK_BYTES), 1); }},
      {"realloc", [] { return std::realloc(nullptr, opaque(BLOCK_BYTES)); }},
      {"reallocarray", [] { return reallocarray(nullptr, opaque(BLOCK_BYTES), 1); }},
      {"aligned_alloc", [] { return std::aligned_alloc(4096, opaque(BLOCK_BYTES)); }},
      {"memalign", [] { return memalign(4096, opaque(BLOCK_BYTES)); }},
      {"valloc", [] { return valloc(opaque(BLOCK_BYTES)); }},
      {"pvalloc", [] { return pvalloc(opaque(BLOCK_BYTES)); }},
      {"posix_memalign",
       [] {
         void* block = nullptr;
         return posix_memalign(&block, 4096, opaque(BLOCK_BYTES)) == 0 ? block : nullptr;
       }},
  };
}

TEST(StandardNames, EveryAllocationFunctionIsHardalloc) {
  for (const StandardAllocation& allocation : standard_allocations()) {
    const std::size_t before_bytes = in_use_bytes();
    void* block = allocation.allocate();
    ASSERT_NE(block, nullptr) << allocation.name;
    EXPECT_GE(in_use_bytes(), before_bytes + BLOCK_BYTES) << allocation.name;
    EXPECT_GE(ha_malloc_usable_size(block), BLOCK_BYTES) << allocation.name;
    EXPECT_EQ(malloc_usable_size(block), ha_malloc_usable_size(block)) << allocation.name;
    std::free(block);
    EXPECT_EQ(in_use_bytes(), before_bytes) << allocation.name << ": free is not hardalloc's";
  }
}

TEST(StandardNames, PrefixedAndStandardNamesShareOneHeap) {
  void* from_prefixed = ha_malloc(opaque(BLOCK_BYTES));
  ASSERT_NE(from_prefixed, nullptr);
  const std::size_t before_bytes = in_use_bytes();
  std::free(from_prefixed);
  EXPECT_LE(in_use_bytes() + BLOCK_BYTES, before_bytes);
}

TEST(StandardNames, ReallocGrowsAHardallocBlock) {
  void* block = std::malloc(opaque(std::size_t{100}));
  ASSERT_NE(block, nullptr);
  void* grown = std::realloc(block, opaque(BLOCK_BYTES));
  ASSERT_NE(grown, nullptr);
  EXPECT_GE(ha_malloc_usable_size(grown), BLOCK_BYTES);
  std::free(grown);
}

}  // namespace
