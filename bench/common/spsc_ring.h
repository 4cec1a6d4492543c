// A bounded single-producer single-consumer ring of pointers, used to pass blocks between two
// threads without allocating. When the ring is full (empty) the producer (consumer) sleeps in
// std::atomic::wait until the other side moves, rather than spinning: a spinning waiter would
// burn CPU time in proportion to how long the scheduler leaves the other thread off a CPU. Each
// side wakes the other once per NOTIFY_INTERVAL items, not per item, so the futex calls stay
// rare; the producer's flush wakes the consumer for the last items.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace bench {

template <std::uint32_t CAPACITY>
class SpscRing {
  static constexpr std::uint32_t NOTIFY_INTERVAL = 64;
  static_assert((CAPACITY & (CAPACITY - 1)) == 0, "capacity must be a power of two");
  // A side never waits while the other could be asleep short of its next notify: the producer
  // waits only on a full ring, when the consumer has CAPACITY items to pop before it can wait.
  static_assert(CAPACITY > NOTIFY_INTERVAL, "capacity must exceed the notify interval");

 public:
  void push(void* item) {
    // Relaxed: only the producer writes tail_.
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    // Acquire: pairs with pop's release of head_, so the slot is no longer being read.
    for (std::uint32_t head; tail - (head = head_.load(std::memory_order_acquire)) == CAPACITY;) {
      head_.wait(head, std::memory_order_acquire);
    }
    items_[tail % CAPACITY] = item;
    // Release: publishes the slot (and the block's contents written before push) to pop.
    tail_.store(tail + 1, std::memory_order_release);
    if ((tail + 1) % NOTIFY_INTERVAL == 0) tail_.notify_one();
  }

  // Called by the producer after its last push.
  void flush() { tail_.notify_one(); }

  void* pop() {
    // Relaxed: only the consumer writes head_.
    const std::uint32_t head = head_.load(std::memory_order_relaxed);
    // Acquire: pairs with push's release of tail_, making the slot and the block visible.
    while (tail_.load(std::memory_order_acquire) == head) tail_.wait(head, std::memory_order_acquire);
    void* item = items_[head % CAPACITY];
    // Release: hands the slot back to push.
    head_.store(head + 1, std::memory_order_release);
    if ((head + 1) % NOTIFY_INTERVAL == 0) head_.notify_one();
    return item;
  }

 private:
  // Invariant: tail_ - head_ (modulo 2^32) is the number of items in the ring, between 0 and
  // CAPACITY; each counter sits on its own cache line so the two threads do not share one. They
  // are 32-bit because that is the width std::atomic::wait maps straight onto a futex.
  alignas(64) std::atomic<std::uint32_t> head_{0};
  alignas(64) std::atomic<std::uint32_t> tail_{0};
  alignas(64) void* items_[CAPACITY] = {};
};

}  // namespace bench
