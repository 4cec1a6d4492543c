// The shadow model: every live block the harness holds, by slot and by address.
//
// Its memory is part of this object (fixed arrays, no allocation), so a corrupted target heap
// cannot corrupt the model, and the model never calls the allocator under test.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "op.h"

namespace hafuzz {

// How a block was made, which decides how it must be released.
enum class BlockOrigin : std::uint8_t {
  MALLOC,         // malloc, calloc, realloc, reallocarray: free / free_sized
  ALIGNED_ALLOC,  // free / free_aligned_sized
  MEMALIGN,       // posix_memalign, memalign, valloc, pvalloc: free only
  NEW,            // operator new (and nothrow): operator delete
  NEW_ARRAY,      // operator new[]: operator delete[]
  NEW_ALIGNED,    // operator new(align_val_t): aligned operator delete
};

// size_bytes is what the program asked for; usable_bytes (>= size_bytes) what malloc_usable_size
// said when the block was made, which a program may use as its own (the Linux man page and
// every allocator's documentation). The harness writes, checks and keeps disjoint the usable
// bytes, so an allocator that over-reports the usable size, or lets two blocks' usable ranges
// meet, is found; realloc is held to keeping the requested prefix only (C17 7.22.3.5).
struct LiveBlock {
  void* address = nullptr;  // null: no block
  std::size_t size_bytes = 0;
  std::size_t usable_bytes = 0;  // the pattern covers its slack too (pattern.h)
  std::size_t align_bytes = 0;   // what the block was requested with (0: none)
  std::uint64_t seed = 0;        // pattern of its contents (pattern.h); 0 = all zero
  BlockOrigin origin = BlockOrigin::MALLOC;

  bool present() const { return address != nullptr; }
};

inline constexpr unsigned MAILBOX_CAPACITY = 16;  // blocks in flight to one thread
inline constexpr unsigned MAX_LIVE_BLOCKS = SLOT_COUNT + MAX_THREADS * MAILBOX_CAPACITY;

class ShadowModel {
 public:
  // A slot is read and written only by the thread that runs its op (executor.h).
  LiveBlock& slot(unsigned index) { return slots_[index]; }

  // Records a block the target handed out. Returns false, filling *overlapped, when its usable
  // bytes [address, address + max(usable, 1)) meet a live block's.
  bool admit(const LiveBlock& block, LiveBlock* overlapped);
  void retire(const LiveBlock& block);

  bool fits_live_cap(std::size_t extra_bytes, std::size_t cap_bytes) const;

 private:
  struct Interval {
    std::uintptr_t begin;
    std::uintptr_t end;  // exclusive
    LiveBlock block;
  };
  // Index of the first interval whose begin is >= address.
  unsigned lower_bound(std::uintptr_t address) const;

  LiveBlock slots_[SLOT_COUNT];
  std::mutex intervals_mutex_;
  Interval intervals_[MAX_LIVE_BLOCKS];  // sorted by begin, pairwise disjoint
  unsigned interval_count_ = 0;
  std::atomic<std::size_t> live_bytes_{0};  // relaxed: a budget, not a synchronisation point
};

}  // namespace hafuzz
