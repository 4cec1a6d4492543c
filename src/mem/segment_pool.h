// mem: where segments come from and go back to. Page-holding segments (small, medium, large)
// and those of dedicated blocks that fit one are recycled through two free lists (by last use),
// latest deadline first, and unmapped once free for the purge delay; each list is ordered by deadline,
// so a pass touches only what it unmaps. A huge block's dedicated segment is mapped to fit it;
// freed, it waits in a small cache of such mappings (a third list) for a huge block it fits, or
// is unmapped when the cache is full, its delay passes, or the build has guard pages. When the
// OS refuses a mapping, every free segment is unmapped and the mapping tried once more. Every page-holding segment is
// also on one global list that the statistics walk under its lock.
#pragma once
#include <new>

#include "base/intrusive_list.h"
#include "base/spin_lock.h"
#include "hardening/block_canary.h"
#include "hardening/guard_protect.h"
#include "hardening/options.h"
#include "hardening/segment_map.h"
#include "mem/purge_pacing.h"
#include "mem/segment.h"
#include "mem/stat_counters.h"

namespace hardalloc {

template <class Config>
class SegmentPool {
  using Seg = Segment<Config>;

 public:
  static constexpr size_t HEADER = SEGMENT_HEADER_BYTES<Config>;
  // The checks of block_states and the guard-page fault handler look addresses up in it.
  static constexpr bool HAS_SEGMENT_MAP =
      Config::MITIGATIONS.has(Mitigation::block_states) || Config::MITIGATIONS.has(Mitigation::guard_pages);
  static constexpr size_t GUARD = PAGE_GUARD_BYTES<Config>;
  static constexpr size_t TAIL = Config::MITIGATIONS.has(Mitigation::canaries) ? BlockCanary::TAIL_BYTES : 0;

  // A free SEGMENT_BYTES segment set up for `kind` (small, medium or large), owned by `owner`.
  // `thread_id`: the owner's thread (os_thread_id), for the purge pacing.
  static Seg* acquire_paged(SegmentKind kind, Heap<Config>* owner, uint64_t thread_id) {
    Seg* s = take_free_or_map(Reuse::paged, thread_id);
    if (s == nullptr) return nullptr;
    lift_dedicated_guard(s);
    s->last_purged_mask = 0;  // purged for another owner, or by the pool: no regret of the new one's
    s->kind = kind;
    s->in_purge_queue = false;
    s->page_shift = static_cast<uint8_t>(Seg::page_shift_of(kind));
    s->page_count = static_cast<uint32_t>(SEGMENT_BYTES >> s->page_shift);
    s->used_pages = 0;
    s->used_mask = 0;
    s->unfull_mask.store(0, std::memory_order_relaxed);  // relaxed: no page in use, so no notifier
    // Pages of a reused, unpurged segment may hold old data: all of them count as committed and
    // dirty (purge_mask) until purged, so their first use does not take them for zero.
    s->purge_mask = 0;
    if (!s->is_zero) {
      s->purge_mask = s->page_count == 64 ? ~uint64_t{0} : (uint64_t{1} << s->page_count) - 1;
      s->purge_deadline_ms = now_plus_delay();
      commit(s, SEGMENT_BYTES - HEADER);
    }
    for (size_t i = 0; i < s->page_count; ++i) {
      Page<Config>& p = s->pages[i];
      p.area = s->page_start(i) + (i == 0 ? HEADER : 0);
      p.reserved = 0;
      p.set_block_size(0);
      p.in_use = false;
      p.set_flags(0, nullptr);
      p.purge_due_ms = s->purge_deadline_ms;  // read only for the pages of purge_mask
    }
    s->owner.store(owner, std::memory_order_relaxed);  // only compared by other threads
    link_all(s);
    return s;
  }

  // Returns a page-holding segment with no page in use. Its dirty pages stay in purge_mask
  // (committed) until the segment is reused or unmapped after the delay, or at `due_ms` when
  // that is sooner (see push_free).
  static void release_paged(Seg* s, uint64_t due_ms, uint64_t thread_id) {
    if (GUARD != 0 && s->kind == SegmentKind::large && s->guarded_pages != 0) {
      // Its blocks' guard slots (Page::SLOT_GUARDS) and the page's end guard, in one call.
      os_unprotect(reinterpret_cast<uint8_t*>(s) + HEADER, SEGMENT_BYTES - HEADER);
    } else {
      for (uint64_t m = s->guarded_pages; m != 0; m &= m - 1) {
        const unsigned i = lowest_bit(m);
        os_unprotect(s->page_start(i + 1) - GUARD, GUARD);
      }
    }
    s->guarded_pages = 0;
    s->released_by = thread_id;
    s->owner.store(nullptr, std::memory_order_relaxed);  // relaxed: only compared by other threads
    unlink_all(s);
    s->used_mask = 0;
    push_free(s, due_ms);
  }

  // Makes [block, block + bytes), a dedicated block of segment s, read as zero for calloc. A
  // fresh segment (is_zero) does already, and a recycled one past dirty_end (fresh, or purged
  // with MADV_DONTNEED; its last use left nothing outside its own block: purge_around). A dirty
  // range of ZERO_BY_PURGE_MIN_BYTES or more is purged rather than written, whole pages: a page
  // the last use never touched then costs no fault now, and one it did costs its fault when used
  // again, as a fresh mapping's page would (glibc serves such a calloc from a fresh mapping).
  // After a refused purge none of this holds, and every byte is written. `block` is page-aligned.
  static void zero_for_calloc(Seg* s, uint8_t* block, size_t bytes) {
    if (!os_purge_reads_zero()) {
      zero_bytes(block, bytes);
      return;
    }
    const auto offset = static_cast<size_t>(block - reinterpret_cast<uint8_t*>(s));
    if (s->is_zero || s->dirty_end <= offset) return;
    const size_t dirty = bytes < s->dirty_end - offset ? bytes : s->dirty_end - offset;
    constexpr size_t ZERO_BY_PURGE_MIN_BYTES = size_t{1} << 20;
    if (dirty < ZERO_BY_PURGE_MIN_BYTES) {
      zero_bytes(block, dirty);
      return;
    }
    const size_t whole_pages = dirty & ~(OS_PAGE_BYTES - 1);
    if (!os_purge(block, whole_pages)) zero_bytes(block, whole_pages);
    zero_bytes(block + whole_pages, dirty - whole_pages);
  }

  // A dedicated segment for one block of at least `request` bytes whose address is a multiple
  // of `alignment` (a power of two): a recycled segment when header, alignment padding and the
  // block fit one, else a mapping made to fit them. `thread_id`: the allocating thread's
  // (os_thread_id, 0 when unknown), for the purge pacing. Returns nullptr when the OS refuses or
  // the sizes overflow.
  static Seg* acquire_dedicated(size_t request, size_t alignment, uint64_t thread_id) {
    if (request > (size_t{1} << 46) || alignment > (size_t{1} << 40)) return nullptr;
    const size_t offset = alignment < SEGMENT_BYTES ? align_up(HEADER, alignment) : SEGMENT_BYTES;
    // At least one page, so that even a zero-byte block lies inside its mapping.
    const size_t block_bytes = request == 0 ? OS_PAGE_BYTES : align_up(request, OS_PAGE_BYTES);
    Seg* s;
    if (alignment > SEGMENT_BYTES) {
      s = map_new(offset + block_bytes + GUARD, alignment, SEGMENT_BYTES);  // block exactly one segment in
    } else if ((alignment > MIN_BLOCK_BYTES || request <= LARGE_BLOCK_MAX + TAIL) &&
               offset + block_bytes + GUARD <= SEGMENT_BYTES) {
      // An over-aligned block, or one of the largest large requests (whose canary's tail, TAIL,
      // takes them past LARGE_BLOCK_MAX), that fits a segment recycles one through the free
      // list, as pages do: programs that ask for such blocks ask again, and a fresh mapping each
      // time costs two system calls and its page faults. Plain huge blocks keep exact mappings.
      s = take_free_or_map(Reuse::dedicated, thread_id);
    } else {
      const size_t needed = offset + block_bytes + GUARD;
      s = take_huge(needed);
      if (s == nullptr) s = map_new(needed, SEGMENT_BYTES, 0);
    }
    if (s == nullptr) return nullptr;
    // A recycled segment: what an earlier use left committed outside this block would stay
    // resident, uncounted, for as long as the block lives.
    if (!s->is_zero) purge_around(s, offset, offset + block_bytes);
    s->kind = SegmentKind::dedicated;
    s->page_shift = static_cast<uint8_t>(Seg::page_shift_of(SegmentKind::dedicated));
    s->page_count = 1;
    s->used_mask = 1;
    s->purge_mask = 0;
    Page<Config>& p = s->pages[0];
    p.area = reinterpret_cast<uint8_t*>(s) + offset;
    p.set_block_size(block_bytes);
    p.reserved = 1;
    p.capacity.set(1);
    p.used.set(1);
    p.in_use = true;
    p.set_flags(0, nullptr);  // dedicated blocks always free through the generic path
    s->requested_bytes = request;
    if constexpr (!std::is_empty_v<BlockStatesOf<Config>>) {
      s->block_states.clear_page(0);
      s->block_states.set_allocated(0, 0);
    }
    g_stat_counters<Config>.dedicated_blocks.add(1);
    g_stat_counters<Config>.dedicated_bytes.add(block_bytes);
    g_stat_counters<Config>.page_bytes_in_use.add(block_bytes);
    commit(s, block_bytes);
    unpoison(p.area, block_bytes);
    if constexpr (GUARD != 0) {  // every layout above leaves room
      if (s->dedicated_guard != offset + block_bytes) {
        lift_dedicated_guard(s);
        protect_guard(p.area + block_bytes, GUARD);
        s->dedicated_guard = offset + block_bytes;
      }
    }
    return s;
  }

  // Grows a dedicated block to hold `request` bytes without copying: in place when its mapping
  // has room, else, for a huge block (its own mapping, block right after the header), by moving
  // the mapping. Returns the segment now holding the block, or nullptr to fall back to a copy.
  static Seg* grow_dedicated(Seg* s, size_t request) {
    // With guard pages a block does not grow in place: its guard would have to move with it.
    if (GUARD != 0 || request > (size_t{1} << 46)) return nullptr;
    const size_t block_bytes = align_up(request, OS_PAGE_BYTES);
    const size_t offset = static_cast<size_t>(s->pages[0].area - reinterpret_cast<uint8_t*>(s));
    if (offset + block_bytes > s->mapping_bytes) {
      if (offset != HEADER) return nullptr;
      const size_t old_mapping = s->mapping_bytes;
      // The old range may become someone else's mapping: no poison of ours may stay on it (a
      // mapping from the huge cache has a poisoned tail past its block).
      unpoison(s, old_mapping);
      void* moved = os_remap_aligned(s, old_mapping, HEADER + block_bytes, SEGMENT_BYTES);
      if (moved == nullptr) return nullptr;
      if constexpr (HAS_SEGMENT_MAP) {
        SegmentMap<Config>::remove(s, old_mapping);                                 // the old range is gone already
        if (!SegmentMap<Config>::add(moved, HEADER + block_bytes)) return nullptr;  // cannot fail: the map exists
      }
      s = static_cast<Seg*>(moved);
      s->mapping_bytes = HEADER + block_bytes;
      s->pages[0].area = reinterpret_cast<uint8_t*>(s) + HEADER;
      g_stat_counters<Config>.reserved_bytes.add(s->mapping_bytes);
      g_stat_counters<Config>.reserved_bytes.sub(old_mapping);
    }
    resize_dedicated(s, block_bytes);
    s->requested_bytes = request;
    return s;
  }

  // `thread_id`: the freeing thread's (os_thread_id, 0 when unknown). A thread that maps a
  // segment for a block soon after the pool unmapped one it freed regrets that purge, as for
  // pages: a program that allocates a set of large blocks, frees them and allocates them again
  // every few delays keeps their segments once the delay has grown.
  static void release_dedicated(Seg* s, uint64_t thread_id) {
    Page<Config>& p = s->pages[0];
    g_stat_counters<Config>.dedicated_blocks.sub(1);
    g_stat_counters<Config>.dedicated_bytes.sub(p.size());
    g_stat_counters<Config>.page_bytes_in_use.sub(p.size());
    p.in_use = false;
    p.used.set(0);  // block_size stays: what the free segment still has committed
    s->released_by = s->mapping_bytes == SEGMENT_BYTES ? thread_id : 0;  // a huge mapping is no segment to regret
    // A mapping made to fit a huge block waits in the huge cache (a mapping for a block aligned
    // past a segment does not: its block sits a segment in); else it goes now.
    if (s->mapping_bytes != SEGMENT_BYTES &&
        (!CACHES_HUGE || p.area - reinterpret_cast<uint8_t*>(s) >= static_cast<ptrdiff_t>(SEGMENT_BYTES))) {
      unmap(s);
      return;
    }
    poison(reinterpret_cast<uint8_t*>(s) + HEADER, s->mapping_bytes - HEADER);  // the guard stays (dedicated_guard)
    push_free(s);
  }

  // Account for memory we are about to touch or just returned.
  static void commit(Seg*, size_t bytes) { g_stat_counters<Config>.committed_bytes.add(bytes); }
  static void decommit(Seg*, size_t bytes) { g_stat_counters<Config>.committed_bytes.sub(bytes); }

  // Unmaps free segments whose delay has passed (all of them when `force`).
  static void purge_free_segments(uint64_t now_ms, bool force) {
    // relaxed: a stale deadline only delays the pass to the next call.
    if (!force && now_ms < next_free_purge_ms_.load(std::memory_order_relaxed)) return;
    IntrusiveList<Seg> due;
    {
      LockGuard guard(free_lock_);
      Seg* s;
      uint64_t next_ms = UINT64_MAX;
      for (IntrusiveList<Seg>& list : free_) {
        while ((s = list.first) != nullptr && (force || s->purge_deadline_ms <= now_ms)) {
          list.remove(s);
          if (&list == &free_[static_cast<size_t>(Reuse::huge)]) uncache_huge(s);
          due.push_back(s);
        }
        if (s != nullptr && s->purge_deadline_ms < next_ms) next_ms = s->purge_deadline_ms;
      }
      // relaxed: guarded by free_lock_ for writers; readers only use it as a hint.
      next_free_purge_ms_.store(next_ms, std::memory_order_relaxed);
    }
    if (due.first == nullptr) return;
    uint64_t unmapped = 0;
    uint64_t released_by = 0;
    while (Seg* s = due.pop_front()) {  // outside the lock: munmap is a system call
      if (s->released_by != 0) released_by = s->released_by;
      unmap(s);
      ++unmapped;
    }
    if (!force) {
      // relaxed (all three): a heuristic (purge_pacing.h); no memory is published through them.
      last_unmap_ms_.store(now_ms, std::memory_order_relaxed);
      last_unmap_released_by_.store(released_by, std::memory_order_relaxed);
      unmapped_credit_.store(unmapped, std::memory_order_relaxed);
      PurgePacing::note_purged(now_ms);
    }
  }

  // Visits every page-holding segment under the list lock (statistics).
  template <class Visit>
  static void for_each_paged(Visit&& visit) {
    LockGuard guard(all_lock_);
    for (Seg* s = all_.first; s != nullptr; s = s->all_next) visit(*s);
  }

  static uint64_t now_plus_delay() { return PurgePacing::after(os_now_ms(), PurgePacing::delay_ms()); }

  static void lock_all_for_fork() {
    free_lock_.lock();
    all_lock_.lock();
  }
  static void unlock_all_after_fork(bool child) {
    if (child) {
      free_lock_.reset_after_fork();
      all_lock_.reset_after_fork();
    } else {
      all_lock_.unlock();
      free_lock_.unlock();
    }
  }

 private:
  static void resize_dedicated(Seg* s, size_t block_bytes) {
    Page<Config>& p = s->pages[0];
    const size_t old_bytes = p.size();
    g_stat_counters<Config>.dedicated_bytes.add(block_bytes);
    g_stat_counters<Config>.dedicated_bytes.sub(old_bytes);
    g_stat_counters<Config>.page_bytes_in_use.add(block_bytes);
    g_stat_counters<Config>.page_bytes_in_use.sub(old_bytes);
    commit(s, block_bytes);
    decommit(s, old_bytes);
    p.set_block_size(block_bytes);
    unpoison(p.area, block_bytes);
  }

  static void lift_dedicated_guard(Seg* s) {
    if (s->dedicated_guard == 0) return;
    os_unprotect(reinterpret_cast<uint8_t*>(s) + s->dedicated_guard, GUARD);
    s->dedicated_guard = 0;
  }

  // Purges what a recycled segment's last use left committed (up to dirty_end, recorded by
  // taken()) outside the new block [start, end) (offsets from the segment): the padding before
  // it and everything after it, its guard page included (protected later, it must not stay
  // resident either).
  static void purge_around(Seg* s, size_t start, size_t end) {
    auto* base = reinterpret_cast<uint8_t*>(s);
    const size_t before_end = start < s->dirty_end ? start : s->dirty_end;
    if (before_end > HEADER) os_purge(base + HEADER, before_end - HEADER);
    if (s->dirty_end > end) os_purge(base + end, s->dirty_end - end);
  }

  // One past the last byte a free segment may still have committed, from its start.
  static size_t committed_end(const Seg* s) {
    if (s->kind == SegmentKind::dedicated) {
      if (s->used_mask == 0) return HEADER;
      return static_cast<size_t>(s->pages[0].area - reinterpret_cast<const uint8_t*>(s)) + s->pages[0].size();
    }
    return s->purge_mask == 0 ? HEADER : (size_t{highest_bit(s->purge_mask)} + 1) << s->page_shift;
  }

  // What a free segment still has committed besides its header.
  static size_t committed_beyond_header(const Seg* s) {
    if (s->kind == SegmentKind::dedicated) return s->used_mask != 0 ? s->pages[0].size() : 0;
    size_t bytes = 0;
    for (uint64_t m = s->purge_mask; m != 0; m &= m - 1) {
      const unsigned i = lowest_bit(m);
      bytes += (size_t{1} << s->page_shift) - (i == 0 ? HEADER : 0);
    }
    return bytes;
  }

  static Seg* map_new(size_t bytes, size_t alignment, size_t align_offset) {
    void* mem = os_map_aligned(bytes, alignment, align_offset);
    if (mem == nullptr) {
      // Free segments may be what stands in the way (an address-space limit): give them back and
      // try once more.
      purge_free_segments(0, true);
      mem = os_map_aligned(bytes, alignment, align_offset);
      if (mem == nullptr) return nullptr;
    }
    if constexpr (HAS_SEGMENT_MAP) {
      if (!SegmentMap<Config>::add(mem, bytes)) {
        os_unmap(mem, bytes);
        return nullptr;
      }
    }
    Seg* s = new (mem) Seg();  // placement new: runs the header's constructors, allocates nothing
    s->mapping_bytes = bytes;
    s->is_zero = true;
    g_stat_counters<Config>.reserved_bytes.add(bytes);
    g_stat_counters<Config>.segments.add(1);
    commit(s, HEADER);
    poison(reinterpret_cast<uint8_t*>(s) + HEADER, bytes - HEADER);
    if constexpr (GUARD != 0) protect_guard(reinterpret_cast<uint8_t*>(s) + HEADER - GUARD, GUARD);
    return s;
  }

  static void unmap(Seg* s) {
    const size_t bytes = s->mapping_bytes;
    g_stat_counters<Config>.reserved_bytes.sub(bytes);
    g_stat_counters<Config>.segments.sub(1);
    decommit(s, HEADER + committed_beyond_header(s));
    unpoison(s, bytes);  // the address range may be reused by someone else's mapping
    if constexpr (HAS_SEGMENT_MAP) SegmentMap<Config>::remove(s, bytes);
    os_unmap(s, bytes);
  }

  // Free segments are kept apart by their last use, and a use takes its own kind first: a
  // dedicated block then reuses a segment whose few touched pages lie where it needs them, and a
  // segment of pages keeps its touched pages for pages, instead of one kind purging what the
  // other touched.
  // Huge mappings (made to fit one block) wait in a third list, at most HUGE_CACHE_COUNT of them
  // and HUGE_CACHE_BYTES in all, for a huge block they fit: a program that allocates big buffers in a loop then reuses
  // warm memory instead of mapping, faulting in and unmapping each one. Not with guard pages: there a freed huge
  // block's mapping goes at once, so that any later access to it faults.
  enum class Reuse : uint8_t { paged, dedicated, huge };
  static constexpr bool CACHES_HUGE = !HAS_SEGMENT_MAP;  // no guard pages, no block states
  static constexpr uint32_t HUGE_CACHE_COUNT = 4;
  static constexpr size_t HUGE_CACHE_BYTES = 64 * MiB;
  static Reuse reuse_of(const Seg* s) {
    if (s->mapping_bytes != SEGMENT_BYTES) return Reuse::huge;
    return s->kind == SegmentKind::dedicated ? Reuse::dedicated : Reuse::paged;
  }

  // The free segment of the use `want` (else of the other) with the latest deadline, almost
  // always the most recently freed (its memory is the likeliest to be warm), with what it still has committed beyond
  // its header taken off the books; its is_zero says whether any page of it was ever touched.
  static Seg* take_free(Reuse want) {
    Seg* s;
    {
      LockGuard guard(free_lock_);
      IntrusiveList<Seg>* list = &free_[static_cast<size_t>(want)];
      if (list->last == nullptr)
        list = &free_[static_cast<size_t>(want == Reuse::paged ? Reuse::dedicated : Reuse::paged)];
      s = list->last;
      if (s == nullptr) return nullptr;
      list->remove(s);
    }
    return taken(s);
  }

  // The smallest cached huge mapping of at least `needed` bytes, taken as take_free takes a
  // segment; nullptr when none fits (or the build caches none).
  static Seg* take_huge(size_t needed) {
    if constexpr (!CACHES_HUGE) return nullptr;
    Seg* best = nullptr;
    {
      LockGuard guard(free_lock_);
      IntrusiveList<Seg>& list = free_[static_cast<size_t>(Reuse::huge)];
      for (Seg* s = list.first; s != nullptr; s = s->next) {
        // At most twice what is needed: a small block must not pin a big mapping.
        if (s->mapping_bytes >= needed && s->mapping_bytes / 2 <= needed &&
            (best == nullptr || s->mapping_bytes < best->mapping_bytes))
          best = s;
      }
      if (best == nullptr) return nullptr;
      list.remove(best);
      uncache_huge(best);
    }
    return taken(best);
  }

  // Bookkeeping of a segment just taken off a free list.
  static Seg* taken(Seg* s) {
    s->is_zero = s->purge_mask == 0 && s->used_mask == 0;  // used_mask: a dedicated block's
    s->dirty_end = committed_end(s);
    decommit(s, committed_beyond_header(s));
    s->purge_mask = 0;
    s->used_mask = 0;
    return s;
  }

  // A free SEGMENT_BYTES segment: the newest free one (of use `want` first), else a new mapping. Mapping one
  // soon after the delay unmapped one is the pool's regret (purge_pacing.h).
  // `taker`: the thread whose heap will own it, or that allocates its dedicated block (0: unknown).
  static Seg* take_free_or_map(Reuse want, uint64_t taker) {
    if (Seg* s = take_free(want)) return s;
    // relaxed (all four): a heuristic; see purge_free_segments. Each unmapped segment is one
    // credit: mapping more than the last pass unmapped is growth, not regret.
    const uint64_t credit = unmapped_credit_.load(std::memory_order_relaxed);
    if (credit != 0 && taker != 0 && taker == last_unmap_released_by_.load(std::memory_order_relaxed)) {
      unmapped_credit_.store(credit - 1, std::memory_order_relaxed);
      PurgePacing::note_reused(last_unmap_ms_.load(std::memory_order_relaxed), os_now_ms());
    }
    return map_new(SEGMENT_BYTES, SEGMENT_BYTES, 0);
  }

  // Adds a free segment to its list, which stays ordered by deadline: now plus the delay in
  // force, or `due_ms` when sooner (its free pages were waiting in a heap already: memory that
  // waited out a delay there does not wait a second one here). Its place is found
  // from the back, where a new deadline almost always belongs.
  static void push_free(Seg* s, uint64_t due_ms = UINT64_MAX) {
    if (options().purge_delay_ms == 0) {
      unmap(s);
      return;
    }
    const uint64_t deadline = now_plus_delay();
    s->purge_deadline_ms = due_ms < deadline ? due_ms : deadline;
    if (!insert_free(s, reuse_of(s))) unmap(s);  // the huge cache is full
  }

  // Inserts a free segment, its deadline set, into list `reuse`; false (and nothing done) for a huge
  // mapping the cache has no room for.
  static bool insert_free(Seg* s, Reuse reuse) {
    LockGuard guard(free_lock_);
    if (reuse == Reuse::huge) {
      if (huge_cached_ == HUGE_CACHE_COUNT || huge_cached_bytes_ + s->mapping_bytes > HUGE_CACHE_BYTES) return false;
      ++huge_cached_;
      huge_cached_bytes_ += s->mapping_bytes;
    }
    insert_by_deadline(free_[static_cast<size_t>(reuse)], s);
    // relaxed: written under free_lock_; readers only use it as a hint.
    if (s->purge_deadline_ms < next_free_purge_ms_.load(std::memory_order_relaxed)) {
      next_free_purge_ms_.store(s->purge_deadline_ms, std::memory_order_relaxed);  // relaxed: as above
    }
    return true;
  }

  static void link_all(Seg* s) {
    LockGuard guard(all_lock_);
    all_.push_front(s);
  }

  static void unlink_all(Seg* s) {
    LockGuard guard(all_lock_);
    all_.remove(s);
  }

  static inline SpinLock free_lock_;
  static inline IntrusiveList<Seg> free_[3];  // indexed by Reuse; each ordered by deadline
  // What free_[huge] holds (guarded by free_lock_).
  static inline uint32_t huge_cached_ = 0;
  static inline size_t huge_cached_bytes_ = 0;
  static void uncache_huge(const Seg* s) {
    --huge_cached_;
    huge_cached_bytes_ -= s->mapping_bytes;
  }
  static inline std::atomic<uint64_t> next_free_purge_ms_{UINT64_MAX};
  static inline std::atomic<uint64_t> last_unmap_ms_{0};    // the last unmapping pass that was not forced
  static inline std::atomic<uint64_t> unmapped_credit_{0};  // what it unmapped, less the mappings since
  // The thread that released a segment that pass unmapped: mapping anew is regret only for that
  // thread (a new thread mapping what an exited one left is growth, not regret).
  static inline std::atomic<uint64_t> last_unmap_released_by_{0};
  static inline SpinLock all_lock_;
  static inline IntrusiveList<Seg, &Seg::all_next, &Seg::all_prev> all_;
};

}  // namespace hardalloc
