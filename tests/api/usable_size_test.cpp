// malloc_usable_size reports at least the request, and the size classes waste at most 12.5%
// of a request above 128 bytes and less than one 16-byte step below (the core's promise; the
// issue asked 12.5% from 64 bytes, which no allocator keeping every block 16-byte aligned can
// give: a 65-byte request needs an 80-byte block).
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstring>

namespace {

// Size classes waste at most 1/8 of any request from this size on...
constexpr std::size_t WASTE_BOUND_FROM_BYTES = 129;
// ...and below it, less than the 16-byte alignment step.
constexpr std::size_t ALIGNMENT_STEP_BYTES = 16;

// Requests from 0 to max_bytes, every size up to 2 KiB, then a few around each power of two.
template <typename Visit>
void for_each_request_size(std::size_t max_bytes, Visit visit) {
  for (std::size_t size_bytes = 0; size_bytes <= 2048; ++size_bytes) {
    visit(size_bytes);
  }
  for (std::size_t power = 4096; power <= max_bytes; power *= 2) {
    for (std::size_t size_bytes : {power / 2 + power / 8 + 1, power - 1, power, power + 1}) {
      visit(size_bytes);
    }
  }
}

TEST(UsableSize, AtLeastTheRequestAndAllWritable) {
  for_each_request_size(std::size_t{64} << 20, [](std::size_t size_bytes) {
    void* address = ha_malloc(size_bytes);
    ASSERT_NE(address, nullptr) << size_bytes;
    const std::size_t usable_bytes = ha_malloc_usable_size(address);
    EXPECT_GE(usable_bytes, size_bytes);
    std::memset(address, 0xee, usable_bytes);
    ha_free(address);
  });
}

TEST(UsableSize, WasteIsBoundedByTheSizeClasses) {
  for_each_request_size(std::size_t{64} << 20, [](std::size_t size_bytes) {
    void* address = ha_malloc(size_bytes);
    ASSERT_NE(address, nullptr) << size_bytes;
    const std::size_t waste_bytes = ha_malloc_usable_size(address) - size_bytes;
    if (size_bytes >= WASTE_BOUND_FROM_BYTES) {
      EXPECT_LE(waste_bytes, size_bytes / 8) << "request " << size_bytes;
    } else if (size_bytes > 0) {
      EXPECT_LT(waste_bytes, ALIGNMENT_STEP_BYTES) << "request " << size_bytes;
    }
    ha_free(address);
  });
}

TEST(UsableSize, NullHasZeroUsableBytes) { EXPECT_EQ(ha_malloc_usable_size(nullptr), 0u); }

}  // namespace
