// alloc: which guard page of ours an address is on, for the SIGSEGV handler
// (hardening/fault_handler.h): the guarded pool's (hardening/guarded_pool.h), the one after a
// segment's header, the one ending a guarded page
// area, the one after a block of a large page (a guard slot), or the one after a dedicated block; or whether it is in a
// segment we unmapped. Reads only segments the segment map vouches for, and nothing that allocates or locks (it runs in
// a signal handler).
#pragma once
#include "alloc/heap.h"
#include "hardening/guarded_pool.h"
#include "hardening/segment_map.h"

namespace hardalloc {

template <class Config>
class GuardFault {
  using Seg = Segment<Config>;
  using P = Page<Config>;
  using Map = SegmentMap<Config>;
  static constexpr size_t GUARD = PAGE_GUARD_BYTES<Config>;

 public:
  static bool describe(const void* address, bool is_write, ReportKind& kind, BlockFacts& facts) {
    if constexpr (Config::MITIGATIONS.has(Mitigation::guarded_sampling)) {
      if (GuardedPool::describe_fault(address, is_write, kind, facts)) return true;
    }
    const auto a = reinterpret_cast<uintptr_t>(address);
    kind = ReportKind::guard_page_fault;
    if (Map::lookup(address) == Map::UNMAPPED) {
      kind = ReportKind::write_after_free;
      facts.address = address;
      facts.detail = "an access to memory of a block freed before: its mapping went back to the OS";
      return true;
    }
    auto* s = static_cast<Seg*>(Map::segment_containing(address));
    if (s == nullptr) return false;
    const auto base = reinterpret_cast<uintptr_t>(s);
    const uintptr_t header_end = base + SEGMENT_HEADER_BYTES<Config>;
    facts.address = address;
    if (a >= header_end - GUARD && a < header_end) {
      facts.detail =
          "an access just below the segment's first block (an underflow), on the guard page after its header";
      if (s->pages[0].in_use) describe_block(s, &s->pages[0], s->pages[0].area, facts);
      return true;
    }
    if (s->kind == SegmentKind::dedicated) {
      // The guard after the block, which a free segment keeps (Segment::dedicated_guard).
      const uintptr_t guard = base + s->dedicated_guard;
      if (s->dedicated_guard == 0 || a < guard || a >= guard + GUARD) return false;
      P* p = &s->pages[0];
      if (!p->in_use) {
        kind = ReportKind::write_after_free;
        facts.detail = "an access past the end of a huge or over-aligned block freed before, on its guard page";
        return true;
      }
      facts.detail = "an access past the end of a huge or over-aligned block (an overflow)";
      describe_block(s, p, p->area, facts);
      return true;
    }
    const size_t index = (a - base) >> s->page_shift;
    if (index >= s->page_count) return false;
    P* p = &s->pages[index];
    const uintptr_t area_end = base + ((index + 1) << s->page_shift);
    if ((s->guarded_pages >> index & 1) == 0) return false;
    if (describe_slot_guard(s, p, a, facts)) return true;
    if (a < area_end - GUARD) return false;
    facts.detail = "an access past the last block of a page (an overflow), on the guard page that ends it";
    if (p->in_use && p->reserved != 0) describe_block(s, p, p->block_at(p->reserved - 1), facts);
    return true;
  }

 private:
  // A guard slot after a carved block of a large page (Page::SLOT_GUARDS). Each field is read
  // once (not through Page::in_carved_blocks and index_of): a signal handler must not divide by
  // a stride that another thread's segment reuse zeroed between two reads.
  static bool describe_slot_guard(Seg* s, P* p, uintptr_t a, BlockFacts& facts) {
    const size_t bytes = p->size();
    const size_t stride = p->stride();
    const auto area = reinterpret_cast<uintptr_t>(p->area);
    if (!p->in_use || stride == bytes || a < area || a >= area + static_cast<size_t>(p->capacity.get()) * stride)
      return false;
    const uint8_t* block = p->block_at((a - area) / stride);
    if (a < reinterpret_cast<uintptr_t>(block) + bytes) return false;
    facts.detail =
        "an access on the guard page after a large block (an overflow of it, or an underflow of the block after it)";
    describe_block(s, p, block, facts);
    return true;
  }

  static void describe_block(Seg* s, P* p, const uint8_t* block, BlockFacts& facts) {
    facts.block = block;
    facts.block_bytes = p->size();
    if (s->kind == SegmentKind::dedicated) {
      facts.requested_bytes = s->requested_bytes;
      facts.requested_known = true;
    }
  }
};

}  // namespace hardalloc
