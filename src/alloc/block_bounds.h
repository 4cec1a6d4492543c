// alloc: how many bytes may be written from an address that may lie in a live block of ours
// (Mitigation::checked_copies): up to the end of the block's request, which the canary's tail word
// records (hardening/block_canary.h). Asked by the checked memcpy and its kin for every
// destination, so the answer for an address outside our heap costs one compare; the rest runs
// only for addresses inside the bounds of our segments, and reads nothing of a segment before the
// segment map vouches for it.
//
// A guarded-pool block (hardening/guarded_pool.h) has its own range, outside the segments; its
// request is recorded in the pool.
//
// Only live blocks have bounds: an address in a free or quarantined block, a segment header, a
// guard page or an uncarved part of a page has none here (free_fill, the guard pages and the
// state bits catch writes there), nor has a block whose tail word is already overwritten (free
// and ha_check_heap report that).
#pragma once
#include <cstddef>
#include <cstdint>

#include "alloc/heap.h"
#include "hardening/block_canary.h"
#include "hardening/guarded_pool.h"
#include "hardening/segment_map.h"

namespace hardalloc {

template <class Config>
class BlockBounds {
  using Seg = Segment<Config>;
  using P = Page<Config>;
  using Map = SegmentMap<Config>;
  static_assert(Config::MITIGATIONS.has(Mitigation::checked_copies), "the bounds come from checked_copies' needs");

 public:
  // The live block holding an address, and where its request ends.
  struct LiveBlock {
    const uint8_t* start = nullptr;
    size_t bytes = 0;
    const uint8_t* request_end = nullptr;
    // The request's size: known when the block was handed out at its start (not an aligned
    // address inside it, whose padding the tail word does not record).
    size_t requested_bytes = 0;
    bool requested_known = false;
  };

  // Bytes from `dest` to the end of its live block's request (0 when dest is past it, in the
  // slack), or SIZE_MAX when dest is in no live block of ours.
  HA_ALWAYS_INLINE static size_t writable_bytes(const void* dest) {
    if (HA_LIKELY(!within_bounds(dest))) return SIZE_MAX;
    LiveBlock b;
    if (!find(dest, b)) return SIZE_MAX;
    return writable_in(b, dest);
  }

  // Whether `p` may be in a block of ours: inside the bounds of our segments, or in the guarded
  // pool (a range of its own).
  HA_ALWAYS_INLINE static bool within_bounds(const void* p) {
    if constexpr (Config::MITIGATIONS.has(Mitigation::guarded_sampling)) {
      if (HA_UNLIKELY(GuardedPool::contains(p))) return true;
    }
    return Map::within_bounds(p);
  }

  static size_t writable_in(const LiveBlock& b, const void* dest) {
    const auto* d = static_cast<const uint8_t*>(dest);
    return d < b.request_end ? static_cast<size_t>(b.request_end - d) : 0;
  }

  // Fills `out` and returns true when `p` lies in a live block of ours.
  HA_NOINLINE static bool find(const void* p, LiveBlock& out) {
    if constexpr (Config::MITIGATIONS.has(Mitigation::guarded_sampling)) {
      if (GuardedPool::contains(p)) return find_guarded(p, out);
    }
    auto* s = static_cast<Seg*>(Map::segment_containing(p));
    if (s == nullptr) return false;
    const auto* a = static_cast<const uint8_t*>(p);
    // Relaxed reads of a page another thread may be retiring: only a write into a block that is
    // not the caller's races, and that needs an answer that is safe, not exact.
    P* page = s->page_of(a);
    const size_t bytes = page->size();
    if (!page->in_use || bytes == 0 || !page->in_carved_blocks(a)) return false;
    const size_t index = page->index_of(a);
    if (!s->block_states.is_allocated(static_cast<size_t>(page - s->pages), index)) return false;
    uint8_t* start = page->block_at(index);
    const uint8_t* end = BlockCanary::user_end(start + bytes, bytes);
    if (end == nullptr) return false;
    out.start = start;
    out.bytes = bytes;
    out.request_end = end;
    out.requested_known = (page->flags.get() & PAGE_HAS_ALIGNED) == 0;
    if (out.requested_known) out.requested_bytes = static_cast<size_t>(end - start);
    return true;
  }

 private:
  static bool find_guarded(const void* p, LiveBlock& out) {
    uintptr_t block = 0;
    size_t requested = 0;
    if (!GuardedPool::live_block_at(p, block, requested)) return false;
    out.start = reinterpret_cast<const uint8_t*>(block);
    out.bytes = requested;
    out.request_end = out.start + requested;
    out.requested_bytes = requested;
    out.requested_known = true;
    return true;
  }
};

}  // namespace hardalloc
