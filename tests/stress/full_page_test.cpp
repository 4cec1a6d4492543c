// Protocol: a page going full, then receiving remote frees (Page::mark_full, the push that
// takes TF_FULL, notify_owner -> collect_unfull; docs/concurrency.md). Threads work in pairs: an
// owner fills whole pages with 1 KiB blocks, a batch of four pages at a time, and hands each
// batch to its freer, which checks and frees every block of it. The owner's pages are full when
// the frees arrive, so each free either finds TF_FULL and tells the owner, or lands before the
// owner marked the page full and is collected by it. A lost wake-up leaves pages in the full
// queue with free blocks the owner never sees, and it maps new ones for every batch: the pages
// in use must stay bounded by the batches in flight.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "bounded_queue.h"
#include "integrity_counters.h"
#include "live_block_census.h"
#include "page_monitor.h"
#include "stress_scale.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t BLOCK_BYTES = 1024;
constexpr std::size_t BATCH_BLOCKS = 256;  // four 64 KiB pages of 1 KiB blocks (fewer per page when hardened)
const std::size_t BATCHES_PER_OWNER = scaled_for_build(6000);
// In flight per pair: the batch being filled, two queued, the one being freed: 16 pages, about
// 20 in the hardened build, plus what a quarantine holds. A lost wake-up adds four per batch.
constexpr std::size_t PAGE_BOUND_PER_PAIR = 64;

using Batch = std::array<void*, BATCH_BLOCKS>;

struct Pair {
  BoundedQueue<2> batches;  // null: no more batches
};

void own(Pair& pair, std::uint64_t seed, IntegrityCounters& integrity) {
  for (std::size_t round = 0; round < BATCHES_PER_OWNER; ++round) {
    auto batch = std::make_unique<Batch>();
    for (std::size_t i = 0; i < BATCH_BLOCKS; ++i) (*batch)[i] = integrity.allocate_checked(BLOCK_BYTES, seed + i);
    seed += BATCH_BLOCKS;
    pair.batches.push(batch.release());
  }
  pair.batches.push(nullptr);
}

void free_batches(Pair& pair, IntegrityCounters& integrity) {
  while (void* next = pair.batches.pop()) {
    std::unique_ptr<Batch> batch(static_cast<Batch*>(next));
    for (void* block : *batch) integrity.check_and_free(block);
  }
}

TEST(FullPage, RemoteFreesIntoFullPagesReachTheOwner) {
  const LiveBlockCensus before = settled_census();
  const std::size_t pair_count = stress_thread_count() / 2;
  std::vector<std::unique_ptr<Pair>> pairs;
  IntegrityCounters integrity;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < pair_count; ++i) {
    pairs.push_back(std::make_unique<Pair>());
    threads.emplace_back(own, std::ref(*pairs.back()), std::uint64_t{i} << 40, std::ref(integrity));
    threads.emplace_back(free_batches, std::ref(*pairs.back()), std::ref(integrity));
  }
  const std::size_t peak_pages = join_watching_pages(threads);
  EXPECT_EQ(integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(integrity.failed_allocations.load(), 0u);
  EXPECT_LE(peak_pages, pair_count * PAGE_BOUND_PER_PAIR)
      << "pages in use grew with the work: frees into full pages were not seen by their owner";
  EXPECT_EQ(settled_census(), before);
  std::printf("%zu pairs, peak pages in use %zu (bound %zu)\n", pair_count, peak_pages,
              pair_count * PAGE_BOUND_PER_PAIR);
}

}  // namespace
