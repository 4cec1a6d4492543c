// A fixed array of slots through which threads hand patterned blocks to each other (a thread
// swaps its block in and takes over whatever was there), with the counters of what the
// threads found while checking them.
#pragma once

#include <atomic>
#include <cstddef>

#include "integrity_counters.h"

namespace hardalloc_test {

template <std::size_t SLOT_COUNT>
class BlockSlots {
 public:
  IntegrityCounters integrity;

  // Puts block (or null) into slot index % SLOT_COUNT and returns what was there (or null).
  // acq_rel: acquires the writes of the thread that put the old block in, releases ours to
  // whoever takes the new one.
  void* swap(std::size_t index, void* block) {
    return slots_[index % SLOT_COUNT].exchange(block, std::memory_order_acq_rel);
  }

  // Once every thread using the slots has been joined: checks and frees what they still hold.
  void drain() {
    for (std::atomic<void*>& slot : slots_) {
      integrity.check_and_free(slot.exchange(nullptr, std::memory_order_acquire));
    }
  }

 private:
  std::atomic<void*> slots_[SLOT_COUNT] = {};
};

}  // namespace hardalloc_test
