// Protocol: thread exit abandoning pages while other threads free into them (thread_exit ->
// collect_all_pages -> abandon, racing Page::push_thread and notify_owner; docs/concurrency.md).
// Short-lived owners allocate blocks of every kind and hand each to long-lived freers the moment
// it is written, then exit at once: their frees and their thread exit run side by side, so
// pages are abandoned with pushes landing before, during and after. Every block's pattern must
// be intact, and once the last free is done nothing may stay live or abandoned.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "bounded_queue.h"
#include "integrity_counters.h"
#include "live_block_census.h"
#include "page_monitor.h"
#include "random_request.h"
#include "stress_scale.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t BLOCKS_PER_OWNER = 256;
constexpr std::size_t QUEUE_CAPACITY = 4096;  // an owner never waits for the freers
const std::size_t OWNER_COUNT = scaled_for_build(1600);
// Blocks in flight: the queue's and those of the owners running, about 20 owners' worth of
// blocks of every class; a thread that only frees must still collect the frees made into the
// pages it adopted, or the pages in use grow with every owner that came and went.
constexpr std::size_t PAGE_BOUND = 3000;

void own_briefly(BoundedQueue<QUEUE_CAPACITY>& to_free, std::uint64_t seed, IntegrityCounters& integrity) {
  std::mt19937_64 random(seed);
  for (std::size_t i = 0; i < BLOCKS_PER_OWNER; ++i) {
    if (void* block = integrity.allocate_checked(draw_typical_size(random), random())) to_free.push(block);
  }
}  // thread exit: abandons what the freers have not freed yet

void free_all(BoundedQueue<QUEUE_CAPACITY>& to_free, IntegrityCounters& integrity) {
  while (void* block = to_free.pop()) integrity.check_and_free(block);  // null: no more blocks
}

TEST(Abandon, FreesIntoExitingThreadsPagesAreNeverLost) {
  const LiveBlockCensus before = settled_census();
  const std::size_t thread_count = stress_thread_count();
  const std::size_t freer_count = thread_count / 2;
  const std::size_t owners_at_once = thread_count - freer_count;
  BoundedQueue<QUEUE_CAPACITY> to_free;
  IntegrityCounters integrity;
  std::vector<std::thread> freers;
  for (std::size_t i = 0; i < freer_count; ++i) freers.emplace_back(free_all, std::ref(to_free), std::ref(integrity));
  std::vector<std::thread> spawner;  // starts the owners, a few at a time, then ends the freers
  spawner.emplace_back([&] {
    for (std::size_t started = 0; started < OWNER_COUNT; started += owners_at_once) {
      std::vector<std::thread> owners;
      for (std::size_t i = 0; i < owners_at_once; ++i) {
        owners.emplace_back(own_briefly, std::ref(to_free), started + i, std::ref(integrity));
      }
      for (std::thread& owner : owners) owner.join();
    }
    for (std::size_t i = 0; i < freer_count; ++i) to_free.push(nullptr);
    for (std::thread& freer : freers) freer.join();
  });
  const std::size_t peak_pages = join_watching_pages(spawner);
  EXPECT_EQ(integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(integrity.failed_allocations.load(), 0u);
  EXPECT_LE(peak_pages, PAGE_BOUND) << "pages in use grew with the owners that came and went";
  EXPECT_EQ(settled_census(), before);
  std::printf("%zu owners, %zu freers, peak pages in use %zu (bound %zu)\n", OWNER_COUNT, freer_count, peak_pages,
              PAGE_BOUND);
}

}  // namespace
