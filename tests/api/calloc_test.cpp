// calloc returns zeroed memory, also when the block is recycled from an earlier, dirtied one.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstring>
#include <vector>

namespace {

constexpr std::size_t MIB = std::size_t{1} << 20;

// Offset of the first non-zero byte, or size_bytes when all are zero.
std::size_t first_nonzero(const void* block, std::size_t size_bytes) {
  const auto* bytes = static_cast<const unsigned char*>(block);
  for (std::size_t offset = 0; offset < size_bytes; ++offset) {
    if (bytes[offset] != 0) {
      return offset;
    }
  }
  return size_bytes;
}

const std::vector<std::size_t> SIZES{1,     15,    16,     17,      48,        100,     1024,    1500,    4096,
                                     10000, 65536, 100000, MIB / 2, MIB + 123, 3 * MIB, 9 * MIB, 33 * MIB};

TEST(Calloc, FreshMemoryIsZeroed) {
  for (std::size_t size_bytes : SIZES) {
    void* block = ha_calloc(1, size_bytes);
    ASSERT_NE(block, nullptr) << size_bytes;
    EXPECT_EQ(first_nonzero(block, size_bytes), size_bytes) << "size " << size_bytes;
    ha_free(block);
  }
}

TEST(Calloc, RecycledMemoryIsZeroed) {
  for (std::size_t size_bytes : SIZES) {
    // Dirty many blocks of this size and free them, so calloc has only dirty blocks to reuse.
    const int rounds = size_bytes < MIB ? 64 : 4;
    std::vector<void*> dirty;
    for (int round = 0; round < rounds; ++round) {
      void* block = ha_malloc(size_bytes);
      ASSERT_NE(block, nullptr);
      std::memset(block, 0xa5, ha_malloc_usable_size(block));
      dirty.push_back(block);
    }
    for (void* block : dirty) {
      ha_free(block);
    }
    for (int round = 0; round < rounds; ++round) {
      void* block = ha_calloc(size_bytes, 1);
      ASSERT_NE(block, nullptr);
      EXPECT_EQ(first_nonzero(block, size_bytes), size_bytes) << "size " << size_bytes;
      dirty[static_cast<std::size_t>(round)] = block;
    }
    for (void* block : dirty) {
      ha_free(block);
    }
  }
}

// A large block's segment is recycled for the next large block of another size or offset,
// whose calloc zeroes only what the last use dirtied: every block after every other must still
// read as zero throughout, the bytes past and before the last use's block included.
TEST(Calloc, RecycledSegmentOfAnotherShapeIsZeroed) {
  struct DirtyShape {
    std::size_t alignment;  // 0: malloc
    std::size_t size_bytes;
  };
  const DirtyShape dirty_shapes[] = {{0, 3 * MIB}, {0, MIB + 123}, {65536, 2 * MIB}, {262144, MIB + 5}, {0, 9 * MIB}};
  const std::size_t calloc_sizes[] = {MIB + 123, 2 * MIB, 3 * MIB + 4096, 9 * MIB};
  for (const DirtyShape& shape : dirty_shapes) {
    for (const std::size_t size_bytes : calloc_sizes) {
      void* dirty =
          shape.alignment != 0 ? ha_aligned_alloc(shape.alignment, shape.size_bytes) : ha_malloc(shape.size_bytes);
      ASSERT_NE(dirty, nullptr);
      std::memset(dirty, 0x5a, ha_malloc_usable_size(dirty));
      ha_free(dirty);
      void* block = ha_calloc(1, size_bytes);
      ASSERT_NE(block, nullptr);
      EXPECT_EQ(first_nonzero(block, size_bytes), size_bytes)
          << "calloc of " << size_bytes << " after a dirty block of " << shape.size_bytes;
      ha_free(block);
    }
  }
}

TEST(Calloc, CountTimesSizeIsZeroed) {
  void* dirty = ha_malloc(8000);
  ASSERT_NE(dirty, nullptr);
  std::memset(dirty, 0xff, 8000);
  ha_free(dirty);
  void* block = ha_calloc(1000, 8);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(first_nonzero(block, 8000), 8000u);
  ha_free(block);
}

TEST(Calloc, ZeroCountGivesAFreeableBlock) {
  void* block = ha_calloc(0, 16);
  ASSERT_NE(block, nullptr);
  ha_free(block);
}

}  // namespace
