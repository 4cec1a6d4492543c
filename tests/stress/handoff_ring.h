// A fixed ring of slots through which one producer thread hands blocks to one consumer thread
// without waiting: a full ring refuses the block, an empty one returns null. It never
// allocates and takes no lock, so the only synchronisation between the two threads besides
// the allocator's own is the hand-off of each block.
#pragma once

#include <atomic>
#include <cstddef>

namespace hardalloc_test {

// Invariant: slot i is null, or holds a block the producer put and the consumer has not taken.
template <std::size_t CAPACITY>
class HandoffRing {
 public:
  // Producer only. Returns false (and keeps nothing) when the ring is full.
  bool try_put(void* block) {
    std::atomic<void*>& slot = slots_[put_index_ % CAPACITY];
    // acquire: pairs with the consumer's release store of null, so its reads of the old block
    // are done before we reuse the slot.
    if (slot.load(std::memory_order_acquire) != nullptr) return false;
    slot.store(block, std::memory_order_release);  // release: the block's contents go with it
    ++put_index_;
    return true;
  }

  // Consumer only. Returns null when the ring is empty.
  void* try_take() {
    std::atomic<void*>& slot = slots_[take_index_ % CAPACITY];
    // acquire: pairs with try_put's release, so the block's contents are seen as written.
    void* block = slot.load(std::memory_order_acquire);
    if (block == nullptr) return nullptr;
    slot.store(nullptr, std::memory_order_release);  // release: pairs with try_put's acquire
    ++take_index_;
    return block;
  }

 private:
  std::atomic<void*> slots_[CAPACITY] = {};
  std::size_t put_index_ = 0;   // producer's own
  std::size_t take_index_ = 0;  // consumer's own
};

}  // namespace hardalloc_test
