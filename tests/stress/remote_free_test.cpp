// Protocol: cross-thread free, publishing and collection (Page::push_thread,
// Page::collect_thread_free; docs/concurrency.md). Threads stand in a ring: each allocates
// 256-byte blocks and hands them to the next thread, which checks and frees them, so every such
// free is a push onto the owner's thread_free while the owner keeps allocating from the same
// pages and collects those pushes in its slow path. A lost push would leave its page unusable:
// the pages in use are watched while the threads run and must stay bounded by the blocks in
// flight, every block's pattern must be intact, and nothing may stay live at the end.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "handoff_ring.h"
#include "integrity_counters.h"
#include "live_block_census.h"
#include "page_monitor.h"
#include "stress_scale.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t BLOCK_BYTES = 256;
constexpr std::size_t RING_CAPACITY = 1024;
constexpr std::size_t TAKES_PER_PUT = 2;  // a consumer keeps its ring short
const std::size_t BLOCKS_PER_THREAD = scaled_for_build(2000000);
// In flight per thread: its ring and the blocks in its hands; 256-byte blocks fill a 64 KiB
// page 256 at a time (fewer in the hardened build), so a thread needs about 5 pages of them,
// plus pages a quarantine holds. A lost push grows this by a page per 256 blocks.
constexpr std::size_t PAGE_BOUND_PER_THREAD = 32;

using Ring = HandoffRing<RING_CAPACITY>;

// Thread `index` allocates into rings[index + 1] and frees what rings[index] brings it.
void pass_along(std::vector<std::unique_ptr<Ring>>& rings, std::size_t index, IntegrityCounters& integrity) {
  Ring& outgoing = *rings[(index + 1) % rings.size()];
  Ring& incoming = *rings[index];
  for (std::size_t i = 0; i < BLOCKS_PER_THREAD; ++i) {
    void* block = integrity.allocate_checked(BLOCK_BYTES, index << 32 | i);
    if (block != nullptr && !outgoing.try_put(block)) integrity.check_and_free(block);  // ring full: a local free
    for (std::size_t take = 0; take < TAKES_PER_PUT; ++take) integrity.check_and_free(incoming.try_take());
  }
}

TEST(RemoteFree, EveryPushReachesItsOwner) {
  const LiveBlockCensus before = settled_census();
  const std::size_t thread_count = stress_thread_count();
  std::vector<std::unique_ptr<Ring>> rings;
  for (std::size_t i = 0; i < thread_count; ++i) rings.push_back(std::make_unique<Ring>());
  IntegrityCounters integrity;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < thread_count; ++i)
    threads.emplace_back(pass_along, std::ref(rings), i, std::ref(integrity));
  const std::size_t peak_pages = join_watching_pages(threads);
  for (auto& ring : rings) {
    while (void* block = ring->try_take()) integrity.check_and_free(block);  // the consumers have exited
  }
  EXPECT_EQ(integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(integrity.failed_allocations.load(), 0u);
  EXPECT_LE(peak_pages, thread_count * PAGE_BOUND_PER_THREAD)
      << "pages in use grew with the work: remote frees were not collected";
  EXPECT_EQ(settled_census(), before);
  std::printf("%zu threads, peak pages in use %zu (bound %zu)\n", thread_count, peak_pages,
              thread_count * PAGE_BOUND_PER_THREAD);
}

}  // namespace
