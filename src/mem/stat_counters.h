// mem: process-wide counters of one allocator instantiation, updated on slow paths only
// (segment and page transitions), never per malloc. All relaxed: each counter is a statistic on
// its own and orders nothing.
#pragma once
#include <atomic>
#include <cstddef>

namespace hardalloc {

class Counter {
 public:
  // relaxed (all three): a statistic on its own, synchronising with nothing.
  void add(size_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void sub(size_t n) { value_.fetch_sub(n, std::memory_order_relaxed); }
  size_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<size_t> value_{0};
};

// A counter that also remembers its highest value.
class PeakCounter {
 public:
  void add(size_t n) {
    // relaxed (all accesses of this class): statistics, synchronising with nothing; the CAS
    // keeps the peak from going down between two resets.
    const size_t now = value_.fetch_add(n, std::memory_order_relaxed) + n;
    size_t peak = peak_.load(std::memory_order_relaxed);
    while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
  }
  void sub(size_t n) { value_.fetch_sub(n, std::memory_order_relaxed); }
  size_t get() const { return value_.load(std::memory_order_relaxed); }
  size_t peak() const { return peak_.load(std::memory_order_relaxed); }
  // The peak starts again from the current value. An add racing this that read the old, higher
  // peak skips its CAS, so the peak may read below the value until the next add.
  void reset_peak() { peak_.store(value_.load(std::memory_order_relaxed), std::memory_order_relaxed); }

 private:
  std::atomic<size_t> value_{0};
  std::atomic<size_t> peak_{0};
};

struct StatCounters {
  Counter reserved_bytes;
  PeakCounter committed_bytes;
  PeakCounter page_bytes_in_use;  // page areas assigned to heaps, plus dedicated blocks
  Counter segments;
  Counter dedicated_blocks;
  Counter dedicated_bytes;
  Counter heaps;
  Counter abandoned_segments;
};

template <class Config>
inline StatCounters g_stat_counters;

}  // namespace hardalloc
