// mem: a segment is a SEGMENT_BYTES-aligned reservation from the OS holding pages (or one
// dedicated block) and their metadata, so any block finds its segment by masking its address
// and its page by a shift.
//
// Layout: [header | page 0 area][page 1]...[page N-1]; the header is this struct (page metadata
// first), page 0's area starts after it. A dedicated segment holds one block (large or huge) at `block offset`
// (normally just after the header; further for large alignments, up to exactly SEGMENT_BYTES
// past the base: segment_of() therefore masks `address - 1`, and no block starts at offset 0).
//
// Lifetime: segments that hold heap pages are never unmapped, only purged (their header stays
// readable): a thread that just pushed a block on a page's thread_free may still read that
// page's fields after the owner freed the page. Only dedicated segments larger than
// SEGMENT_BYTES (huge blocks) go back to the OS whole.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "base/bits.h"
#include "mem/page.h"
#include "mem/size_class.h"
#include "os/os.h"

namespace hardalloc {

enum class SegmentKind : uint8_t { small, medium, dedicated };

inline constexpr size_t MAX_PAGES_PER_SEGMENT = SEGMENT_BYTES >> SMALL_PAGE_SHIFT;  // 64
static_assert(sizeof(Page<FastConfig>) == 128 && sizeof(Page<HardenedConfig>) == 128);

template <class Config>
struct Segment {
  // First, so that the page of an address is `this + index * 128` with no further offset.
  Page<Config> pages[MAX_PAGES_PER_SEGMENT];
  // The heap whose thread owns the pages; nullptr while abandoned, free, or dedicated. Only the
  // owner changes it from its heap (on abandon), and only a reclaimer changes it from nullptr
  // (under the abandoned-list lock); other threads only compare it with their own heap, so
  // relaxed loads suffice.
  std::atomic<Heap<Config>*> owner{nullptr};
  SegmentKind kind = SegmentKind::small;
  uint8_t page_shift = 0;
  bool abandoned = false;  // in the abandoned list (guarded by that list's lock)
  bool is_zero = false;    // fresh or purged: everything past the header reads as zero
  uint32_t page_count = 0;
  uint32_t used_pages = 0;
  uint64_t used_mask = 0;   // bit i: pages[i].in_use
  uint64_t purge_mask = 0;  // free pages whose memory is still committed
  uint64_t purge_deadline_ms = 0;
  size_t mapping_bytes = 0;  // bytes mapped from `this`
  Segment* next = nullptr;   // in the owner's list, the abandoned list or the free list
  Segment* prev = nullptr;
  Segment* all_next = nullptr;  // every page-holding segment, for statistics
  Segment* all_prev = nullptr;

  static constexpr size_t page_shift_of(SegmentKind kind) {
    return kind == SegmentKind::small ? SMALL_PAGE_SHIFT : kind == SegmentKind::medium ? MEDIUM_PAGE_SHIFT : 63;
  }
  Page<Config>* page_of(const void* p) {
    return &pages[(reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(this)) >> page_shift];
  }
  uint8_t* page_start(size_t index) { return reinterpret_cast<uint8_t*>(this) + (index << page_shift); }
};

// Bytes before page 0's first block: the header, rounded to OS pages so that purging and guard
// pages work on whole OS pages.
template <class Config>
inline constexpr size_t SEGMENT_HEADER_BYTES = align_up(sizeof(Segment<Config>), OS_PAGE_BYTES);

// The segment holding the metadata `page` (its header starts at the segment's base).
template <class Config>
HA_ALWAYS_INLINE Segment<Config>* segment_of_page(const Page<Config>* page) {
  return reinterpret_cast<Segment<Config>*>(align_down(reinterpret_cast<uintptr_t>(page), SEGMENT_BYTES));
}

// The segment of a block address (never of a header address: see the layout above).
template <class Config>
HA_ALWAYS_INLINE Segment<Config>* segment_of(const void* p) {
  return reinterpret_cast<Segment<Config>*>(align_down(reinterpret_cast<uintptr_t>(p) - 1, SEGMENT_BYTES));
}

// With guard pages, the last OS page of each page is inaccessible and holds no block.
template <class Config>
inline constexpr size_t PAGE_GUARD_BYTES = Config::MITIGATIONS.has(Mitigation::guard_pages) ? OS_PAGE_BYTES : 0;

}  // namespace hardalloc
