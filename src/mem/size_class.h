// mem: size classes ("bins") and the page kinds they live in.
//
// Block sizes are multiples of 16 (the alignment malloc promises on x86-64). Up to 128 bytes the
// classes step by 16; above, each doubling is cut into 8 classes, so a request above 128 bytes
// wastes less than 12.5% of its size. Between 65 and 128 bytes the 16-byte alignment forces a
// 16-byte step: the waste there is under 16 bytes (at most 23% for a 65-byte request).
// Three page kinds share 4 MiB segments: small pages (64 KiB) for blocks up to 8 KiB, medium
// pages (512 KiB) up to 64 KiB, and large pages (the whole segment, one page) up to 1 MiB, so a
// large segment holds at least 3 blocks of its class. Only blocks above LARGE_BLOCK_MAX (huge)
// get a mapping of their own (dedicated), rounded to OS pages.
#pragma once
#include <cstddef>
#include <cstdint>

#include "base/bits.h"

namespace hardalloc {

inline constexpr size_t MIN_BLOCK_BYTES = 16;
inline constexpr size_t BIN_COUNT = 112;
inline constexpr size_t SMALL_BLOCK_MAX = 8 * KiB;    // lives in 64 KiB pages
inline constexpr size_t MEDIUM_BLOCK_MAX = 64 * KiB;  // lives in 512 KiB pages
inline constexpr size_t LARGE_BLOCK_MAX = 1 * MiB;    // lives in one-page (4 MiB) segments
inline constexpr unsigned SMALL_PAGE_SHIFT = 16;
inline constexpr unsigned MEDIUM_PAGE_SHIFT = 19;
inline constexpr unsigned SEGMENT_SHIFT = 22;
inline constexpr size_t SEGMENT_BYTES = size_t{1} << SEGMENT_SHIFT;  // 4 MiB, and its alignment
// Requests up to this size take the malloc fast path through the heap's direct table.
inline constexpr size_t DIRECT_MAX_BYTES = 1024;
inline constexpr size_t DIRECT_COUNT = DIRECT_MAX_BYTES / 16 + 1;

// The bin of a request of `size` bytes, size <= LARGE_BLOCK_MAX.
constexpr size_t bin_of(size_t size) {
  if (size <= 128) return size <= 16 ? 0 : (size - 1) / 16;
  const unsigned top = highest_bit(size - 1);  // 7 .. 15
  const size_t eighth = ((size - 1) >> (top - 3)) & 7;
  return 8 + (top - 7) * 8 + eighth;
}

// Bytes in each block of `bin`.
constexpr size_t bin_block_size(size_t bin) {
  if (bin < 8) return (bin + 1) * 16;
  const size_t top = 7 + (bin - 8) / 8;
  const size_t eighth = (bin - 8) % 8;
  return (9 + eighth) << (top - 3);
}

static_assert(bin_of(LARGE_BLOCK_MAX) == BIN_COUNT - 1);
static_assert(bin_block_size(BIN_COUNT - 1) == LARGE_BLOCK_MAX);
static_assert(bin_block_size(bin_of(MEDIUM_BLOCK_MAX)) == MEDIUM_BLOCK_MAX);
static_assert(bin_block_size(bin_of(DIRECT_MAX_BYTES)) == DIRECT_MAX_BYTES);

// The page kind of a bin; the values index a heap's segment lists (SegmentKind in segment.h).
enum class PageKind : uint8_t { small, medium, large };
inline constexpr size_t PAGE_KIND_COUNT = 3;
constexpr PageKind page_kind_of_bin(size_t bin) {
  const size_t block = bin_block_size(bin);
  return block <= SMALL_BLOCK_MAX ? PageKind::small : block <= MEDIUM_BLOCK_MAX ? PageKind::medium : PageKind::large;
}

}  // namespace hardalloc
