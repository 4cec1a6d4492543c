// The heaps an instruction-counted loop runs on. Loops are templates over a heap so the same
// machine code runs once on the allocator under test and once on a stand-in that does no
// allocator work; the driver subtracts the stand-in's count, leaving the allocator's own
// instructions per operation (its call, PLT jump and return included).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>

#include "failure.h"
#include "opaque.h"

namespace bench {

// Whatever malloc the process was started with (the driver picks it by LD_PRELOAD).
class MallocHeap {
 public:
  void* allocate(std::size_t bytes, std::size_t /*slot*/) { return std::malloc(bytes); }
  void release(void* block) { std::free(block); }
};

// A fixed region per slot of a mapping made outside every allocator; release does nothing.
// Invariant: a block handed out for a slot never exceeds max_block_bytes, so slots never overlap.
class StandInHeap {
 public:
  StandInHeap(std::size_t slot_count, std::size_t max_block_bytes)
      : stride_bytes_(max_block_bytes), mapping_bytes_(slot_count * max_block_bytes) {
    void* mapping =
        mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED) fail("stand-in heap: mmap of %zu bytes failed", mapping_bytes_);
    base_ = static_cast<unsigned char*>(mapping);
  }
  ~StandInHeap() { munmap(base_, mapping_bytes_); }
  StandInHeap(const StandInHeap&) = delete;
  StandInHeap& operator=(const StandInHeap&) = delete;

  // hide() keeps the compiler from proving the result non-null and aligned, so the checks
  // after allocate cost the same here as on the real heap.
  void* allocate(std::size_t /*bytes*/, std::size_t slot) { return hide(base_ + slot * stride_bytes_); }
  void release(void* /*block*/) {}

 private:
  unsigned char* base_ = nullptr;
  std::size_t stride_bytes_;
  std::size_t mapping_bytes_;
};

}  // namespace bench
