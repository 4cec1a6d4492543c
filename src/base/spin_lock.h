// base: a test-and-test-and-set spin lock for the allocator's few global lists. Critical sections
// are short and never nest, so there is no lock order to respect (fork relies on that).
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

class LockGuard {
 public:
  explicit LockGuard(SpinLock& lock) : lock_(lock) { lock_.lock(); }
  ~LockGuard() { lock_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  SpinLock& lock_;
};

}  // namespace hardalloc
