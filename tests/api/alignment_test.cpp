// Every result is aligned: 16 bytes for the plain forms, the requested alignment for the
// aligned forms (every power of two up to the promised 4 MiB), a page for valloc/pvalloc.
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

namespace {

constexpr std::size_t MALLOC_ALIGNMENT = 16;
constexpr std::size_t MAX_PROMISED_ALIGNMENT = std::size_t{4} << 20;

bool is_aligned(const void* address, std::size_t alignment) {
  return reinterpret_cast<std::uintptr_t>(address) % alignment == 0;
}

struct LiveBlock {
  char* address;
  std::size_t size_bytes;
};

// Writes both ends of each block, then checks that no two blocks overlap.
void expect_writable_and_disjoint(std::vector<LiveBlock> blocks) {
  for (const LiveBlock& block : blocks) {
    if (block.size_bytes == 0) {
      continue;
    }
    block.address[0] = 1;
    block.address[block.size_bytes - 1] = 2;
  }
  std::sort(blocks.begin(), blocks.end(), [](const LiveBlock& a, const LiveBlock& b) { return a.address < b.address; });
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    EXPECT_LE(blocks[i - 1].address + blocks[i - 1].size_bytes, blocks[i].address)
        << "blocks of " << blocks[i - 1].size_bytes << " and " << blocks[i].size_bytes << " bytes overlap";
  }
}

// Request sizes around the alignment, where aligned allocators pick different paths.
std::vector<std::size_t> sizes_for_alignment(std::size_t alignment) {
  std::vector<std::size_t> sizes{1, 8, 24, 100, 5000, alignment, alignment + 1, 3 * alignment};
  if (alignment > 1) {
    sizes.push_back(alignment - 1);
  }
  return sizes;
}

using AlignedAllocator = std::function<void*(std::size_t alignment, std::size_t size_bytes)>;

void expect_aligned_results(const AlignedAllocator& allocate, std::size_t min_alignment) {
  for (std::size_t alignment = min_alignment; alignment <= MAX_PROMISED_ALIGNMENT; alignment *= 2) {
    std::vector<LiveBlock> blocks;
    for (std::size_t size_bytes : sizes_for_alignment(alignment)) {
      void* address = allocate(alignment, size_bytes);
      ASSERT_NE(address, nullptr) << "alignment " << alignment << " size " << size_bytes;
      EXPECT_TRUE(is_aligned(address, alignment))
          << address << " for alignment " << alignment << " size " << size_bytes;
      EXPECT_GE(ha_malloc_usable_size(address), size_bytes);
      blocks.push_back({static_cast<char*>(address), size_bytes});
    }
    expect_writable_and_disjoint(blocks);
    for (const LiveBlock& block : blocks) {
      ha_free(block.address);
    }
  }
}

TEST(Alignment, MallocResultsAreSixteenByteAligned) {
  std::vector<std::size_t> sizes;
  for (std::size_t size_bytes = 0; size_bytes <= 4096; ++size_bytes) {
    sizes.push_back(size_bytes);
  }
  for (std::size_t power = std::size_t{1} << 13; power <= std::size_t{64} << 20; power *= 2) {
    sizes.insert(sizes.end(), {power - 16, power - 1, power, power + 1, power + 4096});
  }
  std::vector<LiveBlock> blocks;
  for (std::size_t size_bytes : sizes) {
    void* address = ha_malloc(size_bytes);
    ASSERT_NE(address, nullptr) << size_bytes;
    EXPECT_TRUE(is_aligned(address, MALLOC_ALIGNMENT)) << address << " size " << size_bytes;
    blocks.push_back({static_cast<char*>(address), size_bytes});
  }
  expect_writable_and_disjoint(blocks);
  for (const LiveBlock& block : blocks) {
    ha_free(block.address);
  }
}

TEST(Alignment, CallocAndReallocResultsAreSixteenByteAligned) {
  void* grown = nullptr;
  for (std::size_t size_bytes = 1; size_bytes <= std::size_t{16} << 20; size_bytes = size_bytes * 3 + 1) {
    void* zeroed = ha_calloc(1, size_bytes);
    ASSERT_NE(zeroed, nullptr);
    EXPECT_TRUE(is_aligned(zeroed, MALLOC_ALIGNMENT)) << zeroed << " size " << size_bytes;
    ha_free(zeroed);
    grown = ha_realloc(grown, size_bytes);
    ASSERT_NE(grown, nullptr);
    EXPECT_TRUE(is_aligned(grown, MALLOC_ALIGNMENT)) << grown << " size " << size_bytes;
  }
  ha_free(grown);
}

TEST(Alignment, PosixMemalignHonoursEveryPowerOfTwo) {
  expect_aligned_results(
      [](std::size_t alignment, std::size_t size_bytes) {
        void* address = nullptr;
        EXPECT_EQ(ha_posix_memalign(&address, alignment, size_bytes), 0);
        return address;
      },
      sizeof(void*));
}

TEST(Alignment, AlignedAllocHonoursEveryPowerOfTwo) { expect_aligned_results(ha_aligned_alloc, 1); }

TEST(Alignment, MemalignHonoursEveryPowerOfTwo) { expect_aligned_results(ha_memalign, 1); }

TEST(Alignment, LargeAlignmentWithHugeSize) {
  const std::size_t size_bytes = std::size_t{33} << 20;
  void* address = ha_aligned_alloc(MAX_PROMISED_ALIGNMENT, size_bytes);
  ASSERT_NE(address, nullptr);
  EXPECT_TRUE(is_aligned(address, MAX_PROMISED_ALIGNMENT)) << address;
  EXPECT_GE(ha_malloc_usable_size(address), size_bytes);
  std::memset(address, 0x5a, size_bytes);
  ha_free(address);
}

TEST(Alignment, VallocIsPageAligned) {
  const auto page_bytes = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  for (std::size_t size_bytes :
       {std::size_t{0}, std::size_t{1}, page_bytes - 1, page_bytes, page_bytes + 1, std::size_t{5} << 20}) {
    void* address = ha_valloc(size_bytes);
    ASSERT_NE(address, nullptr) << size_bytes;
    EXPECT_TRUE(is_aligned(address, page_bytes)) << address << " size " << size_bytes;
    EXPECT_GE(ha_malloc_usable_size(address), size_bytes);
    ha_free(address);
  }
}

TEST(Alignment, PvallocIsPageAlignedAndRoundsUpToPages) {
  const auto page_bytes = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  for (std::size_t size_bytes :
       {std::size_t{1}, page_bytes - 1, page_bytes, page_bytes + 1, 3 * page_bytes + 7, std::size_t{5} << 20}) {
    void* address = ha_pvalloc(size_bytes);
    ASSERT_NE(address, nullptr) << size_bytes;
    EXPECT_TRUE(is_aligned(address, page_bytes)) << address << " size " << size_bytes;
    const std::size_t rounded_bytes = (size_bytes + page_bytes - 1) / page_bytes * page_bytes;
    EXPECT_GE(ha_malloc_usable_size(address), rounded_bytes) << "size " << size_bytes;
    std::memset(address, 0x77, rounded_bytes);
    ha_free(address);
  }
  void* empty = ha_pvalloc(0);
  ASSERT_NE(empty, nullptr);
  EXPECT_TRUE(is_aligned(empty, page_bytes)) << empty;
  ha_free(empty);
}

}  // namespace
