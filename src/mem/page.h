// mem: a page is a run of memory carved into blocks of one size class. It owns three free lists
// (mimalloc's free-list sharding):
//   free         blocks malloc hands out next (owner thread only);
//   local_free   blocks the owner freed since `free` was last refilled (owner thread only);
//   thread_free  blocks other threads freed (atomic stack; the owner takes it whole).
// Invariants: capacity == used + |free| + |local_free|, and |thread_free| <= used: `used` counts
// blocks handed out, including those other threads pushed on thread_free and the owner has not
// collected yet (so a page with used == 0 has no pending thread frees and can be freed).
// Blocks enter and leave lists only through the functions below (the hardening seam).
//
// thread_free is one word: the head of the remote-free stack, plus two protocol bits in the low
// bits that block alignment leaves zero (the full-page protocol, heap.h):
//   TF_FULL       set by the owner when the page goes to its full queue; the first remote freer
//                 to see it takes it (clears it) in the same CAS that pushes its block, and
//                 must then tell the owner;
//   TF_NOTIFYING  set by that freer in the same CAS, cleared when it has told the owner. While
//                 it is set the owner neither frees the page nor changes its heap: it is the
//                 only time a remote freer touches the page after its push.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "base/bits.h"
#include "base/relaxed.h"
#include "hardening/asan_poison.h"
#include "hardening/block_link.h"
#include "hardening/free_fill.h"
#include "hardening/guard_protect.h"
#include "hardening/report.h"
#include "mem/config.h"
#include "mem/size_class.h"
#include "os/os.h"

namespace hardalloc {

template <class Config>
struct Heap;

// Owner-written page flags. Other threads read PAGE_HAS_ALIGNED only for a block they were
// handed, and the program's hand-off orders that read after the owner set the flag.
enum PageFlag : uint8_t {
  PAGE_IN_FULL = 1,      // in the heap's full queue
  PAGE_HAS_ALIGNED = 2,  // some block was handed out at an interior (aligned) address
};

// 128 bytes each, so that finding a page from an address is a shift and not a multiplication.
template <class Config>
struct alignas(128) Page {
  using Codec = FreeListCodecOf<Config>;

  // Hot: the malloc and free fast paths touch only these.
  void* free = nullptr;
  void* local_free = nullptr;
  Relaxed<uint32_t> used;
  Relaxed<uint8_t> flags;
  uint8_t bin = 0;
  bool in_use = false;        // assigned to a heap (or a dedicated block)
  bool free_is_zero = false;  // every block on `free` is zero except its link word
  // Blocks carved into the lists so far. Owner-written; a checked free reads it from any thread.
  Relaxed<uint32_t> capacity;
  uint32_t reserved = 0;       // blocks that fit in the area
  Relaxed<size_t> block_size;  // set with block_stride, by set_block_size
  uint8_t* area = nullptr;     // first block
  bool area_is_zero = false;   // the uncarved blocks [capacity, reserved) read as zero
  [[no_unique_address]] typename Codec::Keys keys{};

  // Shared with other threads; each access names its memory order.
  std::atomic<uintptr_t> thread_free{0};     // remote-free stack | TF_FULL | TF_NOTIFYING
  std::atomic<Heap<Config>*> heap{nullptr};  // hint target; heaps are never unmapped
  // The owner heap while its frees may take free()'s fast path (flags == 0), else nullptr: one
  // compare with the caller's heap decides the fast path. Only the owner thread stores its own
  // heap here, so relaxed accesses suffice: another thread can never see its own heap.
  std::atomic<Heap<Config>*> fast_free_heap{nullptr};

  // Links in the heap's page queue.
  Page* next = nullptr;
  Page* prev = nullptr;
  // When the page's memory may go back to the OS: an empty page its heap keeps, or a free page
  // whose memory is still committed (in its segment's purge_mask; read only while that bit is set).
  uint64_t purge_due_ms = UINT64_MAX;
  // Bytes from one block start to the next: block_size, plus a guard page after every block of
  // a large page when the build has guard pages (a guard slot). Read through stride().
  Relaxed<size_t> block_stride;

  // With guard pages, large pages give every block a guard page of its own after it: a linear
  // overflow off any large block faults (the block before it, or the segment header's guard,
  // guards its start).
  static constexpr bool SLOT_GUARDS = Config::MITIGATIONS.has(Mitigation::guard_pages);

  size_t size() const { return block_size.get(); }
  size_t stride() const {
    if constexpr (SLOT_GUARDS) return block_stride.get();
    return size();
  }
  // `stride`: block_size and the guard slot after each block, if any.
  void set_block_size(size_t bytes, size_t stride_bytes) {
    block_size.set(bytes);
    block_stride.set(stride_bytes);
  }
  void set_block_size(size_t bytes) { set_block_size(bytes, bytes); }
  // The page went free: no block size any more, but block_stride and capacity stay, so that a
  // free of a block it held is still known as a double free (until the segment is reused or
  // gone) rather than an invalid one. Only that report reads them on a free page: every other
  // reader takes a page with size 0 for free.
  void free_blocks() { block_size.set(0); }

  // Every change of flags goes through here, keeping fast_free_heap in step.
  void set_flags(uint8_t new_flags, Heap<Config>* owner) {
    flags.set(new_flags);
    // relaxed: only the owner stores its heap here; other threads compare with theirs (above).
    fast_free_heap.store(new_flags == 0 ? owner : nullptr, std::memory_order_relaxed);
  }

  // --- the free-list seam ---
  // Takes the first block off `free`, which must be non-empty.
  HA_ALWAYS_INLINE void* pop_free() {
    void* block = free;
    free = reinterpret_cast<void*>(next_of(block));
    used.add(1);
    if constexpr (ASAN_POISONING) unpoison(block, size());
    return block;
  }
  // The owner's free; returns how many blocks are still in use.
  HA_ALWAYS_INLINE uint32_t push_local(void* block) {
    store_link(block, Codec::encode(reinterpret_cast<uintptr_t>(local_free), block, keys));
    if constexpr (ASAN_POISONING) poison(block, size());
    local_free = block;
    const uint32_t still_used = used.get() - 1;
    used.set(still_used);
    return still_used;
  }
  static constexpr uintptr_t TF_FULL = 1;
  static constexpr uintptr_t TF_NOTIFYING = 2;
  static constexpr uintptr_t TF_BITS = TF_FULL | TF_NOTIFYING;
  static_assert(MIN_BLOCK_BYTES > TF_BITS, "blocks are aligned so the low bits are free");

  // Another thread's free. Returns true when it took TF_FULL: the caller must then tell the
  // page's heap and call end_notify(); otherwise it must not touch the page again.
  bool push_thread(void* block) {
    // relaxed: a stale value only fails the CAS below, which then returns the current one.
    uintptr_t old = thread_free.load(std::memory_order_relaxed);
    uintptr_t next;
    do {
      store_link(block, Codec::encode(old & ~TF_BITS, block, keys));
      if constexpr (ASAN_POISONING) poison(block, size());
      next = reinterpret_cast<uintptr_t>(block) | (old & TF_NOTIFYING);
      if (old & TF_FULL) next |= TF_NOTIFYING;
      // release publishes the block's link; acquire, when we take TF_FULL, makes the heap the
      // owner stored before its release CAS in mark_full visible. relaxed on failure: retry.
    } while (!thread_free.compare_exchange_weak(old, next, std::memory_order_acq_rel, std::memory_order_relaxed));
    return (old & TF_FULL) != 0;
  }
  void end_notify() {
    // release: our read of `heap` happens before the owner's wait_notified() returns.
    thread_free.fetch_and(~TF_NOTIFYING, std::memory_order_release);
  }
  // Owner: sets TF_FULL unless remote frees are pending; returns whether it did. A freer of an
  // earlier full episode may still hold TF_NOTIFYING: TF_FULL waits until it is done, so that at
  // most one freer ever holds TF_NOTIFYING (wait_notified relies on it).
  bool mark_full() {
    // relaxed (both loads): a stale value only fails the CAS, which decides on the current word.
    uintptr_t old = thread_free.load(std::memory_order_relaxed);
    for (;;) {
      if ((old & ~TF_BITS) != 0) return false;
      if (old & TF_NOTIFYING) {
        wait_notified();
        old = thread_free.load(std::memory_order_relaxed);
        continue;
      }
      // release: pairs with the acquire of the freer's CAS that takes TF_FULL (see push_thread).
      if (thread_free.compare_exchange_weak(old, old | TF_FULL, std::memory_order_release, std::memory_order_relaxed))
        return true;
    }
  }
  // Owner: the page left the full queue; no freer needs to tell us any more.
  void clear_full() {
    // relaxed: only removes a request; a freer that took TF_FULL first is waited out elsewhere.
    thread_free.fetch_and(~TF_FULL, std::memory_order_relaxed);
  }
  // Owner: returns once no remote freer is telling us about this page, before the page is freed
  // or changes heap.
  void wait_notified() const {
    // acquire: pairs with end_notify's release. The notifier is a few instructions from done
    // unless it was preempted: then give it the CPU.
    for (unsigned spins = 0; thread_free.load(std::memory_order_acquire) & TF_NOTIFYING; ++spins) {
      if (spins < 64)
        __builtin_ia32_pause();
      else
        os_yield();
    }
  }
  // fork child: no other thread exists, so no remote freer is telling anyone about this page.
  // Returns whether one was (the hint it owed may not have been sent).
  bool forget_notifier_after_fork() {
    // relaxed: the child has one thread.
    return (thread_free.fetch_and(~TF_NOTIFYING, std::memory_order_relaxed) & TF_NOTIFYING) != 0;
  }
  bool has_thread_free() const {
    // relaxed: a hint; collect_thread_free's acquire does the synchronising.
    return (thread_free.load(std::memory_order_relaxed) & ~TF_BITS) != 0;
  }
  // Resets the word of a page with no live block (no remote freer can exist).
  void reset_thread_free() { thread_free.store(0, std::memory_order_relaxed); }

  // Moves thread_free onto local_free; returns how many blocks were moved.
  uint32_t collect_thread_free() {
    if (!has_thread_free()) return 0;
    // acquire: pairs with the pushers' release CAS; every CAS on this word is a read-modify-write,
    // so the list we take carries all pushers' link writes (one release sequence). The protocol
    // bits stay as they are.
    void* head = reinterpret_cast<void*>(thread_free.fetch_and(TF_BITS, std::memory_order_acquire) & ~TF_BITS);
    uint32_t count = 0;
    void* tail = nullptr;
    for (void* b = head; b != nullptr; b = reinterpret_cast<void*>(next_of(b))) {
      tail = b;
      ++count;
    }
    if (tail != nullptr) {
      store_link(tail, Codec::encode(reinterpret_cast<uintptr_t>(local_free), tail, keys));
      local_free = head;
      used.sub(count);
    }
    return count;
  }
  // Moves the blocks the owner freed (local_free) onto an empty `free`; the caller collects
  // thread_free into local_free first, under its heap's collect_lock.
  void reuse_local_free() {
    if (local_free == nullptr) return;
    free = local_free;
    local_free = nullptr;
    free_is_zero = false;
  }
  // Whether blocks remain to be carved (extend).
  bool can_extend() const { return capacity.get() < reserved; }
  // Carves up to about one OS page of fresh blocks into `free`; touching memory lazily keeps
  // the resident size of a barely used page small. With Mitigation::quarantine the new blocks
  // are linked in an order drawn from `random`; with free_fill each is filled.
  void extend(uint64_t random) {
    const size_t bytes = stride();
    uint32_t count = static_cast<uint32_t>(OS_CARVE_BYTES / bytes);
    if (count == 0) count = 1;
    if (count > reserved - capacity.get()) count = reserved - capacity.get();
    uint8_t* first = area + static_cast<size_t>(capacity.get()) * bytes;
    const bool reads_zero = area_is_zero && os_purge_reads_zero();  // a refused purge left old bytes
    if constexpr (FILLED) {
      for (uint32_t i = 0; i < count; ++i) FreeFill::fill(first + i * bytes, size());
    }
    if constexpr (SLOT_GUARDS) {
      // A guard slot is protected when its block is first carved, and stays so until the
      // segment goes back to the pool (SegmentPool::release_paged lifts the page's guards).
      if (bytes != size()) {
        for (uint32_t i = 0; i < count; ++i) protect_guard(first + i * bytes + size(), bytes - size());
      }
    }
    if constexpr (Config::MITIGATIONS.has(Mitigation::quarantine)) {
      link_in_random_order(first, count, random);
    } else {
      uint8_t* block = first;
      for (uint32_t i = 0; i + 1 < count; ++i, block += bytes) {
        store_link(block, Codec::encode(reinterpret_cast<uintptr_t>(block + bytes), block, keys));
      }
      // The last link is null: on memory that still reads as zero, a plain link needs no store, so
      // a large block is not touched before the program touches it.
      if (!reads_zero || Codec::encode(0, block, keys) != 0) store_link(block, Codec::encode(0, block, keys));
      free = first;
    }
    free_is_zero = reads_zero && !FILLED;
    capacity.add(count);
  }

  static constexpr size_t OS_CARVE_BYTES = 4 * KiB;
  static constexpr bool FILLED = Config::MITIGATIONS.has(Mitigation::free_fill);

  // The start of block `index`, and the index of a block start (callers check it is one).
  uint8_t* block_at(size_t index) const { return area + index * stride(); }
  size_t index_of(const void* block) const {
    const size_t offset = static_cast<size_t>(static_cast<const uint8_t*>(block) - area);
    const size_t bytes = stride();
    // Offsets in a page are below 4 MiB: a 32-bit division, several times faster than a 64-bit
    // one on many x86 cores, does (a dedicated block may be larger).
    if (HA_LIKELY(((offset | bytes) >> 32) == 0)) return static_cast<uint32_t>(offset) / static_cast<uint32_t>(bytes);
    return offset / bytes;
  }
  // True when `p` lies in the blocks carved so far, guard slots included (Page::SLOT_GUARDS).
  bool in_carved_blocks(const void* p) const {
    const auto* a = static_cast<const uint8_t*>(p);
    return a >= area && static_cast<size_t>(a - area) < static_cast<size_t>(capacity.get()) * stride();
  }
  // True when `p` is null or the start of a block carved from this page.
  bool is_block_or_null(uintptr_t p) const {
    const auto* a = reinterpret_cast<const uint8_t*>(p);
    return p == 0 || (in_carved_blocks(a) && block_at(index_of(a)) == a);
  }

 private:
  // Links `count` blocks from `first` into `free` in a uniformly random order (Fisher-Yates).
  void link_in_random_order(uint8_t* first, uint32_t count, uint64_t random) {
    uint16_t order[OS_CARVE_BYTES / MIN_BLOCK_BYTES];
    for (uint32_t i = 0; i < count; ++i) order[i] = static_cast<uint16_t>(i);
    for (uint32_t i = count; i > 1; --i) {
      random = random * 6364136223846793005ull + 1442695040888963407ull;  // a 64-bit LCG step
      const auto j = static_cast<uint32_t>((random >> 33) % i);
      const uint16_t t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
    const size_t bytes = stride();
    uintptr_t next = 0;
    for (uint32_t i = count; i-- > 0;) {
      uint8_t* block = first + order[i] * bytes;
      store_link(block, Codec::encode(next, block, keys));
      next = reinterpret_cast<uintptr_t>(block);
    }
    free = reinterpret_cast<void*>(next);
  }

  // The link of free block `block`, decoded; with validated_free_list a link that is no block of
  // this page is reported and cut (the rest of the list is leaked, never followed).
  HA_ALWAYS_INLINE uintptr_t next_of(void* block) {
    const uintptr_t next = Codec::decode(load_link(block), block, keys);
    if constexpr (Config::MITIGATIONS.has(Mitigation::validated_free_list)) {
      if (HA_UNLIKELY(!is_block_or_null(next))) {
        report_free_list_corruption(reinterpret_cast<void*>(next), block,
                                    "the link in this free block points outside its page's blocks");
        return 0;
      }
    }
    return next;
  }

 public:
  // The one report of a free list of this page gone wrong: `address` is what it pointed at.
  [[gnu::cold, gnu::noinline]] void report_free_list_corruption(const void* address, const void* block,
                                                                const char* detail) const {
    BlockFacts facts;
    facts.address = address;
    facts.block = block;
    facts.block_bytes = size();
    facts.detail = detail;
    report_heap_error(ReportKind::free_list_corruption, facts);
  }
};

}  // namespace hardalloc
