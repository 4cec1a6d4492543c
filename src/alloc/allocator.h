// alloc: the allocator of one Config: malloc, free, calloc, realloc, aligned allocation and
// usable size, with the behaviour and errno that glibc documents. Fast paths are inline; what
// they cannot do goes to a noinline generic function.
#pragma once
#include <errno.h>

#include <cstddef>
#include <cstdint>

#include "alloc/heap.h"
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

  static size_t usable_size(const void* ptr) {
    if (ptr == nullptr) return 0;
    if constexpr (CHECKED) {
      if (!check_block(ptr, Use::inspect).live) return 0;
    }
    return block_usable_size(ptr);
  }

  static void* realloc(void* ptr, size_t size) {
    if (ptr == nullptr) return malloc(size);
    if constexpr (CHECKED) {
      if (!check_block(ptr, Use::inspect).live) {  // reported; the block is left alone
        errno = EINVAL;
        return nullptr;
      }
    }
    if (size == 0) {  // glibc: frees and returns NULL (C23 leaves it undefined)
      free(ptr);
      return nullptr;
    }
    const size_t usable = block_usable_size(ptr);  // checked above
    // Keep the block when the new size fits and would not waste more than half of it.
    if (size <= usable && size >= usable / 2) return ptr;
    if (size > usable) {
      if (void* grown = grow_dedicated(ptr, size)) return grown;
    }
    void* fresh = malloc(size);
    if (fresh == nullptr) return nullptr;  // errno set by malloc; the old block is untouched
    copy_bytes(fresh, ptr, size < usable ? size : usable);
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
    return page->area + offset - offset % page->size();
  }

  HA_NOINLINE static void* malloc_generic(size_t size, bool zero) noexcept {
    if (HA_UNLIKELY(tl_heap_done<Config>)) return late_malloc(size, zero);
    H* h = Ops::thread_heap();
    if (h == nullptr) return fail_enomem();
    if (size > LARGE_BLOCK_MAX) return dedicated_alloc(size, MIN_BLOCK_BYTES, zero);
    return heap_malloc(h, size, zero);
  }

  // An allocation by a thread whose heap was torn down (HeapOps::late_heap explains why).
  HA_NOINLINE static void* late_malloc(size_t size, bool zero) noexcept {
    if (size > LARGE_BLOCK_MAX) return dedicated_alloc(size, MIN_BLOCK_BYTES, zero);
    LockGuard guard(Ops::late_lock());
    return heap_malloc(Ops::late_heap(), size, zero);
  }

  static void* heap_malloc(H* h, size_t size, bool zero) {
    const size_t bin = bin_of(size);
    P* page = Ops::find_page(h, bin);
    if (page == nullptr) return fail_enomem();
    const bool was_zero = page->free_is_zero;
    void* block = page->pop_free();
    if constexpr (CHECKED) {
      if (HA_UNLIKELY(!mark_allocated(page, block))) return heap_malloc(h, size, zero);  // reported; leaked
    }
    if (zero) zero_bytes(block, was_zero ? sizeof(uintptr_t) : size);
    return block;
  }

  static void* dedicated_alloc(size_t size, size_t alignment, bool zero) {
    if (size > MAX_REQUEST) return fail_enomem();
    Ops::purge_if_due();
    Seg* s = Pool::acquire_dedicated(size, alignment);
    if (s == nullptr) return fail_enomem();
    P& page = s->pages[0];
    if (zero && !s->is_zero) zero_bytes(page.area, size);
    return page.area;
  }

  HA_NOINLINE static void free_generic(Seg* s, P* page, void* ptr) noexcept {
    if (s->kind == SegmentKind::dedicated) {
      Pool::release_dedicated(s);
      Ops::purge_if_due();
      return;
    }
    void* block = const_cast<uint8_t*>(block_start(page, ptr));
    H* h = tl_heap<Config>;
    H* owner = s->owner.load(std::memory_order_relaxed);
    LockGuard late;  // held when the late heap adopts the segment
    if (owner != h) {
      if (owner != nullptr || (h = Ops::try_reclaim_on_free(s, &late)) == nullptr) {
        if (page->push_thread(block)) Ops::notify_owner(page);  // took TF_FULL: tell the owner
        return;
      }
    }
    if (page->push_local(block) == 0)
      Ops::page_retire(h, page);
    else if (page->flags.get() & PAGE_IN_FULL)
      Ops::unfull(h, page);
  }

  // A large or huge block grows without a copy where it can; nullptr where it cannot.
  static void* grow_dedicated(void* ptr, size_t size) {
    Seg* s = segment_of<Config>(ptr);
    if (s->kind != SegmentKind::dedicated) return nullptr;
    Seg* grown = Pool::grow_dedicated(s, size);
    return grown == nullptr ? nullptr : grown->pages[0].area;
  }

  HA_NOINLINE static void* aligned_generic(size_t alignment, size_t size) {
    // Small alignments inside pages: a block of a class whose size is a multiple of the
    // alignment is often aligned already; otherwise over-allocate and hand out an interior
    // address (the page then frees by block start, PAGE_HAS_ALIGNED).
    // Not for a late allocation: marking the page would race with other users of the late heap.
    if (alignment <= MAX_ALIGN_IN_PAGE && size + alignment - 1 <= LARGE_BLOCK_MAX && !tl_heap_done<Config>) {
      void* p = malloc(size);
      if (p == nullptr) return nullptr;
      if ((reinterpret_cast<uintptr_t>(p) & (alignment - 1)) == 0) return p;
      free(p);
      p = malloc(size + alignment - 1);
      if (p == nullptr) return nullptr;
      void* aligned = reinterpret_cast<void*>(align_up(reinterpret_cast<uintptr_t>(p), alignment));
      if (aligned != p) {
        P* page = segment_of<Config>(p)->page_of(p);
        page->set_flags(page->flags.get() | PAGE_HAS_ALIGNED, tl_heap<Config>);
        if constexpr (CHECKED) record_aligned(page, p, aligned);
      }
      return aligned;
    }
    return dedicated_alloc(size, alignment, false);
  }

  // --- checks of the CHECKED configurations (block_states) ---

  enum class Use { free, inspect };
  struct Checked {
    bool live = false;
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
      report_heap_error(granule == SegmentMap<Config>::NONE ? ReportKind::foreign_free : ReportKind::interior_free,
                        facts);
      return {};
    }
    P* page = s->page_of(ptr);
    const auto* p = static_cast<const uint8_t*>(ptr);
    if (!page->in_use || p < page->area || p >= page->area + static_cast<size_t>(page->capacity) * page->size()) {
      report_heap_error(ReportKind::invalid_free, facts);
      return {};
    }
    const size_t index = page->index_of(p);
    const uint8_t* start = page->block_at(index);
    facts.block = start;
    facts.block_bytes = page->size();
    if (s->kind == SegmentKind::dedicated) {
      facts.requested_bytes = s->requested_bytes;
      facts.requested_known = true;
    }
    if (start != p && !aligned_recorded(page, start, p)) {
      report_heap_error(ReportKind::interior_free, facts);
      return {};
    }
    const size_t page_index = static_cast<size_t>(page - s->pages);
    const bool live = use == Use::free ? s->block_states.set_free(page_index, index)
                                       : s->block_states.is_allocated(page_index, index);
    if (!live) {
      facts.detail = use == Use::free ? "the block was freed before" : "the block was freed before this use";
      report_heap_error(ReportKind::double_free, facts);
      return {};
    }
    return {true};
  }

  HA_NOINLINE static void checked_free(void* ptr) noexcept {
    if (!check_block(ptr, Use::free).live) return;  // reported; the block is left alone
    Seg* s = segment_of<Config>(ptr);
    free_generic(s, s->page_of(ptr), ptr);
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

  static void* fail_enomem() {
    errno = ENOMEM;
    return nullptr;
  }

  // Alignments up to the small page size are served inside pages, by over-allocating; larger ones
  // get a dedicated block, mapped to fit (the waste of over-allocation would exceed the block).
  static constexpr size_t MAX_ALIGN_IN_PAGE = size_t{1} << SMALL_PAGE_SHIFT;
};

}  // namespace hardalloc
