// hardening: the quarantine of freed blocks (Mitigation::quarantine): a per-thread FIFO ring.
// A freed block enters at the back; blocks leave from the front, to be freed for real, while
// the ring holds more than its block limit or its byte limit (quarantine_blocks,
// quarantine_bytes). The newest block always stays until the next free, however large, so
// `free(p); q = malloc(n); free(p)` is caught as a double free for every size.
// Invariant: a quarantined block is marked free (block_states) and filled (free_fill), and is on
// no page list: no malloc can hand it out.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hardalloc {

class Quarantine {
 public:
  static constexpr uint32_t CAPACITY = 1024;  // blocks; the option is capped here

  struct Entry {
    void* block;
    size_t bytes;
  };

  // The limits (the options quarantine_blocks and quarantine_bytes), set when a thread takes the heap.
  void set_limits(uint64_t max_blocks, uint64_t max_bytes) {
    max_blocks_ = max_blocks > CAPACITY ? CAPACITY : static_cast<uint32_t>(max_blocks);
    max_bytes_ = max_bytes;
  }

  // Adds a block; then evicts, through `release(Entry)`, what exceeds the limits.
  template <class Release>
  void push(void* block, size_t bytes, Release&& release) {
    ring_[(head_ + count_) % CAPACITY] = Entry{block, bytes};
    ++count_;
    bytes_ += bytes;
    while (count_ > 1 && (count_ > max_blocks_ || bytes_ > max_bytes_)) release(pop_front());
    if (count_ > max_blocks_) release(pop_front());  // a limit of 0 blocks: no quarantine
  }

  // Evicts every block (thread exit, collect).
  template <class Release>
  void flush(Release&& release) {
    while (count_ != 0) release(pop_front());
  }

  template <class Visit>
  void for_each(Visit&& visit) const {
    for (uint32_t i = 0; i < count_; ++i) visit(ring_[(head_ + i) % CAPACITY]);
  }

 private:
  Entry pop_front() {
    const Entry e = ring_[head_];
    head_ = (head_ + 1) % CAPACITY;
    --count_;
    bytes_ -= e.bytes;
    return e;
  }

  Entry ring_[CAPACITY]{};
  uint32_t head_ = 0;
  uint32_t count_ = 0;
  size_t bytes_ = 0;
  uint32_t max_blocks_ = 0;
  size_t max_bytes_ = 0;
};

// The member a Heap has when the mitigation is off: takes no space ([[no_unique_address]]).
struct NoQuarantine {};

}  // namespace hardalloc
