// base: a test-and-test-and-set spin lock for the allocator's few global lists. Critical sections
// are short and nest only inside the late heap's lock (heap.h), which is therefore always taken
// first; fork's prepare handler takes them in that order.
#pragma once
#include <atomic>

namespace hardalloc {

class SpinLock {
 public:
  constexpr SpinLock() = default;
  void lock() {
    // acquire: pairs with unlock's release, so the holder sees the previous holder's writes.
    while (locked_.exchange(true, std::memory_order_acquire)) {
      // relaxed: only a hint to retry; the exchange above does the synchronising.
      while (locked_.load(std::memory_order_relaxed)) __builtin_ia32_pause();
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }  // release: publishes the section
  // Only for a fork child, where the thread that held the lock no longer exists.
  void reset_after_fork() { locked_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> locked_{false};
};

// Holds a lock for its scope; a default-constructed guard holds none until lock() is called.
class LockGuard {
 public:
  LockGuard() = default;
  explicit LockGuard(SpinLock& lock) { this->lock(lock); }
  ~LockGuard() {
    if (lock_ != nullptr) lock_->unlock();
  }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;
  void lock(SpinLock& lock) {
    lock_ = &lock;
    lock.lock();
  }

 private:
  SpinLock* lock_ = nullptr;
};

}  // namespace hardalloc
