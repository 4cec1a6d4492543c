// Counts, across threads, the blocks found corrupt and the allocations that failed, so that a
// multi-threaded test can assert both are zero once its threads are joined.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "patterned_block.h"

namespace hardalloc_test {

struct IntegrityCounters {
  // relaxed: the counts are read only after the threads that update them are joined.
  std::atomic<std::size_t> corrupt_blocks{0};
  std::atomic<std::size_t> failed_allocations{0};

  void record(const PatternCheck& check) {
    if (!check.intact()) {
      corrupt_blocks.fetch_add(1, std::memory_order_relaxed);
    }
  }

  void record_failed_allocation() { failed_allocations.fetch_add(1, std::memory_order_relaxed); }

  // allocate_patterned, recording a failure (the result is then null).
  void* allocate_checked(std::size_t size_bytes, std::uint64_t seed) {
    void* block = allocate_patterned(size_bytes, seed);
    if (block == nullptr) {
      record_failed_allocation();
    }
    return block;
  }

  // Checks and frees a block; null stands for a failed allocation, already recorded.
  void check_and_free(void* block) {
    if (block != nullptr) {
      record(free_patterned(block));
    }
  }

  // Resizes a patterned block, recording whether realloc kept its prefix. When realloc fails,
  // records that, frees the block and returns null.
  void* resize_checked(void* block, std::size_t new_size_bytes, std::uint64_t new_seed) {
    PatternCheck kept{};
    void* resized = resize_patterned(block, new_size_bytes, new_seed, &kept);
    if (resized == nullptr) {
      record_failed_allocation();
      check_and_free(block);
      return nullptr;
    }
    record(kept);
    return resized;
  }
};

}  // namespace hardalloc_test
