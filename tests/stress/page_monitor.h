// Watches, from the test's own thread while its workers run, how many pages the allocator has
// in use (ha_stats, every size class), and keeps the largest count seen. A protocol that loses
// a free leaves its page unusable, so pages in use grow with the work done instead of staying
// bounded by the blocks the test keeps live: the per-protocol tests bound this peak.
#pragma once

#include <hardalloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#include "stats_snapshot.h"

namespace hardalloc_test {

// Pages in use over every size class, now.
inline std::size_t pages_in_use() {
  const ha_stats stats = current_stats();
  std::size_t pages = 0;
  for (std::size_t i = 0; i < stats.size_class_count; ++i) pages += stats.size_classes[i].pages;
  return pages;
}

// Joins `threads` while sampling pages_in_use() every millisecond; returns the peak.
inline std::size_t join_watching_pages(std::vector<std::thread>& threads) {
  std::atomic<bool> done{false};
  std::thread joiner([&] {
    for (std::thread& thread : threads) thread.join();
    done.store(true, std::memory_order_relaxed);  // relaxed: a stop flag; joiner.join() orders the rest
  });
  std::size_t peak = 0;
  while (!done.load(std::memory_order_relaxed)) {  // relaxed: as above
    peak = std::max(peak, pages_in_use());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  joiner.join();
  return std::max(peak, pages_in_use());
}

}  // namespace hardalloc_test
