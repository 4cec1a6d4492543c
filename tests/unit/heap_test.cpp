// The heap's slow paths, observed through the statistics of each Config: both instantiations
// run side by side in this binary and must not share anything.
#include "alloc/heap.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>

#include <chrono>
#include <csignal>
#include <set>
#include <thread>
#include <vector>

#include "alloc/allocator.h"
#include "alloc/stats.h"

namespace hardalloc {
namespace {

template <class Config>
size_t live_blocks(size_t size) {
  ha_stats s;
  Stats<Config>::get(s);
  return s.size_classes[bin_of(size + Allocator<Config>::TAIL)].live_blocks;
}
template <class Config>
size_t pages_of(size_t size) {
  ha_stats s;
  Stats<Config>::get(s);
  return s.size_classes[bin_of(size + Allocator<Config>::TAIL)].pages;
}

template <class Config>
class HeapTest : public ::testing::Test {};
using Configs = ::testing::Types<FastConfig, HardenedConfig>;
TYPED_TEST_SUITE(HeapTest, Configs);

TYPED_TEST(HeapTest, ConfigsKeepSeparateHeaps) {
  using A = Allocator<TypeParam>;
  using Other = std::conditional_t<std::is_same_v<TypeParam, FastConfig>, HardenedConfig, FastConfig>;
  const size_t size = 272;  // a class no other test of this binary uses
  const size_t before_other = live_blocks<Other>(size);
  std::vector<void*> blocks;
  for (int i = 0; i < 100; ++i) blocks.push_back(A::malloc(size));
  EXPECT_EQ(live_blocks<TypeParam>(size), 100u);
  EXPECT_EQ(live_blocks<Other>(size), before_other);
  for (void* b : blocks) A::free(b);
  A::collect(false);  // the hardened quarantine gives its blocks back
  EXPECT_EQ(live_blocks<TypeParam>(size), 0u);
}

TYPED_TEST(HeapTest, CrossThreadFreesIntoAFullPageAreReused) {
  using A = Allocator<TypeParam>;
  const size_t size = 3000;  // 21 blocks per 64 KiB page
  std::vector<void*> blocks;
  for (int i = 0; i < 21 * 8; ++i) blocks.push_back(A::malloc(size));
  const size_t pages = pages_of<TypeParam>(size);
  std::thread([&] {
    for (void* b : blocks) A::free(b);
  }).join();
  // The frees went to thread_free of pages now in the full queue; allocating the same number
  // again must find them instead of taking new pages.
  for (auto& b : blocks) b = A::malloc(size);
  EXPECT_EQ(pages_of<TypeParam>(size), pages);
  for (void* b : blocks) A::free(b);
}

// A remote free into one of several full pages sets that page's bit in its segment's
// unfull_mask and the heap's hint; the owner's next slow path (any class) takes both and
// un-fulls that page alone: it visits the pages that received frees, not its full queue.
TEST(FastHeap, ARemoteFreeIntoAFullPageUnfullsThatPageAlone) {
  using A = Allocator<FastConfig>;
  const size_t size = 4000;    // 16 blocks per 64 KiB page; a class no other test of this binary uses
  const size_t other = 14000;  // a class no other test uses: its first malloc takes the slow path
  std::thread([&] {
    const auto page_of = [](void* b) { return segment_of<FastConfig>(b)->page_of(b); };
    std::vector<void*> blocks{A::malloc(size)};
    std::vector<Page<FastConfig>*> pages{page_of(blocks.back())};
    while (pages.size() < 5) {
      blocks.push_back(A::malloc(size));
      if (page_of(blocks.back()) != pages.back()) pages.push_back(page_of(blocks.back()));
    }
    for (size_t i = 0; i < 4; ++i) ASSERT_NE(pages[i]->flags.get() & PAGE_IN_FULL, 0) << "page " << i;
    void* freed = nullptr;
    for (void* b : blocks) {
      if (page_of(b) == pages[1]) freed = b;
    }
    std::thread([freed] { A::free(freed); }).join();
    Segment<FastConfig>* s = segment_of<FastConfig>(freed);
    const uint64_t bit = uint64_t{1} << (pages[1] - s->pages);
    EXPECT_EQ(s->unfull_mask.load(), bit);
    EXPECT_TRUE(tl_heap<FastConfig>->unfull_hint.load());
    void* slow = A::malloc(other);  // find_page: collect_unfull first
    EXPECT_EQ(s->unfull_mask.load(), 0u);
    EXPECT_FALSE(tl_heap<FastConfig>->unfull_hint.load());
    EXPECT_EQ(pages[1]->flags.get() & PAGE_IN_FULL, 0) << "the page that received a free left the full queue";
    for (size_t i : {0, 2, 3}) EXPECT_NE(pages[i]->flags.get() & PAGE_IN_FULL, 0) << "page " << i << " stays full";
    A::free(slow);
    for (void* b : blocks) {
      if (b != freed) A::free(b);
    }
  }).join();
}

// Two blocks of `size` that a thread allocated and left behind when it exited, in an abandoned
// segment; `keep` is a block of this thread's, so that this heap owns a segment with free pages
// and wants no other (HeapOps::wants_segment).
struct AbandonedPair {
  void* keep = nullptr;
  void* blocks[2] = {};
  Segment<FastConfig>* segment = nullptr;

  explicit AbandonedPair(size_t size) : keep(Allocator<FastConfig>::malloc(size)) {
    std::thread([&] {
      blocks[0] = Allocator<FastConfig>::malloc(size);
      blocks[1] = Allocator<FastConfig>::malloc(size);
    }).join();
    segment = segment_of<FastConfig>(blocks[0]);
  }
  // Both blocks in one segment, and that segment abandoned.
  bool abandoned_together() const { return segment == segment_of<FastConfig>(blocks[1]) && segment->abandoned; }
};

// A thread with free pages of its own that frees the last block live in an abandoned segment
// adopts it (Segment::abandoned_live reaches zero), so the segment, now empty, goes back.
TEST(FastHeap, FreeingTheLastLiveBlockOfAnAbandonedSegmentAdoptsIt) {
  using A = Allocator<FastConfig>;
  AbandonedPair pair(5500);  // a class no other test of this binary uses
  ASSERT_TRUE(pair.abandoned_together());
  auto& [keep, blocks, s] = pair;
  if (s->abandoned_live.load() != 2) {
    GTEST_SKIP() << "the exited thread's blocks share their segment with blocks of earlier tests in this "
                    "process; ctest runs each test in a process of its own";
  }
  ha_stats before;
  Stats<FastConfig>::get(before);
  A::free(blocks[0]);
  EXPECT_TRUE(s->abandoned) << "adopted by a free that was not its last block";
  EXPECT_EQ(s->abandoned_live.load(), 1u);
  A::free(blocks[1]);  // adopts the segment, which is then empty: back to the pool, maybe unmapped
  ha_stats after;
  Stats<FastConfig>::get(after);
  EXPECT_EQ(after.abandoned_segments + 1, before.abandoned_segments)
      << "the free of its last live block did not adopt it";
  A::free(keep);
}

// A thread with free pages of its own does not adopt an abandoned segment by freeing into it
// (unless its free is the segment's last live block); once the segment has waited the purge
// delay, the next upkeep or collect of any thread adopts it, so its memory does not wait for a
// thread that runs out of pages.
TEST(FastHeap, AnAbandonedSegmentNobodyWantsIsAdoptedOnceItWaitedThePurgeDelay) {
  using A = Allocator<FastConfig>;
  AbandonedPair pair(4500);  // a class no other test of this binary uses
  ASSERT_TRUE(pair.abandoned_together());
  auto& [keep, blocks, s] = pair;
  A::free(blocks[0]);
  EXPECT_TRUE(s->abandoned) << "adopted by a free that was not its last block, before the delay";
  while (os_now_ms() < s->abandoned_until_ms.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // Older abandoned segments of earlier tests go first, one per collect.
  for (int i = 0; i < 1000 && s->abandoned; ++i) A::collect(false);
  EXPECT_FALSE(s->abandoned);
  EXPECT_EQ(s->owner.load(), tl_heap<FastConfig>);
  A::free(blocks[1]);
  A::free(keep);
}

// A page that leaves the full queue goes to the back of its class queue, and the search for a
// page takes freed blocks there before it carves fresh ones from the page in front (the memory
// is already touched). Blocks of 6000 bytes are carved one at a time, so the front page has
// nothing but fresh space to give.
TEST(FastHeap, FreedBlocksAreReusedBeforeFreshOnesAreCarved) {
  using A = Allocator<FastConfig>;
  const size_t size = 6000;  // a class no other test of this binary uses
  std::thread([&] {
    const auto page_of = [](void* b) { return segment_of<FastConfig>(b)->page_of(b); };
    std::vector<void*> blocks{A::malloc(size)};
    while (page_of(blocks.back()) == page_of(blocks.front())) blocks.push_back(A::malloc(size));
    // The first page is full and in the full queue; the second has carved one block.
    A::free(blocks.front());
    void* again = A::malloc(size);
    EXPECT_EQ(again, blocks.front()) << "the freed block of the page behind must be reused";
    blocks.front() = again;
    for (void* b : blocks) A::free(b);
  }).join();
}

// Every thread exits with live blocks, so every segment holding survivors ends up abandoned (a
// later thread may adopt one, and abandons it again when it exits). Freeing the blocks from this
// thread adopts each such segment (reclaim_on_free); none stays abandoned or owned by an exited
// thread.
TYPED_TEST(HeapTest, ExitedThreadsSegmentsAreReclaimed) {
  using A = Allocator<TypeParam>;
  const size_t size = 1536;
  std::vector<void*> survivors;
  for (int t = 0; t < 8; ++t) {
    std::thread([&] {
      for (int i = 0; i < 50; ++i) survivors.push_back(A::malloc(size));
    }).join();
  }
  std::set<Segment<TypeParam>*> segments;
  for (void* b : survivors) segments.insert(segment_of<TypeParam>(b));
  ha_stats s;
  Stats<TypeParam>::get(s);
  EXPECT_EQ(s.abandoned_segments, segments.size()) << "every segment with survivors, and no other, is abandoned";
  for (Segment<TypeParam>* segment : segments) {
    EXPECT_TRUE(segment->abandoned);
    EXPECT_EQ(segment->owner.load(std::memory_order_relaxed), nullptr);
  }
  EXPECT_EQ(live_blocks<TypeParam>(size), 400u);
  for (void* b : survivors) A::free(b);  // the last free into each segment adopts it (reclaim_on_free)
  A::collect(true);
  Stats<TypeParam>::get(s);
  EXPECT_EQ(s.abandoned_segments, 0u);
  EXPECT_EQ(live_blocks<TypeParam>(size), 0u);
  for (Segment<TypeParam>* segment : segments) {
    // Adopted by this thread's heap, or emptied: then unmapped by the forced collect (msync
    // fails with ENOMEM on an unmapped range), or back in the pool without an owner.
    if (msync(segment, OS_PAGE_BYTES, MS_ASYNC) != 0) {
      EXPECT_EQ(errno, ENOMEM);
      continue;
    }
    Heap<TypeParam>* owner = segment->owner.load(std::memory_order_relaxed);
    EXPECT_FALSE(segment->abandoned);
    EXPECT_TRUE(owner == nullptr || owner == tl_heap<TypeParam>) << "a segment is still owned by an exited thread";
  }
}

// Found by fuzz_ops (corpus/regressions/free-adopts-first-heap.trace): a thread whose first
// call is a free into an exited thread's segment adopts it with a brand-new heap, and the free
// must then retire the page in that heap, not in the static empty heap.
TYPED_TEST(HeapTest, FirstCallFreeIntoAbandonedSegmentUsesTheNewHeap) {
  using A = Allocator<TypeParam>;
  void* left_behind = nullptr;
  std::thread([&] { left_behind = A::malloc(17); }).join();
  std::thread([&] {
    A::free(left_behind);  // this thread's first call: adopts the segment
    void* fresh = A::malloc(17);
    EXPECT_GE(A::usable_size(fresh), 17u);
    A::free(fresh);
  }).join();
  EXPECT_EQ(g_empty_heap<TypeParam>.queues[bin_of(17)].first, nullptr) << "the empty heap was written";
  EXPECT_EQ(g_empty_heap<TypeParam>.direct[2], &g_empty_page<TypeParam>);
}

TYPED_TEST(HeapTest, EmptyPagesArePurgedAndSegmentsRecycled) {
  using A = Allocator<TypeParam>;
  std::vector<void*> blocks;
  for (int i = 0; i < 4000; ++i) blocks.push_back(A::malloc(40000));  // medium pages, ~160 MB
  ha_stats s;
  Stats<TypeParam>::get(s);
  const size_t committed_at_peak = s.committed_bytes;
  const size_t reserved_at_peak = s.reserved_bytes;
  for (void* b : blocks) A::free(b);
  A::collect(true);
  Stats<TypeParam>::get(s);
  EXPECT_LT(s.committed_bytes, committed_at_peak / 10);
  for (int i = 0; i < 4000; ++i) blocks[i] = A::malloc(40000);
  Stats<TypeParam>::get(s);
  EXPECT_LE(s.reserved_bytes, reserved_at_peak) << "freed segments must be reused";
  for (void* b : blocks) A::free(b);
}

// The child reports through its exit code whether the fault hit exactly the guard address;
// a handler of our own (rather than death by signal) keeps this working under ASan and TSan,
// which would otherwise turn the SIGSEGV into their own report.
constexpr int FAULT_AT_GUARD = 77;
constexpr int FAULT_ELSEWHERE = 78;
// volatile itself: the handler must see the store made just before the faulting write.
volatile uint8_t* volatile g_guard_address = nullptr;

void on_segv(int, siginfo_t* info, void*) {
  _exit(info->si_addr == const_cast<uint8_t*>(g_guard_address) ? FAULT_AT_GUARD : FAULT_ELSEWHERE);
}

// Forks a child that writes one byte at `address`, a guard page's: the write must fault there.
void expect_write_faults_at(uint8_t* address) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    struct sigaction action {};
    action.sa_sigaction = on_segv;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &action, nullptr);
    unpoison(address, 1);  // under ASan, poisoning would report the write before the guard faults
    g_guard_address = address;
    *g_guard_address = 1;
    _exit(0);  // the write did not fault
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), FAULT_AT_GUARD);
}

TEST(HardenedHeap, OverflowPastThePageHitsTheGuard) {
  using A = Allocator<HardenedConfig>;
  // The last OS page of every page is the guard: writing there must fault.
  auto* block = static_cast<uint8_t*>(A::malloc(4096));
  ASSERT_NE(block, nullptr);
  Segment<HardenedConfig>* s = segment_of<HardenedConfig>(block);
  const size_t index = static_cast<size_t>(s->page_of(block) - s->pages);
  expect_write_faults_at(s->page_start(index) + (size_t{1} << s->page_shift) - OS_PAGE_BYTES);
  A::free(block);
}

// Large blocks share pages, each followed by a guard slot (Page::SLOT_GUARDS): blocks lie a
// block size and a guard page apart, and a write just past a block's end faults.
TEST(HardenedHeap, EachBlockOfALargePageEndsInAGuardSlot) {
  using A = Allocator<HardenedConfig>;
  auto* block = static_cast<uint8_t*>(A::malloc(200 * KiB));
  ASSERT_NE(block, nullptr);
  Segment<HardenedConfig>* s = segment_of<HardenedConfig>(block);
  Page<HardenedConfig>* page = s->page_of(block);
  EXPECT_EQ(s->kind, SegmentKind::large);
  EXPECT_EQ(page->stride(), page->size() + OS_PAGE_BYTES);
  EXPECT_EQ(static_cast<size_t>(block - page->area) % page->stride(), 0u);
  expect_write_faults_at(block + page->size());
  A::free(block);
}

}  // namespace
}  // namespace hardalloc
