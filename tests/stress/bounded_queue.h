// A blocking multi-producer, multi-consumer queue of block addresses with a fixed capacity,
// for pipelines whose stages run on different threads. Its storage is a fixed array, so the
// queue itself never allocates.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace hardalloc_test {

template <std::size_t CAPACITY>
class BoundedQueue {
 public:
  void push(void* block) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [this] { return count_ < CAPACITY; });
    items_[(head_ + count_) % CAPACITY] = block;
    ++count_;
    not_empty_.notify_one();
  }

  void* pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [this] { return count_ > 0; });
    void* block = items_[head_];
    head_ = (head_ + 1) % CAPACITY;
    --count_;
    not_full_.notify_one();
    return block;
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  void* items_[CAPACITY] = {};
  std::size_t head_ = 0;   // index of the oldest item
  std::size_t count_ = 0;  // items in [head_, head_ + count_) modulo CAPACITY
};

}  // namespace hardalloc_test
