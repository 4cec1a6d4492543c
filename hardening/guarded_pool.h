// hardening: the guarded pool (Mitigation::guarded_sampling). A sampled allocation (sample_rate,
// or every one with guard_all) of at most MAX_BLOCK_BYTES gets a slot of its own: a guard page
// followed by MAX_BLOCK_BYTES of address space, of which only the pages the block needs are
// accessible. The block touches the next slot's guard page (right: the first byte past the
// request faults when the request is a multiple of the alignment; the few bytes of slack before
// the guard otherwise hold a pattern checked at free) or its own (left: the byte before it
// faults). A freed block's pages become inaccessible at once and give their memory back, and the
// slot is reused only when no never-used slot is left, oldest freed first (guarded_slots
// bounds the pool). A fault in the pool becomes a report (use-after-free-read/write, overflow,
// underflow) with the block's allocation and free stacks; so do a double free and an invalid
// free of a guarded block.
//
// Layout: [guard][slot 0 data ...][guard][slot 1 data ...] ... [guard], one reservation made
// at the first sampled allocation. Slot metadata lives in a separate mapping, never in the pool.
// Invariants: a slot's state moves never-used -> taking -> live -> freeing -> freed -> taking ...;
// a live slot's pages [mapped_begin, mapped_end) are accessible and nothing else of the slot is;
// the freed ring holds exactly the freed slots, oldest first; at most live_limit slots are live
// at once, so the mappings the pool splits stay within vm.max_map_count (FACTS.md).
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "hardening/report.h"
#include "hardening/stack_trace.h"
#include "os/os.h"

namespace hardalloc {

class GuardedPool {
 public:
  // Larger requests take the allocator's normal path (canaries, and a guard page after huge blocks).
  static constexpr size_t MAX_BLOCK_BYTES = 16384;
  static constexpr size_t SLOT_BYTES = OS_PAGE_BYTES + MAX_BLOCK_BYTES;  // its guard page, then data
  static constexpr size_t MAX_SLOTS = size_t{1} << 20;

  // One range check: whether `p` is in the pool's reservation (a guarded block or a guard).
  static bool contains(const void* p) {
    // acquire: pairs with init's release store of the base, so the size stored before it is
    // seen with it (relaxed then suffices for the size).
    const uintptr_t base = base_.load(std::memory_order_acquire);
    return base != 0 && reinterpret_cast<uintptr_t>(p) - base < bytes_.load(std::memory_order_relaxed);
  }

  // A zeroed guarded block of `size` bytes at a multiple of `alignment` (a power of two up to
  // OS_PAGE_BYTES), its allocation stack recorded; nullptr when the pool does not take it (too
  // large, no slot, the mapping budget spent, the OS refused, or a stack capture is under way on
  // this thread): the caller then takes the normal path.
  static void* allocate(size_t size, size_t alignment);

  // For `p` with contains(p): frees it and returns true when it is a live block's start; else
  // reports (double-free, interior-free or invalid-free, with the stacks) and returns false.
  static bool free(void* p);

  // For `p` with contains(p): the requested size of the live block `p` starts; SIZE_MAX after a
  // report (double-free when it was freed, interior-free or invalid-free otherwise).
  static size_t requested_size(const void* p);

  // For `p` with contains(p): the live block whose accessible pages hold `p` (its start and
  // request) and true, or false; reports nothing (the checked copies ask).
  static bool live_block_at(const void* p, uintptr_t& block, size_t& requested);

  // For the SIGSEGV handler: fills `kind` and `facts` (with the stacks) for a fault at `address`
  // and returns true when the address is in the pool; async-signal-safe, takes no lock.
  static bool describe_fault(const void* address, bool is_write, ReportKind& kind, BlockFacts& facts);

  // report_live_at_exit: one block on the log sink listing the live guarded blocks grouped by
  // allocation stack, most bytes first.
  static void report_live_blocks();

  struct Counts {
    uint64_t allocations = 0;  // guarded blocks handed out so far
    uint64_t live = 0;         // of them, not freed yet
    uint64_t declined = 0;     // sampled allocations the pool could not take (normal path)
  };
  static Counts counts();

 private:
  static std::atomic<uintptr_t> base_;
  static std::atomic<uintptr_t> bytes_;
};

}  // namespace hardalloc
