// base: a field written by its owner thread and read, approximately, by the statistics walker.
// Relaxed atomic loads and stores compile to plain moves; they only make the racy read defined.
#pragma once
#include <atomic>

namespace hardalloc {

template <class T>
class Relaxed {
 public:
  constexpr Relaxed() = default;
  constexpr explicit Relaxed(T v) : value_(v) {}
  // relaxed: the owner's own accesses need no order, and a reader's is approximate by design.
  T get() const { return value_.load(std::memory_order_relaxed); }
  void set(T v) { value_.store(v, std::memory_order_relaxed); }
  // Owner-only read-modify-write: a load and a store, not a locked instruction.
  void add(T d) { set(get() + d); }
  void sub(T d) { set(get() - d); }

 private:
  std::atomic<T> value_{};
};

}  // namespace hardalloc
