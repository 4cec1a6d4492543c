// alloc: the thread heap. One per thread and allocator instantiation; it owns pages (in one
// queue per size class, plus a queue of full pages), the segments those pages live in, and a
// direct table from small request sizes to a page with free blocks.
//
// The full-page protocol. A page whose lists are all empty moves to the `full` queue so that
// allocation never scans it. A thread freeing into it pushes on thread_free and must make the
// owner look again. Both sides act on the one word thread_free (page.h), so a single
// modification order decides, with no fence:
//   owner:  mark_full: CAS TF_FULL in, unless blocks are pending  -> pending: un-full now
//   freer:  push CAS; if TF_FULL was set, take it and set TF_NOTIFYING in the same CAS, then
//           set the page's bit in its segment's unfull_mask, hint the page's heap and clear
//           TF_NOTIFYING
// Exactly one freer per full episode notifies. The owner takes the hint (`unfull_hint`) with an
// acquire exchange and visits only the pages whose bit it takes from its segments' masks
// (mimalloc visits only the pages that received a delayed free; a mask bit, unlike a link in a
// list, may be set twice without harm). The owner waits out TF_NOTIFYING before it frees a page
// or changes its heap, so the hint always goes to the current owner and no freer reads a page
// that may be unmapped. Heaps are never unmapped.
//
// Purging: a heap's segments with free but committed pages wait in its purge queue, ordered by
// deadline (the delay is one constant), and each pass takes only those that are due: O(what it
// purges). Free segments wait likewise in the pool, which unmaps them when due.
//
// Thread exit abandons the heap's segments that still hold live blocks; a live thread adopts
// one (reclaim) when it has no free page of that kind (in its slow path, or when it frees into
// one), when it frees the last block live at abandon, or once the segment has waited the purge
// delay (wants_segment, adopt_stale).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>

#include "base/debug_assert.h"
#include "base/intrusive_list.h"
#include "base/spin_lock.h"
#include "hardening/block_canary.h"
#include "hardening/guard_protect.h"
#include "hardening/options.h"
#include "hardening/quarantine.h"
#include "hardening/sampler.h"
#include "mem/page.h"
#include "mem/segment.h"
#include "mem/segment_pool.h"
#include "mem/size_class.h"
#include "mem/stat_counters.h"
#include "os/os.h"

namespace hardalloc {

template <class Config>
using PageQueue = IntrusiveList<Page<Config>>;
template <class Config>
using SegmentList = IntrusiveList<Segment<Config>>;

// Never written: the fast path of a heap reads its `free` list, finds it empty and takes the
// slow path. It lets the fast path skip a null check.
template <class Config>
constinit inline Page<Config> g_empty_page{};

template <class Config>
using QuarantineOf = std::conditional_t<Config::MITIGATIONS.has(Mitigation::quarantine), Quarantine, NoQuarantine>;
template <class Config>
using SamplerOf = std::conditional_t<Config::MITIGATIONS.has(Mitigation::guarded_sampling), Sampler, NoSampler>;

template <class Config>
struct Heap {
  // Fast path: direct[(size + 15) / 16] is the first page of that size's class, or the empty page.
  Page<Config>* direct[DIRECT_COUNT];
  PageQueue<Config> queues[BIN_COUNT];
  PageQueue<Config> full;
  // Owned segments with at least one free page come first in each list; indexed by PageKind.
  SegmentList<Config> segments[PAGE_KIND_COUNT];
  IntrusiveList<Segment<Config>, &Segment<Config>::purge_next, &Segment<Config>::purge_prev> purge_queue;
  // Set by a remote freer that took TF_FULL of one of our pages, after it set the page's bit in
  // its segment's unfull_mask (release); taken by the owner's slow path (acquire exchange).
  std::atomic<bool> unfull_hint{false};
  uint64_t next_purge_ms = UINT64_MAX;
  uint32_t purge_check_count = 0;  // slow paths, freed pages and adoptions (purge_check, retire_check)
  uint64_t next_upkeep_ms = 0;     // retire_check walks the pages again from then on
  // Held by the owner while a list of remote frees is in flight (taken from a page's
  // thread_free, not yet in its local_free); the fork prepare handler takes every live heap's,
  // so no fork copies a list that only a thread the child lacks knows about.
  SpinLock collect_lock;
  uint64_t random_state = 0;
  // The owning thread's os_thread_id (0 for the late heap): heaps are recycled, threads are not.
  uint64_t thread_id = 0;
  // In the live list or the free list of heaps (HeapOps, heap_pool_lock_).
  Heap* pool_next = nullptr;
  Heap* pool_prev = nullptr;
  [[no_unique_address]] QuarantineOf<Config> quarantine;  // owner thread only
  [[no_unique_address]] SamplerOf<Config> sampler;        // owner thread only; never fires in g_empty_heap

  constexpr Heap() {
    for (auto& d : direct) d = &g_empty_page<Config>;
  }

  uint64_t next_random() { return splitmix64_next(random_state); }  // free-list keys, carve order
};

// The heap every thread starts with: all its pages are the empty page, so its first malloc
// takes the slow path, which gives the thread a real heap.
template <class Config>
constinit inline Heap<Config> g_empty_heap{};

template <class Config>
constinit inline thread_local Heap<Config>* tl_heap __attribute__((tls_model("initial-exec"))) = &g_empty_heap<Config>;

// Set once a thread's heap is torn down, so that frees during later thread-exit destructors do
// not adopt segments into a heap that is going away.
template <class Config>
constinit inline thread_local bool tl_heap_done __attribute__((tls_model("initial-exec"))) = false;

template <class Config>
class HeapOps {
  using H = Heap<Config>;
  using P = Page<Config>;
  using Seg = Segment<Config>;
  using Pool = SegmentPool<Config>;

 public:
  static constexpr size_t GUARD = PAGE_GUARD_BYTES<Config>;
  static constexpr bool QUARANTINE = Config::MITIGATIONS.has(Mitigation::quarantine);
  static constexpr bool RELEASE_LARGE_AT_ONCE = !Config::MITIGATIONS.has(Mitigation::block_states);

  // The guard at the end of page `index`'s area: every guard_page_interval-th page (counting
  // from 0) of a small or medium segment; a large segment's one page always ends in one.
  static size_t guard_bytes(const Seg* s, size_t index) {
    if constexpr (GUARD == 0) return 0;
    const uint64_t interval = options().guard_page_interval;
    return s->kind == SegmentKind::large || (interval != 0 && index % interval == 0) ? GUARD : 0;
  }

  // The guard slot after each block of a page of segment `s` (Page::SLOT_GUARDS): large pages
  // only, whose blocks are whole OS pages, so a slot starts on a page boundary.
  static_assert([] {
    for (size_t bin = bin_of(MEDIUM_BLOCK_MAX) + 1; bin < BIN_COUNT; ++bin) {
      if (bin_block_size(bin) % OS_PAGE_BYTES != 0) return false;
    }
    return true;
  }());
  static size_t slot_guard_bytes(const Seg* s) {
    if constexpr (GUARD == 0) return 0;
    return s->kind == SegmentKind::large ? GUARD : 0;
  }

  // The calling thread's heap, created on first use; nullptr only when out of memory. Not for a
  // thread whose heap was torn down (tl_heap_done): see late_heap().
  static H* thread_heap() {
    H* h = tl_heap<Config>;
    if (HA_LIKELY(h != &g_empty_heap<Config>)) return h;
    return heap_init();
  }

  // A page of `bin` with a free block, or nullptr when out of memory.
  static P* find_page(H* h, size_t bin) {
    // relaxed: a filter; collect_unfull's acquire exchange does the synchronising.
    if (h->unfull_hint.load(std::memory_order_relaxed)) collect_unfull(h);
    purge_check(h);
    if (P* p = page_with_free_block(h, bin)) return p;
    return adopt_or_alloc_page(h, bin);
  }

  // find_page's part when the class queue has no page to give (out of line: the usual slow path,
  // a refill from a page's freed blocks, must not pay its register saves). Adopting abandoned
  // segments may bring pages of this class (wants_segment says when it may); a bounded number
  // per call keeps one malloc from adopting every segment that exited threads left.
  HA_NOINLINE static P* adopt_or_alloc_page(H* h, size_t bin) {
    const SegmentKind kind = segment_kind_of(page_kind_of_bin(bin));
    // relaxed: a hint; reclaim_one reads the list under its lock.
    for (int adopted = 0; adopted < MAX_ADOPTIONS_PER_CALL && abandoned_count_.load(std::memory_order_relaxed) != 0 &&
                          h != &late_heap_ && wants_segment(h, kind) && reclaim_one(h, kind);
         ++adopted) {
      if (P* p = page_with_free_block(h, bin)) return p;
    }
    P* p = page_alloc(h, bin);
    if (p == nullptr) return nullptr;
    h->queues[bin].push_front(p);
    update_direct(h, bin);
    p->extend(carve_random(h));
    return p;
  }

  // Called when the owner's free left `p` with no live block. Out of line: free's fast path
  // must not pay its register saves.
  HA_NOINLINE static void page_retire(H* h, P* p) noexcept {
    // relaxed: the owner reads what it stored itself.
    HA_DEBUG_ASSERT(segment_of_page(p)->owner.load(std::memory_order_relaxed) == h,
                    "a page reached by free's fast path belongs to the freeing thread's heap");
    if (p->flags.get() & PAGE_IN_FULL) {
      h->full.remove(p);
    } else {
      PageQueue<Config>& q = h->queues[p->bin];
      if (keeps_empty_page(h, p)) return;
      q.remove(p);
      update_direct(h, p->bin);
    }
    page_free(h, p);
    retire_check(h);
  }

  // Whether the heap keeps `p`, just emptied, in its queue, and if so, when it goes: the only
  // page of a class is kept, so that a malloc/free loop does not take and return a page each
  // time; the next purge pass frees it if it is still empty then. A large page is a whole
  // segment: it goes back to the pool at once, where the next large block of any class takes it
  // while its memory is still warm (not with block_states, whose double-free check needs the
  // page until the quarantine keeps freed blocks itself).
  static bool keeps_empty_page(H* h, P* p) {
    const PageQueue<Config>& q = h->queues[p->bin];
    if (q.first != p || q.last != p || h == &late_heap_ ||
        (RELEASE_LARGE_AT_ONCE && page_kind_of_bin(p->bin) == PageKind::large))
      return false;
    const uint64_t deadline = Pool::now_plus_delay();
    p->purge_due_ms = deadline;
    if (deadline < h->next_purge_ms) h->next_purge_ms = deadline;
    return true;
  }

  // Every PURGE_CHECK_INTERVAL-th slow path: purges what has expired and adopts a segment
  // abandoned longer than the purge delay (adopt_stale).
  static void purge_check(H* h) {
    if (HA_UNLIKELY(++h->purge_check_count % PURGE_CHECK_INTERVAL == 0)) upkeep(h);
  }
  // Its rare part, out of line so that the usual slow path does not pay its register saves.
  HA_NOINLINE static void upkeep(H* h) { expire(h, os_now_ms()); }
  // What every upkeep (purge_check, retire_check) does at `now_ms`: purges what has expired and
  // adopts a segment abandoned longer than the purge delay.
  static void expire(H* h, uint64_t now_ms) {
    purge_expired(h, now_ms, false);
    adopt_stale(h, now_ms);
  }
  // Whether abandoned segment `s` has waited the purge delay at `now_ms`.
  static bool waited_purge_delay(const Seg* s, uint64_t now_ms) {
    // relaxed: a hint, see Segment::abandoned_live (adopt_stale reads it under the list's lock).
    return now_ms >= s->abandoned_until_ms.load(std::memory_order_relaxed);
  }

  // Adopts the segment abandoned longest if it has waited the purge delay (abandoned_until_ms):
  // one per upkeep (purge_check, retire_check) or collect. A segment that no thread frees into
  // again and none runs out of pages for would otherwise keep its remote frees uncollected and
  // its memory for good (abandoned_live stays high when remote frees raced the abandon).
  static void adopt_stale(H* h, uint64_t now_ms) {
    // relaxed: a hint; the list is read under its lock.
    if (h == &late_heap_ || abandoned_count_.load(std::memory_order_relaxed) == 0) return;
    Seg* s;
    {
      LockGuard guard(abandoned_lock_);
      s = abandoned_.last;  // push_abandoned pushes at the front
      if (s == nullptr || !waited_purge_delay(s, now_ms)) return;
      unlink_abandoned(s);
    }
    adopt(h, s);
  }

  // The free path's part of the slow path, every PURGE_CHECK_INTERVAL-th page it frees or
  // segment it adopts by freeing into it (a kept page does not count: a malloc/free loop keeps
  // its page and must not pay for this). A thread that only frees (a consumer, often one that
  // adopted exited threads' segments by freeing into them) never reaches find_page, yet other
  // threads free into its pages: their frees must be collected and its empty, kept and dirty
  // pages given back, or its segments grow without bound. The walk over the heap's pages runs at
  // most once per UPKEEP_INTERVAL_MS, so a heap of many pages freeing large blocks does not scan
  // them all every few frees. (Not the late heap's: it keeps no page, its threads are exiting.)
  static void retire_check(H* h) {
    if (h == &late_heap_ || ++h->purge_check_count % PURGE_CHECK_INTERVAL != 0) return;
    const uint64_t now_ms = os_now_ms();
    if (now_ms >= h->next_upkeep_ms) {
      h->next_upkeep_ms = now_ms + UPKEEP_INTERVAL_MS;
      collect_all_pages(h, Keep::only_pages);
    }
    expire(h, now_ms);
  }

  // Gives a block back to its page: `block` is a block start (or a dedicated block) that the
  // program freed and every check passed. The calling thread's own pages take it on local_free;
  // other threads' pages on thread_free; an abandoned segment's page is adopted first when the
  // thread should take the segment (wants_segment), else goes on its thread_free.
  static void release_block(Seg* s, P* page, void* block) {
    if (s->kind == SegmentKind::dedicated) {
      Pool::release_dedicated(s, tl_heap<Config>->thread_id);
      purge_if_due();
      return;
    }
    H* h = tl_heap<Config>;
    H* owner = s->owner.load(std::memory_order_relaxed);  // relaxed: only compared with our heap
    LockGuard late;                                       // held when the late heap adopts the segment
    bool adopted = false;
    if (owner != h) {
      if (owner != nullptr || (h = try_reclaim_on_free(s, &late)) == nullptr) {
        if (page->push_thread(block)) notify_owner(page);  // took TF_FULL: tell the owner
        return;
      }
      adopted = true;
    }
    if (page->push_local(block) == 0)
      page_retire(h, page);
    else if (page->flags.get() & PAGE_IN_FULL)
      unfull(h, page);
    // A consumer grows only by adopting: its adoptions count towards its upkeep too, since other
    // threads' frees into the pages it adopted need not empty any page by its own frees.
    if (adopted) retire_check(h);
  }

  // Mitigation::quarantine: a freed block (checked, marked free, filled) waits in the calling
  // thread's quarantine; what leaves it is released. A thread whose heap is gone, or that cannot
  // get one, releases at once.
  static void quarantine_block(Seg* s, P* page, void* block) {
    H* h = tl_heap_done<Config> ? nullptr : thread_heap();
    if (h == nullptr) {
      release_block(s, page, block);
      return;
    }
    h->quarantine.push(block, page->size(), &release_quarantined);
  }

  // The owner freed into a page of its full queue that still has live blocks (or collected
  // remote frees into it). The page goes to the back of its class queue, as in mimalloc: with one
  // free block at the front it would serve one malloc and return to the full queue, and a
  // program freeing at random would pay that round trip per free; at the back it gathers frees
  // until allocation comes round to it.
  static void unfull(H* h, P* p) {
    // relaxed: the owner reads what it stored itself.
    HA_DEBUG_ASSERT(segment_of_page(p)->owner.load(std::memory_order_relaxed) == h, "only the owner unfulls a page");
    h->full.remove(p);
    p->set_flags(p->flags.get() & ~PAGE_IN_FULL, h);
    p->clear_full();
    PageQueue<Config>& q = h->queues[p->bin];
    q.push_back(p);
    if (q.first == p) update_direct(h, p->bin);  // the fast path points at a queue's first page
  }

  // Another thread took TF_FULL of `p` with its push: make the page's owner look. The page's heap
  // cannot change while we hold TF_NOTIFYING.
  static void notify_owner(P* p) {
    // acquire: pairs with the release store in init_page/adopt, so the heap we write into is seen
    // as its owner set it up (also implied by the push CAS that acquired mark_full's release).
    H* owner = p->heap.load(std::memory_order_acquire);
    if (owner != nullptr) {
      Seg* s = segment_of_page(p);
      // release (both): whoever takes the bit (collect_unfull's acquire exchange) sees our push
      // on thread_free; whoever takes the hint sees the bit.
      s->unfull_mask.fetch_or(uint64_t{1} << (p - s->pages), std::memory_order_release);
      owner->unfull_hint.store(true, std::memory_order_release);
    }
    p->end_notify();
  }

  // Adopts an abandoned segment the calling thread is freeing into. Returns nullptr when another
  // thread adopted it first, this thread cannot own segments now, or its heap does not want the
  // segment yet (wants_segment; then the block goes on its page's thread_free, collected when the
  // segment is adopted); else the heap that adopted it: the thread's own, or, for a thread whose
  // heap was torn down, the late heap, whose lock the caller then holds through `late` until its
  // free is done (so that exiting threads' frees empty the segments they abandoned).
  static H* try_reclaim_on_free(Seg* s, LockGuard* late) {
    if (!options().reclaim_on_free) return nullptr;
    H* h;
    if (tl_heap_done<Config>) {
      late->lock(late_lock_);
      h = late_heap();
    } else {
      h = thread_heap();  // a thread that only frees gets a heap here
      const bool adopt_now =
          h != nullptr && (wants_segment(h, s->kind) || frees_empty(s) || waited_purge_delay(s, os_now_ms()));
      if (!adopt_now) return nullptr;
    }
    {
      LockGuard guard(abandoned_lock_);
      if (!s->abandoned) return nullptr;
      unlink_abandoned(s);
    }
    adopt(h, s);
    return h;
  }

  // Runs the purge pass of the calling thread's heap (or of the free segments, for a thread
  // without a heap) if one is due; for slow paths that do not go through find_page.
  static void purge_if_due() {
    H* h = tl_heap<Config>;
    const uint64_t now_ms = os_now_ms();
    if (h != &g_empty_heap<Config>)
      purge_expired(h, now_ms, false);
    else
      Pool::purge_free_segments(now_ms, false);
  }

  // Returns free memory the heap holds: collects thread frees into every page, frees empty pages
  // and, with force (or once their delay has passed), purges free pages and segments. With force
  // it first adopts every segment exited threads left (as mimalloc's forced collect does), so
  // that their remote frees are collected and their empty pages freed now.
  // A forced collect also restarts the heap's upkeep schedule: the count of slow paths starts
  // from zero and the next due check walks the pages whatever the clock, so what follows it does
  // not depend on how many slow paths came before (in-process fuzzing's reset relies on this).
  static void collect(H* h, bool force) {
    if constexpr (QUARANTINE) h->quarantine.flush(&release_quarantined);
    if (force && h != &late_heap_) {
      while (reclaim_one(h, std::nullopt)) {
      }
      h->purge_check_count = 0;
      h->next_upkeep_ms = 0;
    } else {
      adopt_stale(h, os_now_ms());
    }
    collect_all_pages(h);
    purge_expired(h, os_now_ms(), force);
  }

  // Purges free pages (and free segments) whose purge delay has passed, or all with force.
  static void purge_expired(H* h, uint64_t now_ms, bool force) {
    if (force || now_ms >= h->next_purge_ms) {
      free_kept_pages(h);
      Seg* s;
      while ((s = h->purge_queue.first) != nullptr && (force || s->purge_deadline_ms <= now_ms)) {
        purge_free_pages(h, s, now_ms, force);
      }
      h->next_purge_ms = s != nullptr ? s->purge_deadline_ms : UINT64_MAX;
    }
    Pool::purge_free_segments(now_ms, force);
  }

  // Once per process: options, the fork handlers and the thread-exit key. Returns false when
  // the platform is not what this build assumes.
  static bool process_init() {
    // acquire: pairs with init_process's release; a thread that sees READY also sees exit_key_
    // (seed 002's lazy-global race).
    if (HA_LIKELY(process_state_.load(std::memory_order_acquire) == READY)) return true;
    // Not a lock of ours: a fork while another thread is in here would leave it held in the
    // child. os_once runs init_process again in such a child.
    os_once(&process_once_, &init_process);
    // acquire: as above, for the thread that ran init_process.
    return process_state_.load(std::memory_order_acquire) == READY;
  }

  // Visits every abandoned segment under the abandoned-list lock (ha_check_heap).
  template <class Visit>
  static void for_each_abandoned(Visit&& visit) {
    LockGuard guard(abandoned_lock_);
    for (Seg* s = abandoned_.first; s != nullptr; s = s->next) visit(s);
  }

  // After a thread's heap is torn down, glibc may still run thread-specific-data destructors
  // that allocate, for up to four rounds; a heap made for them could outlive the last round that
  // would tear it down. Their allocations share this one heap instead, under late_lock():
  // every free into it is a remote free (such a thread's tl_heap is the empty heap), collected
  // when it next allocates, so what it holds stays bounded. It adopts a segment only when such a
  // thread frees into one that is abandoned, and keeps no empty page.
  static H* late_heap() {
    if (late_heap_.random_state == 0) os_random_bytes(&late_heap_.random_state, sizeof(late_heap_.random_state));
    return &late_heap_;
  }
  static SpinLock& late_lock() { return late_lock_; }

  // fork: no allocator lock may be held across fork(), so the prepare handler takes them all,
  // the late heap's first (it is the one that nests). Process init and the options hold no lock
  // of ours: both run through os_once (pthread_once), which a fork child whose parent forked
  // while another thread was inside runs again. (Registered after the options are read, these
  // handlers also run before the log sink's.)
  static void lock_all_for_fork() {
    late_lock_.lock();
    heap_pool_lock_.lock();
    abandoned_lock_.lock();
    // Every live heap's collect lock: their owners hold it only around a collection and take no
    // other lock inside it.
    for (H* h = live_heaps_.first; h != nullptr; h = h->pool_next) h->collect_lock.lock();
    late_heap_.collect_lock.lock();
    Pool::lock_all_for_fork();
  }
  static void unlock_all_after_fork(bool child) {
    Pool::unlock_all_after_fork(child);
    auto release = [child](SpinLock& lock) { child ? lock.reset_after_fork() : lock.unlock(); };
    for (H* h = live_heaps_.first; h != nullptr; h = h->pool_next) release(h->collect_lock);
    release(late_heap_.collect_lock);
    if (child) {
      abandoned_lock_.reset_after_fork();
      heap_pool_lock_.reset_after_fork();
      late_lock_.reset_after_fork();
      fork_handlers_registered_ = true;  // they ran, so a rerun of init_process must not add more
      orphan_other_heaps_after_fork();
    } else {
      abandoned_lock_.unlock();
      heap_pool_lock_.unlock();
      late_lock_.unlock();
    }
  }

 private:
  // Runs once (os_once), and again in a fork child whose parent forked while it ran; each step
  // tolerates that. The options come first, so that no fork handler of ours can run while their
  // lock is held before they are ready (lock_all_for_fork).
  static void init_process() {
    const Options& o = options();
    if (!fork_handlers_registered_) {
      os_register_fork_handlers(
          &lock_all_for_fork, [] { unlock_all_after_fork(false); }, [] { unlock_all_after_fork(true); });
      fork_handlers_registered_ = true;
    }
    if (!os_page_size_matches() || !os_thread_key_create(&exit_key_, &thread_exit)) return;
    // Drawn again by a rerun in a fork child: no block of this Config exists before READY.
    if constexpr (Config::MITIGATIONS.has(Mitigation::canaries)) BlockCanary::init_secret();
    if constexpr (Config::MITIGATIONS.has(Mitigation::free_fill)) FreeFill::init(o.zero_on_free);
    // release: publishes exit_key_ and the secrets.
    process_state_.store(READY, std::memory_order_release);
  }

  static size_t page_area_bytes(const Seg* s, size_t index) {
    return (size_t{1} << s->page_shift) - (index == 0 ? Pool::HEADER : 0);
  }

  // A block leaving the quarantine must still hold its fill (free_fill): this catches a write
  // after free into blocks of every size, huge ones included; a written one is leaked.
  static void release_quarantined(Quarantine::Entry e) {
    if constexpr (Config::MITIGATIONS.has(Mitigation::free_fill)) {
      if (!FreeFill::check(e.block, e.bytes)) return;  // reported
    }
    Seg* s = segment_of<Config>(e.block);
    release_block(s, s->page_of(e.block), e.block);
  }

  // Randomness for the order of freshly carved blocks (Mitigation::quarantine), else none.
  static uint64_t carve_random(H* h) {
    if constexpr (Config::MITIGATIONS.has(Mitigation::quarantine)) return h->next_random();
    return 0;
  }

  // True when the fast path already reaches `p` for this class (or has no entry for it).
  static bool direct_points_at(const H* h, size_t bin, const P* p) {
    const size_t block = bin_block_size(bin);
    return block > DIRECT_MAX_BYTES || h->direct[block / 16] == p;
  }

  static void update_direct(H* h, size_t bin) {
    const size_t block = bin_block_size(bin);
    if (block > DIRECT_MAX_BYTES) return;
    P* page = h->queues[bin].first != nullptr ? h->queues[bin].first : &g_empty_page<Config>;
    const size_t lo = bin == 0 ? 0 : bin_block_size(bin - 1) / 16 + 1;
    for (size_t i = lo; i <= block / 16; ++i) h->direct[i] = page;
  }

  // A page's remote frees into its local_free, under the heap's collect_lock (Heap::collect_lock;
  // uncontended but for a fork), taken only when there is a list to take.
  static void collect_remote_frees(H* h, P* p) {
    if (!p->has_thread_free()) return;
    LockGuard guard(h->collect_lock);
    p->collect_thread_free();
  }
  // Fills an empty `free` with the blocks freed into `p`, by its owner or by other threads.
  static void reuse_freed(H* h, P* p) {
    collect_remote_frees(h, p);
    p->reuse_local_free();
  }

  // Scans the class queue for a page with a free block, as mimalloc does. A page with freed
  // blocks is taken at once. A page that could only carve fresh blocks is remembered and taken
  // when none of the next MAX_SEARCH_PAST_EXPANDABLE pages has freed blocks: memory already
  // touched is reused before fresh memory is (the queue's back holds the pages unfull put there).
  // Pages with nothing to give move to the full queue on the way, so each page is looked at once
  // per time it fills up.
  HA_ALWAYS_INLINE static P* page_with_free_block(H* h, size_t bin) {
    P* expandable = nullptr;
    size_t searched_past_expandable = 0;
    for (P* p = h->queues[bin].first; p != nullptr;) {
      P* next = p->next;
      if (p->free == nullptr) reuse_freed(h, p);
      if (p->free != nullptr) return to_front(h, bin, p);
      if (p->can_extend()) {
        if (expandable == nullptr) expandable = p;
      } else if (move_to_full(h, p)) {  // remote frees came in after all
        reuse_freed(h, p);
        return to_front(h, bin, p);
      }
      if (expandable != nullptr && ++searched_past_expandable > MAX_SEARCH_PAST_EXPANDABLE) break;
      p = next;
    }
    if (expandable == nullptr) return nullptr;
    expandable->extend(carve_random(h));
    return to_front(h, bin, expandable);
  }

  // Makes `p`, a page of class `bin` with a free block, the first of its queue, where malloc's
  // fast path (the direct table) and the next slow path look first.
  static P* to_front(H* h, size_t bin, P* p) {
    PageQueue<Config>& q = h->queues[bin];
    if (p != q.first) {
      q.remove(p);
      q.push_front(p);
    }
    if (!direct_points_at(h, bin, p)) update_direct(h, bin);
    return p;
  }

  // Moves a page with no free block to the full queue; returns true instead when remote frees
  // are pending, so the caller's refill collects them.
  static bool move_to_full(H* h, P* p) {
    if (!p->mark_full()) return true;
    h->queues[p->bin].remove(p);
    h->full.push_front(p);
    p->set_flags(p->flags.get() | PAGE_IN_FULL, h);
    // The fast path never points at a page outside its class queue: a full page may be freed
    // and reused for another class (or unmapped) before this class finds a page again.
    update_direct(h, p->bin);
    return false;
  }

  // Un-fulls the pages whose full episode a remote free ended: it visits the heap's segments
  // and, in each, only the pages whose unfull_mask bit it takes, not the whole full queue. A bit
  // may be stale (the page was un-fulled by its owner's own free since, or freed): the page is
  // un-fulled only if it is still in the full queue with remote frees pending.
  static void collect_unfull(H* h) {
    // acquire: pairs with notify_owner's release of the hint, making the bits set before it visible.
    if (!h->unfull_hint.exchange(false, std::memory_order_acquire)) return;
    for (SegmentList<Config>& list : h->segments) {
      for (Seg* s = list.first; s != nullptr; s = s->next) {
        // relaxed: a filter; the exchange below does the synchronising.
        if (s->unfull_mask.load(std::memory_order_relaxed) == 0) continue;
        // acquire: pairs with notify_owner's release fetch_or, making the push behind each bit visible.
        for (uint64_t m = s->unfull_mask.exchange(0, std::memory_order_acquire); m != 0; m &= m - 1) {
          P* p = &s->pages[lowest_bit(m)];
          if (p->in_use && (p->flags.get() & PAGE_IN_FULL) && p->has_thread_free()) unfull(h, p);
        }
      }
    }
  }

  static P* page_alloc(H* h, size_t bin) {
    const PageKind kind = page_kind_of_bin(bin);
    SegmentList<Config>& list = h->segments[static_cast<size_t>(kind)];
    Seg* s = segment_with_free_page(list);
    if (s == nullptr) {
      s = Pool::acquire_paged(segment_kind_of(kind), h, h->thread_id);
      if (s == nullptr) return nullptr;
      list.push_front(s);
      if (s->purge_mask != 0) enter_purge_queue(h, s, s->purge_deadline_ms);  // a reused segment's pages may be dirty
    }
    const uint64_t all = s->page_count == 64 ? ~uint64_t{0} : (uint64_t{1} << s->page_count) - 1;
    // Prefer a page whose memory is still committed (not yet purged): reusing it costs no page
    // faults, and it will not be purged while in use.
    const uint64_t free_pages = ~s->used_mask & all;
    const uint64_t dirty_pages = free_pages & s->purge_mask;
    const size_t index = lowest_bit(dirty_pages != 0 ? dirty_pages : free_pages);
    P* p = &s->pages[index];
    init_page(h, s, index, bin);
    if (s->used_pages == s->page_count) {  // full segments go last, so `first` has free pages
      list.remove(s);
      list.push_back(s);
    }
    purge_expired(h, os_now_ms(), false);
    return p;
  }

  static bool has_free_page(const Seg* s) { return s != nullptr && s->used_pages < s->page_count; }

  // Whether `h` should adopt an abandoned segment of `kind` it meets: only when its own segments
  // of that kind have no free page, as mimalloc reclaims only when its segments have no room;
  // then the segment's free pages serve as well as a fresh segment's, and its pages with free
  // blocks better. Adopting every segment a thread meets (each class that missed, each segment
  // it freed into) spread a short-lived thread's blocks over every segment it took, about 8 per
  // thread in bench_thread_churn and 17 in bench_churn_transfers; each then stayed alive holding
  // a few blocks, its free pages dirty (peak RSS 2.7x and 3.5x mimalloc's). A thread freeing
  // into a segment adopts it all the same when its free is the segment's last (frees_empty), so
  // that a segment whose blocks were all freed goes back, or when the segment has waited the
  // purge delay (abandoned_until_ms); so does the next upkeep of any thread (adopt_stale), so
  // that the frees into it do not wait for ever.
  static bool wants_segment(const H* h, SegmentKind kind) {
    return !has_free_page(h->segments[static_cast<size_t>(kind)].first);
  }
  // Counts a free into abandoned segment `s`; true when it was the last of the blocks live at
  // abandon (abandoned_live).
  static bool frees_empty(Seg* s) {
    // relaxed: a heuristic, see Segment::abandoned_live; adoption itself takes the list's lock.
    return s->abandoned_live.fetch_sub(1, std::memory_order_relaxed) == 1;
  }

  // The segment of `list` to take a free page from: among the first MAX_SEGMENT_SEARCH, the
  // first with a free page whose memory is still committed, else the first with any free page
  // (segments with none are at the back); nullptr when no segment has one. Committing a purged
  // page while another segment's free page waits, committed, for its purge would fault in
  // memory for nothing, and tell the purge pacing the delay is too short when it is not.
  static Seg* segment_with_free_page(const SegmentList<Config>& list) {
    size_t searched = 0;
    for (Seg* s = list.first; has_free_page(s) && searched < MAX_SEGMENT_SEARCH; s = s->next, ++searched) {
      if ((s->purge_mask & ~s->used_mask) != 0) return s;
    }
    return has_free_page(list.first) ? list.first : nullptr;
  }

  static void init_page(H* h, Seg* s, size_t index, size_t bin) {
    P& p = s->pages[index];
    const size_t block = bin_block_size(bin);
    const size_t area = page_area_bytes(s, index);
    const uint64_t bit = uint64_t{1} << index;
    p.bin = static_cast<uint8_t>(bin);
    const size_t stride = block + slot_guard_bytes(s);
    p.set_block_size(block, stride);
    p.reserved = static_cast<uint32_t>((area - guard_bytes(s, index)) / stride);
    p.capacity.set(0);
    p.used.set(0);
    p.free = nullptr;
    p.local_free = nullptr;
    p.set_flags(0, h);
    p.reset_thread_free();                       // a free page has no live block, so no other thread touches it now
    p.heap.store(h, std::memory_order_release);  // release: pairs with notify_owner's acquire
    if constexpr (!std::is_empty_v<typename P::Codec::Keys>) p.keys = {h->next_random(), h->next_random() | 1};
    p.area_is_zero = (s->purge_mask & bit) == 0;  // a clean page was never touched since purged or mapped
    p.purge_due_ms = UINT64_MAX;                  // not kept (keeps_empty_page sets it)
    if (p.area_is_zero) {
      Pool::commit(s, area);
      if (s->last_purged_mask & bit) PurgePacing::note_reused(s->last_purged_ms, os_now_ms());
    }
    s->last_purged_mask &= ~bit;
    if constexpr (!std::is_empty_v<BlockStatesOf<Config>>) s->block_states.clear_page(index);
    s->purge_mask &= ~bit;
    if (s->purge_mask == 0 && s->in_purge_queue) leave_purge_queue(h, s);
    if (guard_bytes(s, index) != 0 && (s->guarded_pages & bit) == 0) {
      protect_guard(p.area + area - GUARD, GUARD);
      s->guarded_pages |= bit;
    }
    // Last, the segment counts the page, then the page says it is in use, and the compiler may
    // not reorder them: a fork child whose parent was in here gets a counted page nobody uses (a
    // leak), never a page in use that is half set up, or that the segment does not count (which
    // would let the segment go back to the pool, and be unmapped, under it). page_free undoes
    // the two in the mirror order.
    s->used_mask |= bit;
    ++s->used_pages;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    p.in_use = true;
    g_stat_counters<Config>.page_bytes_in_use.add(area);
  }

  // Returns true when the page was the segment's last, so the segment went back to the pool.
  // `due_ms`: when the page's memory may go back to the OS at the latest (a kept page has
  // been waiting since it was kept); the segment's other free pages may make it sooner.
  static bool page_free(H* h, P* p, uint64_t due_ms = UINT64_MAX) {
    Seg* s = segment_of_page(p);
    const size_t index = static_cast<size_t>(p - s->pages);
    const size_t area = page_area_bytes(s, index);
    p->wait_notified();  // a remote freer may still be telling us about this page
    p->in_use = false;
    std::atomic_signal_fence(std::memory_order_seq_cst);  // before the segment stops counting it (init_page)
    p->free_blocks();
    // relaxed: no live block, so no remote freer reads it; the next init_page publishes anew.
    p->heap.store(nullptr, std::memory_order_relaxed);
    p->set_flags(0, nullptr);
    g_stat_counters<Config>.page_bytes_in_use.sub(area);
    const bool segment_was_full = s->used_pages == s->page_count;
    s->used_mask &= ~(uint64_t{1} << index);
    --s->used_pages;
    // Each free page waits out its own delay (a kept page has waited part of it already): a
    // segment-wide deadline would purge pages freed a moment before it, which a program cycling
    // through its pages wants again at once. The segment waits in the purge queue for its first
    // due page; when it is released whole, its earliest due page sets the pool's deadline.
    const uint64_t deadline = Pool::now_plus_delay();
    p->purge_due_ms = due_ms < deadline ? due_ms : deadline;
    if (s->purge_mask == 0 || p->purge_due_ms < s->purge_deadline_ms) {
      if (s->in_purge_queue) leave_purge_queue(h, s);
      enter_purge_queue(h, s, p->purge_due_ms);
    }
    s->purge_mask |= uint64_t{1} << index;
    SegmentList<Config>& list = h->segments[static_cast<size_t>(s->kind)];
    if (s->used_pages == 0) {
      list.remove(s);
      if (s->in_purge_queue) leave_purge_queue(h, s);
      Pool::release_paged(s, earliest_due_ms(s), h->thread_id);
      return true;
    }
    if (options().purge_delay_ms == 0) purge_free_pages(h, s, 0, true);  // "at once"
    if (segment_was_full) {
      list.remove(s);
      list.push_front(s);
    }
    return false;
  }

  // Frees the pages page_retire kept although they were empty.
  static void free_kept_pages(H* h) {
    for (size_t bin = 0; bin < BIN_COUNT; ++bin) {
      P* p = h->queues[bin].first;
      if (p == nullptr || p != h->queues[bin].last || p->used.get() != 0) continue;
      h->queues[bin].remove(p);
      update_direct(h, bin);
      page_free(h, p, p->purge_due_ms);
    }
  }

  // Segments enter the purge queue, ordered by deadline, when their first free page is
  // committed: the deadline is the earliest purge_due_ms of their dirty pages, usually now plus
  // the delay in force, so the place is at or near the back (an adopted segment keeps the
  // deadline it had, and may go further forward).
  static void enter_purge_queue(H* h, Seg* s, uint64_t deadline_ms) {
    s->purge_deadline_ms = deadline_ms;
    s->in_purge_queue = true;
    insert_by_deadline(h->purge_queue, s);
    if (s->purge_deadline_ms < h->next_purge_ms) h->next_purge_ms = s->purge_deadline_ms;
  }
  static void leave_purge_queue(H* h, Seg* s) {
    h->purge_queue.remove(s);
    s->in_purge_queue = false;
  }

  // Purges the pages of purge_mask that are due at `now_ms` (every one with `all`: a forced pass
  // or purge_delay_ms=0, which the purge pacing does not learn from), one madvise per run of
  // adjacent pages; the segment waits in the purge queue for the others.
  static void purge_free_pages(H* h, Seg* s, uint64_t now_ms, bool all) {
    if (s->in_purge_queue) leave_purge_queue(h, s);
    uint64_t mask = all ? s->purge_mask : pages_due(s, now_ms);
    if (mask != 0) {  // a pass that purged nothing leaves the record of the last one that did
      const uint64_t paced_ms = all ? 0 : now_ms;
      s->last_purged_mask = paced_ms != 0 ? mask : 0;
      s->last_purged_ms = paced_ms;
      if (paced_ms != 0) PurgePacing::note_purged(paced_ms);
    }
    s->purge_mask &= ~mask;
    while (mask != 0) {
      const size_t first = lowest_bit(mask);
      size_t end = first;  // one past the run's last page
      while (end < s->page_count && (mask >> end & 1) != 0) ++end;
      uint8_t* start = s->pages[first].area;
      const size_t bytes = static_cast<size_t>(s->page_start(end) - start);
      os_purge(start, bytes);
      Pool::decommit(s, bytes);
      mask &= end == 64 ? 0 : ~uint64_t{0} << end;
    }
    if (s->purge_mask != 0) enter_purge_queue(h, s, earliest_due_ms(s));
  }

  // The pages of purge_mask whose purge is due at `now_ms`.
  static uint64_t pages_due(const Seg* s, uint64_t now_ms) {
    uint64_t due = 0;
    for (uint64_t m = s->purge_mask; m != 0; m &= m - 1) {
      const size_t index = lowest_bit(m);
      if (s->pages[index].purge_due_ms <= now_ms) due |= uint64_t{1} << index;
    }
    return due;
  }
  // The earliest purge due time of the pages of purge_mask (UINT64_MAX when there is none). The
  // segment's purge_deadline_ms may be earlier: a reused page does not move it later.
  static uint64_t earliest_due_ms(const Seg* s) {
    uint64_t earliest = UINT64_MAX;
    for (uint64_t m = s->purge_mask; m != 0; m &= m - 1) {
      const uint64_t due_ms = s->pages[lowest_bit(m)].purge_due_ms;
      if (due_ms < earliest) earliest = due_ms;
    }
    return earliest;
  }

  // Collects thread frees into every page and frees the pages left with no live block (with
  // Keep::only_pages, not one that keeps_empty_page keeps, as page_retire would).
  enum class Keep : bool { none, only_pages };
  static void collect_all_pages(H* h, Keep keep = Keep::none) {
    collect_unfull(h);
    for (size_t bin = 0; bin < BIN_COUNT; ++bin) {
      for (P* p = h->queues[bin].first; p != nullptr;) {
        P* next = p->next;
        collect_remote_frees(h, p);
        if (p->used.get() == 0 && !(keep == Keep::only_pages && keeps_empty_page(h, p))) {
          h->queues[bin].remove(p);
          page_free(h, p);
        }
        p = next;
      }
      update_direct(h, bin);
    }
    for (P* p = h->full.first; p != nullptr;) {
      P* next = p->next;
      collect_remote_frees(h, p);
      if (p->used.get() == 0) {
        h->full.remove(p);
        page_free(h, p);
      } else if (p->local_free != nullptr) {
        unfull(h, p);
      }
      p = next;
    }
  }

  // --- thread heaps ---

  static H* heap_init() {
    if (!process_init()) return nullptr;
    H* h = take_heap();
    if (h == nullptr) return nullptr;
    os_random_bytes(&h->random_state, sizeof(h->random_state));
    h->thread_id = os_thread_id();
    if constexpr (QUARANTINE) h->quarantine.set_limits(options().quarantine_blocks, options().quarantine_bytes);
    h->sampler.configure(options().sample_rate, options().guard_all, h->next_random());
    // tl_heap first: glibc may allocate inside pthread_setspecific (its second-level key
    // arrays), and that malloc must find this heap rather than make a second one.
    tl_heap<Config> = h;
    os_thread_key_set(exit_key_, h);
    HA_DEBUG_ASSERT(tl_heap<Config> == h, "a malloc inside pthread_setspecific found the thread's heap");
    g_stat_counters<Config>.heaps.add(1);
    return h;
  }

  static void thread_exit(void* value) {
    H* h = static_cast<H*>(value);
    if (h == nullptr || h != tl_heap<Config>) return;
    if constexpr (QUARANTINE) h->quarantine.flush(&release_quarantined);  // while the pages are still ours
    tl_heap<Config> = &g_empty_heap<Config>;
    tl_heap_done<Config> = true;
    collect_all_pages(h);
    for (auto& list : h->segments) {
      while (Seg* s = list.first) {
        list.remove(s);
        abandon(h, s);
      }
    }
    g_stat_counters<Config>.heaps.sub(1);
    if constexpr (DEBUG_CHECKS) assert_no_page_names(h);
    give_heap(h);
  }

  // "Another thread can never see its own heap" (free's fast-path compare, Page::fast_free_heap)
  // holds because a heap is recycled only after every page stopped naming it: collected and
  // freed, or detached when its segment was abandoned.
  static void assert_no_page_names(const H* h) {
    Pool::for_each_paged([h](Seg& s) {
      for_each_page_in_use(&s, [h](P& p) {
        // relaxed: another thread's page may be changing; it never stores h (h is not its heap).
        HA_DEBUG_ASSERT(
            p.fast_free_heap.load(std::memory_order_relaxed) != h && p.heap.load(std::memory_order_relaxed) != h,
            "no page names a heap that goes back to the pool");
      });
    });
  }

  // Hands a segment with live blocks to whichever thread adopts it. Free pages whose delay has
  // not passed stay committed: the adopter usually reuses them at once, or purges them later.
  static void abandon(H* h, Seg* s) {
    if (s->purge_mask != 0) {
      const uint64_t now_ms = os_now_ms();
      if (now_ms >= s->purge_deadline_ms) purge_free_pages(h, s, now_ms, false);
    }
    if (s->in_purge_queue) leave_purge_queue(h, s);
    for_each_page_in_use(s, [h](P& p) {
      p.clear_full();               // no new freer will tell the exiting heap...
      p.wait_notified();            // ...and none is still doing so
      collect_remote_frees(h, &p);  // so that abandoned_live counts only the frees still to come
      detach_page(p);
    });
    push_abandoned(s);
  }

  // fork child: the threads that owned the other live heaps do not exist here. Their segments
  // are abandoned, so that the child's threads adopt them (their free blocks are reused, the
  // frees into them collected), and their heaps go back to the pool. A remote freer caught
  // between taking TF_FULL and end_notify is gone too: its TF_NOTIFYING is cleared, and the hint
  // it may not have sent is raised. The lists walked here were consistent at fork (the prepare
  // handler held their locks); the child has one thread, so the abandoned list's lock taken
  // inside the walk cannot deadlock. No list of remote frees is in flight (collect_lock); a thread
  // stopped inside malloc or free at fork may leave the one block it was handing out or taking
  // back, or the one segment it was taking, unaccounted: a leak, never a block handed out twice.
  static void orphan_other_heaps_after_fork() {
    H* survivor = tl_heap<Config>;
    Pool::for_each_paged([survivor](Seg& s) {
      H* owner = s.owner.load(std::memory_order_relaxed);  // relaxed: the child has one thread
      if (owner == nullptr) return;                        // free or abandoned already
      uint64_t notifier_lost = 0;                          // bit i: pages[i]
      for_each_page_in_use(&s, [&s, &notifier_lost](P& p) {
        if (p.forget_notifier_after_fork()) notifier_lost |= uint64_t{1} << (&p - s.pages);
      });
      if (owner == survivor || owner == &late_heap_) {
        if (notifier_lost != 0) {  // relaxed (both): the child has one thread
          s.unfull_mask.fetch_or(notifier_lost, std::memory_order_relaxed);
          owner->unfull_hint.store(true, std::memory_order_relaxed);
        }
        return;
      }
      s.in_purge_queue = false;  // its heap's purge queue goes with the heap
      for_each_page_in_use(&s, [](P& p) {
        p.clear_full();
        p.collect_thread_free();  // the child has one thread, and no list is in flight (collect_lock)
        detach_page(p);
      });
      push_abandoned(&s);
    });
    for (H* h = live_heaps_.first; h != nullptr;) {
      H* next = h->pool_next;
      if (h != survivor) {
        g_stat_counters<Config>.heaps.sub(1);
        give_heap(h);
      }
      h = next;
    }
  }

  template <class Visit>
  static void for_each_page_in_use(Seg* s, Visit visit) {
    for (size_t i = 0; i < s->page_count; ++i) {
      if (s->pages[i].in_use) visit(s->pages[i]);
    }
  }

  // A page of a segment being abandoned stops naming its heap (no freer is notifying).
  static void detach_page(P& p) {
    // relaxed: the abandoned list's lock orders it before an adopter's release store.
    p.heap.store(nullptr, std::memory_order_relaxed);
    p.set_flags(p.flags.get() & ~PAGE_IN_FULL, nullptr);
    p.next = p.prev = nullptr;
  }

  static void push_abandoned(Seg* s) {
    uint32_t live = 0;
    for_each_page_in_use(s, [&live](P& p) { live += p.used.get(); });
    // relaxed: a heuristic (Segment::abandoned_live).
    s->abandoned_live.store(live, std::memory_order_relaxed);
    s->abandoned_until_ms.store(Pool::now_plus_delay(), std::memory_order_relaxed);  // relaxed: a hint, as above
    // relaxed: other threads only compare it with their own heap (segment.h).
    s->owner.store(nullptr, std::memory_order_relaxed);
    LockGuard guard(abandoned_lock_);
    s->abandoned = true;
    abandoned_.push_front(s);
    abandoned_count_.fetch_add(1, std::memory_order_relaxed);  // relaxed: a hint for find_page's check
    g_stat_counters<Config>.abandoned_segments.add(1);
  }

  static void unlink_abandoned(Seg* s) {  // abandoned_lock_ held
    abandoned_.remove(s);
    s->abandoned = false;
    abandoned_count_.fetch_sub(1, std::memory_order_relaxed);  // relaxed: a hint, as above
    g_stat_counters<Config>.abandoned_segments.sub(1);
  }

  // Adopts the most recently abandoned segment of `kind` among the first MAX_ABANDONED_SEARCH
  // (of any kind with nullopt); false when there is none. A thread short of pages of one kind
  // takes no segment of another: it would not help, and would spread its blocks.
  static bool reclaim_one(H* h, std::optional<SegmentKind> kind) {
    Seg* s;
    {
      LockGuard guard(abandoned_lock_);
      size_t searched = 0;
      for (s = abandoned_.first; s != nullptr && kind && s->kind != *kind; s = s->next) {
        if (++searched == MAX_ABANDONED_SEARCH) return false;
      }
      if (s == nullptr) return false;
      unlink_abandoned(s);
    }
    adopt(h, s);
    return true;
  }

  // Makes `h` the owner of an abandoned segment (already off the abandoned list).
  static void adopt(H* h, Seg* s) {
    // relaxed: other threads only compare it with their own heap (segment.h).
    s->owner.store(h, std::memory_order_relaxed);
    // relaxed: abandon waited out every notifier and cleared TF_FULL, so no bit is being set;
    // the old owner's bits are stale (adopt collects every page's remote frees below).
    s->unfull_mask.store(0, std::memory_order_relaxed);
    s->last_purged_mask = 0;  // what the exited owner purged is no regret of this heap's (purge_pacing.h)
    // The segment's free pages were left unpurged at abandon (an adopter usually reuses them at
    // once); they now wait in this heap's purge queue with the deadline their first free page
    // set. A fresh deadline at each adoption would let short-lived threads that pass a segment on
    // every few milliseconds keep its free pages committed for ever (bench_churn_transfers).
    if (s->purge_mask != 0) enter_purge_queue(h, s, s->purge_deadline_ms);
    SegmentList<Config>& list = h->segments[static_cast<size_t>(s->kind)];
    list.push_front(s);
    for (size_t i = 0; i < s->page_count; ++i) {
      P& p = s->pages[i];
      if (!p.in_use) continue;
      p.heap.store(h, std::memory_order_release);  // release: pairs with notify_owner's acquire
      p.set_flags(p.flags.get(), h);
      collect_remote_frees(h, &p);
      if (p.used.get() == 0) {
        // Once the segment is released another thread may take it: touch nothing of it then.
        if (page_free(h, &p)) return;
        continue;
      }
      h->queues[p.bin].push_front(&p);
      update_direct(h, p.bin);
    }
    if (s->used_pages == s->page_count) {
      list.remove(s);
      list.push_back(s);
    }
  }

  // Heaps are carved from OS memory that is never returned: a freeing thread may still send a
  // hint to a heap whose thread has exited.
  static H* take_heap() {
    LockGuard guard(heap_pool_lock_);
    H* h = free_heaps_.pop_front();
    if (h == nullptr) {
      if (heap_chunk_left_ == 0) {
        heap_chunk_ = static_cast<uint8_t*>(os_map_aligned(HEAP_CHUNK_BYTES, OS_PAGE_BYTES, 0));
        if (heap_chunk_ == nullptr) return nullptr;
        heap_chunk_left_ = HEAP_CHUNK_BYTES / sizeof(H);
      }
      --heap_chunk_left_;
      h = new (heap_chunk_) H();  // placement new into our own memory
      heap_chunk_ += sizeof(H);
    }
    live_heaps_.push_front(h);
    return h;
  }

  static void give_heap(H* h) {
    // Reset field by field: the hint flag may be written concurrently by a late freer.
    for (auto& d : h->direct) d = &g_empty_page<Config>;
    for (auto& q : h->queues) q = PageQueue<Config>{};
    h->full = PageQueue<Config>{};
    for (auto& list : h->segments) list = SegmentList<Config>{};
    h->purge_queue = {};
    // relaxed: the next owner's heap_init and first slow path read it in the same thread. No
    // notifier can still set it (thread_exit waited them out); were one to, it would only cost
    // that owner one walk of its (empty) segment lists.
    h->unfull_hint.store(false, std::memory_order_relaxed);
    h->next_purge_ms = UINT64_MAX;
    LockGuard guard(heap_pool_lock_);
    live_heaps_.remove(h);
    free_heaps_.push_front(h);
  }

  static constexpr size_t HEAP_CHUNK_BYTES = 256 * KiB;
  // How often, in slow-path calls, a heap checks whether a purge is due.
  static constexpr uint32_t PURGE_CHECK_INTERVAL = 64;
  // How often, at most, the free path's upkeep walks a heap's pages (retire_check).
  static constexpr uint64_t UPKEEP_INTERVAL_MS = 10;
  static constexpr int MAX_ADOPTIONS_PER_CALL = 4;
  // How many abandoned segments reclaim_one looks at for one of the kind it needs.
  static constexpr size_t MAX_ABANDONED_SEARCH = 8;
  // How many pages page_with_free_block looks at for freed blocks after one it could extend.
  static constexpr size_t MAX_SEARCH_PAST_EXPANDABLE = 8;
  // How many segments page_alloc looks at for a free page whose memory is still committed.
  static constexpr size_t MAX_SEGMENT_SEARCH = 8;
  static inline SpinLock heap_pool_lock_;
  static constinit inline H late_heap_{};
  static inline SpinLock late_lock_;
  // Heaps of running threads (the fork child abandons all but its own) and heaps to reuse.
  static inline IntrusiveList<H, &H::pool_next, &H::pool_prev> live_heaps_;
  static inline IntrusiveList<H, &H::pool_next, &H::pool_prev> free_heaps_;
  static inline uint8_t* heap_chunk_ = nullptr;
  static inline size_t heap_chunk_left_ = 0;
  static inline SpinLock abandoned_lock_;
  static inline SegmentList<Config> abandoned_;
  // Only a hint, read relaxed before taking abandoned_lock_.
  static inline std::atomic<size_t> abandoned_count_{0};
  static inline OsThreadKey exit_key_ = 0;
  static constexpr int READY = 1;
  // 0 until init_process succeeded, then READY (release/acquire: publishes exit_key_).
  static inline std::atomic<int> process_state_{0};
  static inline OsOnce process_once_ = 0;
  // Written by init_process and by the fork child handler, both while no other thread of ours
  // can run them (os_once; a child has one thread).
  static inline bool fork_handlers_registered_ = false;
};

}  // namespace hardalloc
