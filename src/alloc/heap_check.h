// alloc: ha_check_heap(). Walks the calling thread's heap (every page in use, both free lists,
// the quarantine) and the segments exited threads abandoned, and checks what each mitigation
// compiled in lets it check: every free-list link is a block of its page (all builds); a block
// on a free list is marked free (block_states) and still holds its fill (free_fill); every
// allocated block's canary is intact (canaries). Each problem is reported with the report writer
// (which aborts unless abort_on_error=0). Pages of other live threads, their thread_free stacks
// and dedicated (huge) blocks are not read: they may be changing under us.
#pragma once
#include "alloc/heap.h"
#include "hardening/block_canary.h"
#include "hardening/free_fill.h"

namespace hardalloc {

template <class Config>
class HeapCheck {
  using H = Heap<Config>;
  using P = Page<Config>;
  using Seg = Segment<Config>;
  static constexpr bool STATES = Config::MITIGATIONS.has(Mitigation::block_states);
  static constexpr bool CANARIES = Config::MITIGATIONS.has(Mitigation::canaries);
  static constexpr bool FILLED = Config::MITIGATIONS.has(Mitigation::free_fill);

 public:
  // Returns the number of problems found.
  static size_t run() {
    size_t problems = 0;
    H* h = tl_heap<Config>;
    if (h != &g_empty_heap<Config>) {
      for (auto& list : h->segments) {
        for (Seg* s = list.first; s != nullptr; s = s->next) problems += check_segment(s);
      }
      if constexpr (Config::MITIGATIONS.has(Mitigation::quarantine)) {
        h->quarantine.for_each([&](const Quarantine::Entry& e) {
          Seg* s = segment_of<Config>(e.block);
          if (s->kind != SegmentKind::dedicated) problems += check_fill(s->page_of(e.block), e.block);
        });
      }
    }
    HeapOps<Config>::for_each_abandoned([&](Seg* s) { problems += check_segment(s); });
    return problems;
  }

 private:
  static size_t check_segment(Seg* s) {
    size_t problems = 0;
    for (size_t i = 0; i < s->page_count; ++i) {
      P* p = &s->pages[i];
      if (!p->in_use) continue;
      problems += check_free_list(s, p, p->free) + check_free_list(s, p, p->local_free);
      if constexpr (STATES && CANARIES) problems += check_canaries(s, p);
    }
    return problems;
  }

  static size_t check_free_list(Seg* s, P* p, void* head) {
    size_t problems = 0;
    uint32_t steps = 0;
    for (void* b = head; b != nullptr; ++steps) {
      if (steps > p->capacity.get())
        return problems + report(ReportKind::heap_check, p, b, "a free list holds more blocks than its page");
      if constexpr (STATES) {
        if (s->block_states.is_allocated(static_cast<size_t>(p - s->pages), p->index_of(b)))
          problems += report(ReportKind::heap_check, p, b, "a block on a free list is marked allocated");
      }
      if constexpr (FILLED) problems += check_fill(p, b);
      const uintptr_t next = P::Codec::decode(load_link(b), b, p->keys);
      if (!p->is_block_or_null(next)) {
        return problems + report(ReportKind::free_list_corruption, p, b,
                                 "the link in this free block points outside its page's blocks");
      }
      b = reinterpret_cast<void*>(next);
    }
    return problems;
  }

  static size_t check_fill(P* p, void* block) {
    if constexpr (FILLED) return FreeFill::check(block, p->size()) ? 0 : 1;  // reports, with the offset
    return 0;
  }

  static size_t check_canaries(Seg* s, P* p) {
    size_t problems = 0;
    const size_t page_index = static_cast<size_t>(p - s->pages);
    for (size_t i = 0; i < p->capacity.get(); ++i) {
      if (!s->block_states.is_allocated(page_index, i)) continue;
      uint8_t* block = p->block_at(i);
      if (BlockCanary::first_bad_byte(block + p->size(), p->size()) == nullptr) continue;
      // Another thread may have freed (and filled) the block since we read its bit.
      if (s->block_states.is_allocated(page_index, i))
        problems += report(ReportKind::overflow, p, block, "bytes past the requested size were overwritten");
    }
    return problems;
  }

  static size_t report(ReportKind kind, P* p, const void* block, const char* detail) {
    BlockFacts facts;
    facts.address = block;
    facts.block = block;
    facts.block_bytes = p->size();
    facts.detail = detail;
    report_heap_error(kind, facts);
    return 1;
  }
};

}  // namespace hardalloc
