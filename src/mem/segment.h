// mem: a segment is a SEGMENT_BYTES-aligned reservation from the OS holding pages (or one
// dedicated block) and their metadata, so any block finds its segment by masking its address
// and its page by a shift.
//
// Layout: [header | page 0 area][page 1]...[page N-1]; the header is this struct (page metadata
// first), page 0's area starts after it. Small and medium segments hold 64 and 8 pages; a large
// segment is one page spanning the whole segment. A dedicated segment holds one huge or
// over-aligned block at `block offset` (normally just after the header; further for large
// alignments, up to exactly SEGMENT_BYTES past the base: segment_of() therefore masks
// `address - 1`, and no block starts at offset 0); a huge one is mapped to fit its block.
//
// Lifetime: a free segment may be unmapped, because nothing reads a page after its last block
// is freed: a remote freer's final access is the CAS that pushes its block, except while it
// holds the page's TF_NOTIFYING bit, which the owner waits out before freeing the page (page.h).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "base/bits.h"
#include "hardening/block_states.h"
#include "mem/page.h"
#include "mem/size_class.h"
#include "os/os.h"

namespace hardalloc {

// The first three are the page kinds (size_class.h) and index a heap's segment lists.
enum class SegmentKind : uint8_t { small, medium, large, dedicated };
static_assert(static_cast<size_t>(SegmentKind::dedicated) == PAGE_KIND_COUNT);
constexpr SegmentKind segment_kind_of(PageKind kind) { return static_cast<SegmentKind>(kind); }

inline constexpr size_t MAX_PAGES_PER_SEGMENT = SEGMENT_BYTES >> SMALL_PAGE_SHIFT;  // 64
static_assert(sizeof(Page<FastConfig>) == 128 && sizeof(Page<HardenedConfig>) == 128);

template <class Config>
using BlockStatesOf = std::conditional_t<Config::MITIGATIONS.has(Mitigation::block_states),
                                         BlockStates<MAX_PAGES_PER_SEGMENT>, NoBlockStates>;

template <class Config>
struct Segment {
  // First, so that the page of an address is `this + index * 128` with no further offset.
  Page<Config> pages[MAX_PAGES_PER_SEGMENT];
  // The heap whose thread owns the pages; nullptr while abandoned, free, or dedicated. Only the
  // owner changes it from its heap (on abandon; in a fork child, the one thread left does it for
  // the heaps of threads that did not survive the fork), and only a reclaimer changes it from
  // nullptr (under the abandoned-list lock); other threads only compare it with their own heap,
  // so relaxed loads suffice.
  std::atomic<Heap<Config>*> owner{nullptr};
  // Bit i: a remote freer ended pages[i]'s full episode (HeapOps::notify_owner) and the owner
  // has not looked yet (collect_unfull). Cleared when the segment changes hands: no notifier can
  // be running then (abandon waits them out; a segment from the pool has no page in use).
  std::atomic<uint64_t> unfull_mask{0};
  SegmentKind kind = SegmentKind::small;
  uint8_t page_shift = 0;
  bool abandoned = false;  // in the abandoned list (guarded by that list's lock)
  bool is_zero = false;    // fresh or purged: everything past the header reads as zero
  uint32_t page_count = 0;
  uint32_t used_pages = 0;
  uint64_t used_mask = 0;   // bit i: pages[i].in_use
  uint64_t purge_mask = 0;  // free pages whose memory is still committed
  // Pages whose guard page (guard_pages) is protected. It stays protected while the page is free:
  // the guard sits at the end of the page area whatever class the page serves next, so only a
  // segment going back to the pool lifts it.
  uint64_t guarded_pages = 0;
  // A dedicated segment's protected guard page (guard_pages), as an offset from `this`; 0 for
  // none. It stays protected when the segment is free, so that the next block of the same size
  // reuses it without two mprotect calls; a use that needs it elsewhere lifts it first.
  size_t dedicated_guard = 0;
  // Owned: the earliest purge_due_ms of the pages in purge_mask (each page's free time plus the
  // purge delay then in force, purge_pacing.h). Free (pool): when the segment became free plus
  // the delay, or sooner. Each queue below is ordered by it, so a purge pass stops at the first
  // one not yet due.
  uint64_t purge_deadline_ms = 0;
  // The pages the owner's last purge pass (not a forced one) gave back, and when: the owner
  // committing one of them again soon after tells the purge pacing that the delay is too short.
  // Cleared when the segment changes owner: reusing what an exited thread purged is no regret.
  uint64_t last_purged_mask = 0;
  uint64_t last_purged_ms = 0;
  // The thread whose heap last gave it back to the pool (os_thread_id): the pool's regret is
  // that thread needing it again, not another thread taking what an exited one left.
  uint64_t released_by = 0;
  // Two hints for a thread freeing into an abandoned segment (HeapOps::wants_segment): from
  // abandoned_until_ms on it adopts the segment (and so does any thread's upkeep,
  // HeapOps::adopt_stale); it also does when its free takes abandoned_live,
  // the blocks live at abandon less those freed into it since by threads that found it
  // abandoned, to zero. Both only decide when the segment is adopted, never whether that is
  // safe (adoption takes the list's lock), so relaxed accesses do: a stale or lost update makes
  // an adoption early or late. Remote frees that raced the abandon leave abandoned_live high.
  std::atomic<uint64_t> abandoned_until_ms{0};
  std::atomic<uint32_t> abandoned_live{0};
  size_t mapping_bytes = 0;  // bytes mapped from `this`
  size_t dirty_end = 0;      // taken from the pool: one past what its last use may have left committed
  Segment* next = nullptr;   // in the owner's list, the abandoned list or the free list
  Segment* prev = nullptr;
  Segment* purge_next = nullptr;  // in the owner heap's purge queue (purge_mask != 0)
  Segment* purge_prev = nullptr;
  bool in_purge_queue = false;
  Segment* all_next = nullptr;  // every page-holding segment, for statistics
  Segment* all_prev = nullptr;
  // Side metadata of the hardened configurations (the page areas stay as they are).
  size_t requested_bytes = 0;  // a dedicated block's request (block_states)
  [[no_unique_address]] BlockStatesOf<Config> block_states;

  static constexpr size_t page_shift_of(SegmentKind kind) {
    switch (kind) {
      case SegmentKind::small:
        return SMALL_PAGE_SHIFT;
      case SegmentKind::medium:
        return MEDIUM_PAGE_SHIFT;
      case SegmentKind::large:
        return SEGMENT_SHIFT;
      case SegmentKind::dedicated:
        break;
    }
    return 63;  // every address of a dedicated segment, however far, maps to pages[0]
  }
  Page<Config>* page_of(const void* p) {
    return &pages[(reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(this)) >> page_shift];
  }
  uint8_t* page_start(size_t index) { return reinterpret_cast<uint8_t*>(this) + (index << page_shift); }
};

// With guard pages, an inaccessible OS page follows the header (so an underflow off the first
// block of page 0, or of a large or dedicated block, faults), and one ends every guarded page
// area and every dedicated block.
template <class Config>
inline constexpr size_t PAGE_GUARD_BYTES = Config::MITIGATIONS.has(Mitigation::guard_pages) ? OS_PAGE_BYTES : 0;

// Bytes before page 0's first block: the header, rounded to OS pages so that purging and guard
// pages work on whole OS pages, and its guard page.
template <class Config>
inline constexpr size_t SEGMENT_HEADER_BYTES =
    align_up(sizeof(Segment<Config>), OS_PAGE_BYTES) + PAGE_GUARD_BYTES<Config>;
// Page 0 of a small segment must still hold a block of the largest small class.
static_assert(SEGMENT_HEADER_BYTES<HardenedConfig> + SMALL_BLOCK_MAX + OS_PAGE_BYTES <=
              (size_t{1} << SMALL_PAGE_SHIFT));

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

// Inserts `s` into `list` (a free list or a purge queue), kept ordered by purge_deadline_ms.
template <class List, class Seg>
void insert_by_deadline(List& list, Seg* s) {
  list.insert_from_back(s, [s](const Seg* x) { return x->purge_deadline_ms > s->purge_deadline_ms; });
}

}  // namespace hardalloc
