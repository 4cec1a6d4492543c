// alloc: the allocator of one Config: malloc, free, calloc, realloc, aligned allocation and
// usable size, with the behaviour and errno that glibc documents. Fast paths are inline; what
// they cannot do goes to a noinline generic function.
#pragma once
#include <errno.h>

#include <cstddef>
#include <cstdint>

#include "alloc/heap.h"
#include "hardening/block_canary.h"
#include "hardening/free_fill.h"
#include "hardening/guarded_pool.h"
#include "hardening/report.h"
#include "hardening/segment_map.h"

namespace hardalloc {

template <class Config>
class Allocator {
  using H = Heap<Config>;
  using P = Page<Config>;
  using Seg = Segment<Config>;
  using Ops = HeapOps<Config>;
  using Pool = SegmentPool<Config>;

 public:
  // Requests above this fail with ENOMEM at once, as in glibc: no object may exceed PTRDIFF_MAX.
  static constexpr size_t MAX_REQUEST = PTRDIFF_MAX;
  // Every block's allocated state is tracked and every pointer checked before use: malloc and
  // free then always take the generic paths, where the checks live.
  static constexpr bool CHECKED = Config::MITIGATIONS.has(Mitigation::block_states);
  // The requested size is known exactly (canaries): usable size is the request, and sized frees
  // are checked against it.
  static constexpr bool CANARIES = Config::MITIGATIONS.has(Mitigation::canaries);
  static constexpr bool FILLED = Config::MITIGATIONS.has(Mitigation::free_fill);
  // Sampled allocations live in the guarded pool (hardening/guarded_pool.h); every path that
  // takes a pointer asks the pool first (one range check).
  static constexpr bool SAMPLED = Config::MITIGATIONS.has(Mitigation::guarded_sampling);
  // Bytes every request needs beyond what it asks for (the canary's tail word).
  static constexpr size_t TAIL = CANARIES ? BlockCanary::TAIL_BYTES : 0;
  // The largest request a page holds; larger ones get a dedicated block. With guard pages a
  // large page gives each block a guard page after it (Page::SLOT_GUARDS), so that a large
  // block is guarded on both sides as a huge one is, in memory its page keeps warm.
  static constexpr size_t PAGED_MAX = LARGE_BLOCK_MAX - TAIL;

  HA_ALWAYS_INLINE static void* malloc(size_t size) noexcept {
    if constexpr (CHECKED) return malloc_generic(size, false);
    if (HA_LIKELY(size <= DIRECT_MAX_BYTES)) {
      P* page = tl_heap<Config>->direct[(size + 15) / 16];
      if (HA_LIKELY(page->free != nullptr)) return page->pop_free();
    }
    return malloc_generic(size, false);
  }

  HA_ALWAYS_INLINE static void free(void* ptr) noexcept {
    if (HA_UNLIKELY(ptr == nullptr)) return;
    if constexpr (CHECKED) return checked_free(ptr);
    Seg* s = segment_of<Config>(ptr);
    P* page = s->page_of(ptr);
    H* h = tl_heap<Config>;
    // relaxed: see Page::fast_free_heap; equal only for the owner of a page with no flags.
    if (HA_LIKELY(page->fast_free_heap.load(std::memory_order_relaxed) == h)) {
      if (HA_UNLIKELY(page->push_local(ptr) == 0)) Ops::page_retire(h, page);
      return;
    }
    free_generic(s, page, ptr);
  }

  static void* calloc(size_t count, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) return fail_enomem();
    return malloc_generic(total, true);
  }

  // With canaries, the size the block was requested with (so that a program filling its usable
  // size stays inside the canary); else every byte up to the block's end.
  static size_t usable_size(const void* ptr) {
    if (ptr == nullptr) return 0;
    const size_t bytes = live_bytes(ptr);
    return bytes == SIZE_MAX ? 0 : bytes;  // SIZE_MAX: reported
  }

  static void* realloc(void* ptr, size_t size) {
    if (ptr == nullptr) return malloc(size);
    const size_t kept = live_bytes(ptr);         // the bytes a move must copy
    if (kept == SIZE_MAX) return fail_einval();  // reported; the block is left alone
    if (size == 0) {                             // glibc: frees and returns NULL (C23 leaves it undefined)
      free(ptr);
      return nullptr;
    }
    // A guarded block always moves, so that its new size is guarded as tightly.
    if (!(SAMPLED && GuardedPool::contains(ptr))) {
      const size_t room = CANARIES ? block_usable_size(ptr) - TAIL : kept;  // live: checked above
      // Keep the block when the new size fits and would not waste more than half of it (or,
      // with canaries, does not shrink the request: a grow within the slack).
      if (size <= room && (size >= room / 2 || size >= kept)) return set_request_end(ptr, size);
      if (size > room) {
        if (void* grown = grow_dedicated(ptr, size)) return grown;
      }
    }
    void* fresh = malloc(size);
    if (fresh == nullptr) return nullptr;  // errno set by malloc; the old block is untouched
    copy_bytes(fresh, ptr, size < kept ? size : kept);
    free(ptr);
    return fresh;
  }

  // `alignment` must be a power of two (callers check); returns nullptr with errno ENOMEM.
  static void* aligned(size_t alignment, size_t size) {
    if (alignment <= MIN_BLOCK_BYTES) return malloc(size);
    if (size > MAX_REQUEST - alignment) return fail_enomem();
    return aligned_generic(alignment, size);
  }

  static void collect(bool force) {
    H* h = tl_heap<Config>;
    if (h != &g_empty_heap<Config>)
      Ops::collect(h, force);
    else
      Pool::purge_free_segments(os_now_ms(), force);
  }

 private:
  // Usable bytes from `ptr`, a live block's pointer (unchecked).
  static size_t block_usable_size(const void* ptr) {
    Seg* s = segment_of<Config>(ptr);
    P* page = s->page_of(ptr);
    const uint8_t* start = block_start(page, ptr);
    return page->size() - static_cast<size_t>(static_cast<const uint8_t*>(ptr) - start);
  }

  // The first byte of the block that `ptr` (a block start or an aligned address inside the
  // block) belongs to.
  static const uint8_t* block_start(P* page, const void* ptr) {
    const auto* p = static_cast<const uint8_t*>(ptr);
    if (HA_LIKELY((page->flags.get() & PAGE_HAS_ALIGNED) == 0)) return p;
    const size_t offset = static_cast<size_t>(p - page->area);
    return page->area + offset - offset % page->stride();
  }

  // `sample`: the allocation may go to the guarded pool (all but the over-allocations of
  // aligned_generic).
  HA_NOINLINE static void* malloc_generic(size_t size, bool zero, bool sample = true) noexcept {
    if (HA_UNLIKELY(tl_heap_done<Config>)) return late_malloc(size, zero);
    H* h = Ops::thread_heap();
    if (h == nullptr) return fail_enomem();
    if constexpr (SAMPLED) {
      if (sample && HA_UNLIKELY(h->sampler.should_sample())) {
        if (void* guarded = GuardedPool::allocate(size, MIN_BLOCK_BYTES)) return guarded;  // zeroed
      }
    }
    if (size > PAGED_MAX) return dedicated_alloc(size, MIN_BLOCK_BYTES, zero);
    return heap_malloc(h, size, zero);
  }

  // An allocation by a thread whose heap was torn down (HeapOps::late_heap explains why).
  HA_NOINLINE static void* late_malloc(size_t size, bool zero) noexcept {
    if (size > PAGED_MAX) return dedicated_alloc(size, MIN_BLOCK_BYTES, zero);
    LockGuard guard(Ops::late_lock());
    return heap_malloc(Ops::late_heap(), size, zero);
  }

  // A loop, not a recursion, so that it inlines into its callers: the checked configurations
  // come here for every malloc, so this is their fast path.
  HA_ALWAYS_INLINE static void* heap_malloc(H* h, size_t size, bool zero) {
    const size_t bin = bin_of(size + TAIL);
    for (;;) {
      // The first page of the class, when it has a free block, is what find_page would return.
      P* page = h->queues[bin].first;
      if (HA_UNLIKELY(page == nullptr || page->free == nullptr)) page = Ops::find_page(h, bin);
      if (HA_UNLIKELY(page == nullptr)) return fail_enomem();
      const bool was_zero = page->free_is_zero;
      auto* block = static_cast<uint8_t*>(page->pop_free());
      if constexpr (CHECKED) {
        if (HA_UNLIKELY(!mark_allocated(page, block))) continue;  // reported; leaked
      }
      if constexpr (FILLED) {
        if (HA_UNLIKELY(!fill_intact(page, block))) continue;  // reported; leaked
      }
      if (zero) zero_bytes(block, was_zero ? sizeof(uintptr_t) : size);
      if constexpr (CANARIES) BlockCanary::write(block + page->size(), block + size);
      return block;
    }
  }

  static void* dedicated_alloc(size_t size, size_t alignment, bool zero) {
    if (size > MAX_REQUEST) return fail_enomem();
    // An aligned allocation may come here before the thread (or the process) has a heap: the
    // process's secrets (the canary's) must exist before a block is written with them.
    if (!Ops::process_init()) return fail_enomem();
    Ops::purge_if_due();
    Seg* s = Pool::acquire_dedicated(size + TAIL, alignment, tl_heap<Config>->thread_id);
    if (s == nullptr) return fail_enomem();
    P& page = s->pages[0];
    s->requested_bytes = size;
    if (zero) Pool::zero_for_calloc(s, page.area, size);
    if constexpr (CANARIES) BlockCanary::write(page.area + page.size(), page.area + size);
    return page.area;
  }

  HA_NOINLINE static void free_generic(Seg* s, P* page, void* ptr) noexcept {
    Ops::release_block(s, page, const_cast<uint8_t*>(block_start(page, ptr)));
  }

  // A large or huge block grows without a copy where it can; nullptr where it cannot.
  static void* grow_dedicated(void* ptr, size_t size) {
    Seg* s = segment_of<Config>(ptr);
    if (s->kind != SegmentKind::dedicated) return nullptr;
    Seg* grown = Pool::grow_dedicated(s, size + TAIL);
    if (grown == nullptr) return nullptr;
    grown->requested_bytes = size;
    return set_request_end(grown->pages[0].area, size);
  }

  // With canaries, records that the program's bytes at `ptr` (a live block's pointer) now end
  // after `size`; returns ptr.
  static void* set_request_end(void* ptr, size_t size) {
    if constexpr (CANARIES) {
      auto* p = static_cast<uint8_t*>(ptr);
      P* page = segment_of<Config>(p)->page_of(p);
      BlockCanary::write(const_cast<uint8_t*>(block_start(page, p)) + page->size(), p + size);
    }
    return ptr;
  }

  // A block for aligned_generic's in-page path: from a page, never the guarded pool (the
  // sampling decision for the aligned allocation is taken once, above; and the page records an
  // aligned address handed out inside a block).
  static void* page_malloc(size_t size) {
    if constexpr (SAMPLED) return malloc_generic(size, false, false);
    return malloc(size);
  }

  HA_NOINLINE static void* aligned_generic(size_t alignment, size_t size) {
    if constexpr (SAMPLED) {
      H* h = tl_heap<Config>;  // the empty heap's sampler is shared: not used (a thread's first allocation)
      if (h != &g_empty_heap<Config> && HA_UNLIKELY(h->sampler.should_sample())) {
        if (void* guarded = GuardedPool::allocate(size, alignment)) return guarded;
      }
    }
    // Small alignments inside pages: a block of a class whose size is a multiple of the
    // alignment is often aligned already; otherwise over-allocate and hand out an interior
    // address (the page then frees by block start, PAGE_HAS_ALIGNED).
    // Not for a late allocation: marking the page would race with other users of the late heap.
    if (alignment <= MAX_ALIGN_IN_PAGE && size + alignment - 1 <= PAGED_MAX && !tl_heap_done<Config>) {
      void* p = page_malloc(size);
      if (p == nullptr) return nullptr;
      if ((reinterpret_cast<uintptr_t>(p) & (alignment - 1)) == 0) return p;
      free(p);
      p = page_malloc(size + alignment - 1);
      if (p == nullptr) return nullptr;
      void* aligned = reinterpret_cast<void*>(align_up(reinterpret_cast<uintptr_t>(p), alignment));
      if (aligned != p) {
        P* page = segment_of<Config>(p)->page_of(p);
        page->set_flags(page->flags.get() | PAGE_HAS_ALIGNED, tl_heap<Config>);
        if constexpr (CHECKED) record_aligned(page, p, aligned);
      }
      return set_request_end(aligned, size);
    }
    return dedicated_alloc(size, alignment, false);
  }

  // --- checks of the CHECKED configurations (block_states) ---

  enum class Use { free, inspect };
  struct Checked {
    bool live = false;
    uint8_t* block = nullptr;  // the block's start
  };

  // Reports and returns {false} unless `ptr` is what malloc handed out and still live; for
  // Use::free it also marks the block free (exactly one of two racing frees succeeds).
  // Ownership comes first: nothing of a segment is read before the segment map vouches for it.
  HA_NOINLINE static Checked check_block(const void* ptr, Use use) noexcept {
    BlockFacts facts;
    facts.address = ptr;
    Seg* s = segment_of<Config>(ptr);
    const uint8_t granule = SegmentMap<Config>::lookup(s);
    if (granule != SegmentMap<Config>::SEGMENT_START) {
      if (granule == SegmentMap<Config>::UNMAPPED) {
        facts.detail = "the block's memory went back to the OS when it was freed before";
        report_heap_error(ReportKind::double_free, facts);
      } else {
        report_heap_error(granule == SegmentMap<Config>::NONE ? ReportKind::foreign_free : ReportKind::interior_free,
                          facts);
      }
      return {};
    }
    P* page = s->page_of(ptr);
    const auto* p = static_cast<const uint8_t*>(ptr);
    if (!page->in_use && was_block_start(page, p)) {  // a block freed before, whose page (or segment) went free since
      facts.block = p;
      facts.block_bytes = page->size() != 0 ? page->size() : page->block_stride.get() - Ops::slot_guard_bytes(s);
      facts.detail = "the block was freed before, and its page since";
      report_heap_error(ReportKind::double_free, facts);
      return {};
    }
    if (!page->in_use || !page->in_carved_blocks(p)) {
      report_heap_error(ReportKind::invalid_free, facts);
      return {};
    }
    const size_t index = page->index_of(p);
    uint8_t* start = page->block_at(index);
    if (p >= start + page->size()) {  // in the guard slot after a block (Page::SLOT_GUARDS)
      report_heap_error(ReportKind::invalid_free, facts);
      return {};
    }
    facts.block = start;
    facts.block_bytes = page->size();
    if (s->kind == SegmentKind::dedicated) {
      facts.requested_bytes = s->requested_bytes;
      facts.requested_known = true;
    }
    const size_t page_index = static_cast<size_t>(page - s->pages);
    // A pointer inside a block that is free already: a double free of an aligned pointer (its
    // record may be gone with the fill), or an interior one; either way the block was freed.
    const bool allocated = s->block_states.is_allocated(page_index, index);
    if (start != p && allocated && !aligned_recorded(page, start, p)) {
      report_heap_error(ReportKind::interior_free, facts);
      return {};
    }
    const bool live = use == Use::free ? allocated && s->block_states.set_free(page_index, index) : allocated;
    if (!live) {
      facts.detail = use == Use::free ? "the block was freed before" : "the block was freed before this use";
      report_heap_error(ReportKind::double_free, facts);
      return {};
    }
    return {true, start};
  }

  HA_NOINLINE static void checked_free(void* ptr) noexcept {
    if constexpr (SAMPLED) {
      if (GuardedPool::contains(ptr)) {
        GuardedPool::free(ptr);  // or reported; the block is left alone
        return;
      }
    }
    Seg* s = segment_of<Config>(ptr);
    uint8_t* block = static_cast<uint8_t*>(ptr);
    if (HA_UNLIKELY(!free_plain_block(s, block))) {  // anything else: the full check, which reports
      const Checked c = check_block(ptr, Use::free);
      if (!c.live) return;  // reported; the block is left alone
      block = c.block;
    }
    P* page = s->page_of(ptr);
    if constexpr (CANARIES) {
      if (checked_user_end(ptr) == nullptr) return;  // reported; the block is leaked, not reused
    }
    if constexpr (FILLED) FreeFill::fill(block, page->size());
    if constexpr (Config::MITIGATIONS.has(Mitigation::quarantine))
      Ops::quarantine_block(s, page, block);
    else
      Ops::release_block(s, page, block);
  }

  // The common case of check_block(ptr, Use::free), inline: `block` is the start of an allocated
  // block of a page in use (not an aligned pointer inside one) in a segment the map vouches
  // for; then it is marked free (the one atomic that two racing frees decide by) and true
  // returned. False leaves everything as it was, for check_block to look again and report.
  // As there, the map vouches for the segment before anything of it is read.
  HA_ALWAYS_INLINE static bool free_plain_block(Seg* s, const uint8_t* block) {
    if (HA_UNLIKELY(SegmentMap<Config>::lookup(s) != SegmentMap<Config>::SEGMENT_START)) return false;
    P* page = s->page_of(block);
    // The bounds before the division: a racing free of a page going free may see its size 0
    // (a free page keeps its stride, Page::free_blocks: the size is what says it is free).
    const size_t bytes = page->stride();
    if (HA_UNLIKELY(!page->in_use || block < page->area || bytes == 0 || page->size() == 0 ||
                    block >= page->area + static_cast<size_t>(page->capacity.get()) * bytes))
      return false;
    // From `bytes` as read above, not the page again: it may be going free under a racing free.
    const size_t index = static_cast<size_t>(block - page->area) / bytes;
    if (HA_UNLIKELY(page->area + index * bytes != block)) return false;
    return s->block_states.set_free(static_cast<size_t>(page - s->pages), index);
  }

  // Whether `p` is the start of a block that free page `page` handed out before it went free
  // (Page::free_blocks keeps the stride; a free dedicated segment keeps its block's size).
  static bool was_block_start(const P* page, const uint8_t* p) {
    const size_t stride = page->block_stride.get();  // kept, whatever the build's guard slots
    if (stride == 0 || p < page->area) return false;
    const auto offset = static_cast<size_t>(p - page->area);
    return offset < static_cast<size_t>(page->capacity.get()) * stride && offset % stride == 0;
  }

  // Returns false when the block was already marked allocated: the free list handed out a live
  // block (reported as free-list corruption).
  static bool mark_allocated(P* page, void* block) {
    Seg* s = segment_of_page(page);
    if (HA_LIKELY(s->block_states.set_allocated(static_cast<size_t>(page - s->pages), page->index_of(block))))
      return true;
    page->report_free_list_corruption(block, block, "the free list handed out a block that is still allocated");
    return false;
  }

  // Free-fill: a block about to be handed out must still hold its fill; else it is reported
  // (write-after-free) and false returned: the caller leaks the block (marked free, on no list).
  // The block was checked in full when it left the quarantine; here only its first bytes, where
  // a stale pointer's writes land first, are checked again.
  static bool fill_intact(P* page, uint8_t* block) {
    if (HA_LIKELY(FreeFill::check_head(block, page->size()))) return true;
    Seg* s = segment_of_page(page);
    s->block_states.set_free(static_cast<size_t>(page - s->pages), page->index_of(block));
    return false;
  }

  // Canaries: where the program's bytes of live block pointer `ptr` end; nullptr, after a report
  // (overflow), when the bytes past them were overwritten.
  static const uint8_t* checked_user_end(const void* ptr) {
    auto* p = static_cast<uint8_t*>(const_cast<void*>(ptr));
    Seg* s = segment_of<Config>(p);
    P* page = s->page_of(p);
    uint8_t* start = const_cast<uint8_t*>(block_start(page, p));
    uint8_t* block_end = start + page->size();
    uint8_t* end = nullptr;
    uint8_t* bad = BlockCanary::first_bad_byte(block_end, page->size(), &end);
    if (HA_LIKELY(bad == nullptr)) return end;
    BlockFacts facts;
    facts.address = ptr;
    facts.block = start;
    facts.block_bytes = page->size();
    if (end != nullptr) {
      facts.requested_bytes = static_cast<size_t>(end - p);
      facts.requested_known = true;
    }
    facts.detail = "bytes past the requested size were overwritten";
    facts.number_name = "first bad byte at offset";
    facts.number = static_cast<size_t>(bad - p);
    report_heap_error(ReportKind::overflow, facts);
    return nullptr;
  }

 public:
  // Sized frees (free_sized, free_aligned_sized, sized and aligned operator delete): with
  // canaries the request is known, so `size` must equal it and `ptr` have `alignment` (C23
  // 7.24.3.4, C++17 [new.delete.single]); else it is reported (size-mismatch) and false returned:
  // the caller leaves the block alone. Without canaries only a size above the block's usable
  // size is caught (checked builds). Returns true when the caller may free.
  static bool sized_free_matches(void* ptr, size_t alignment, size_t size) {
    if (ptr == nullptr) return true;
    const size_t usable = live_bytes(ptr);
    if (usable == SIZE_MAX) return false;  // reported
    const bool misaligned = !is_power_of_two(alignment) || reinterpret_cast<uintptr_t>(ptr) % alignment != 0;
    if (CANARIES ? size == usable && !misaligned : size <= usable && !misaligned) return true;
    BlockFacts facts;
    facts.address = ptr;
    facts.detail = misaligned ? "the alignment given to the sized free is not the block's"
                              : "the size given to the sized free is not the size requested";
    facts.number_name = misaligned ? "alignment given" : "size given";
    facts.number = misaligned ? alignment : size;
    facts.requested_bytes = usable;
    facts.requested_known = CANARIES;
    report_heap_error(ReportKind::size_mismatch, facts);
    return false;
  }

 private:
  // An aligned address handed out inside a block keeps its distance from the block start,
  // encoded with the page's keys, in the word before it (padding the program does not own), so
  // that free can tell it from an interior pointer.
  static void record_aligned(P* page, const void* start, void* aligned) {
    void* slot = static_cast<uint8_t*>(aligned) - sizeof(uintptr_t);
    const uintptr_t distance =
        static_cast<uintptr_t>(static_cast<uint8_t*>(aligned) - static_cast<const uint8_t*>(start));
    store_link(slot, P::Codec::encode(distance, slot, page->keys));
  }
  static bool aligned_recorded(P* page, const uint8_t* start, const uint8_t* p) {
    if ((page->flags.get() & PAGE_HAS_ALIGNED) == 0 || p - start < static_cast<ptrdiff_t>(sizeof(uintptr_t)))
      return false;
    const void* slot = p - sizeof(uintptr_t);
    return P::Codec::decode(load_link(slot), slot, page->keys) == static_cast<uintptr_t>(p - start);
  }

  // The program's bytes in the live block `ptr` starts: its request with canaries or in the
  // guarded pool, else its usable size. SIZE_MAX after a report (checked builds: not a live
  // block, or its canary overwritten).
  static size_t live_bytes(const void* ptr) {
    if constexpr (SAMPLED) {
      if (GuardedPool::contains(ptr)) return GuardedPool::requested_size(ptr);
    }
    if constexpr (CHECKED) {
      if (!check_block(ptr, Use::inspect).live) return SIZE_MAX;
    }
    if constexpr (CANARIES) {
      const uint8_t* end = checked_user_end(ptr);
      return end == nullptr ? SIZE_MAX : static_cast<size_t>(end - static_cast<const uint8_t*>(ptr));
    }
    return block_usable_size(ptr);
  }

  static void* fail_enomem() {
    errno = ENOMEM;
    return nullptr;
  }
  static void* fail_einval() {
    errno = EINVAL;
    return nullptr;
  }

  // Alignments up to the small page size are served inside pages, by over-allocating; larger ones
  // get a dedicated block, mapped to fit (the waste of over-allocation would exceed the block).
  static constexpr size_t MAX_ALIGN_IN_PAGE = size_t{1} << SMALL_PAGE_SHIFT;
};

}  // namespace hardalloc
