#include "mem/segment.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <string>

#include "alloc/allocator.h"
#include "hardening/guard_protect.h"

namespace hardalloc {
namespace {

template <class Config>
class SegmentTest : public ::testing::Test {};
using Configs = ::testing::Types<FastConfig, HardenedConfig>;
TYPED_TEST_SUITE(SegmentTest, Configs);

TYPED_TEST(SegmentTest, HeaderFitsInPageZeroWithRoomForBlocks) {
  // The fast header is the page table alone; the hardened one adds the block-state bitmap.
  const size_t bound = std::is_empty_v<BlockStatesOf<TypeParam>> ? 16 * KiB : 48 * KiB;
  EXPECT_LE(SEGMENT_HEADER_BYTES<TypeParam>, bound);
  EXPECT_EQ(SEGMENT_HEADER_BYTES<TypeParam> % OS_PAGE_BYTES, 0u);
  // Page 0 of a small segment still holds a block of the largest small class, and a large
  // segment at least 3 blocks of 1 MiB, each with its guard slot and the page's end guard.
  EXPECT_GE((size_t{1} << SMALL_PAGE_SHIFT) - SEGMENT_HEADER_BYTES<TypeParam> - PAGE_GUARD_BYTES<TypeParam>,
            SMALL_BLOCK_MAX);
  EXPECT_GE((SEGMENT_BYTES - SEGMENT_HEADER_BYTES<TypeParam> - PAGE_GUARD_BYTES<TypeParam>) /
                (LARGE_BLOCK_MAX + PAGE_GUARD_BYTES<TypeParam>),
            3u);
}

TYPED_TEST(SegmentTest, EveryBlockFindsItsSegmentAndPage) {
  using A = Allocator<TypeParam>;
  for (size_t size : {size_t{1}, size_t{100}, size_t{1000}, size_t{8000}, size_t{20000}, size_t{64 * KiB},
                      size_t{100 * KiB}, size_t{3 * MiB}, size_t{9 * MiB}}) {
    uint8_t* p = static_cast<uint8_t*>(A::malloc(size));
    ASSERT_NE(p, nullptr);
    Segment<TypeParam>* s = segment_of<TypeParam>(p);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(s) % SEGMENT_BYTES, 0u);
    Page<TypeParam>* page = s->page_of(p);
    EXPECT_TRUE(page->in_use) << size;
    EXPECT_GE(p, page->area) << size;
    EXPECT_LT(p, page->area + static_cast<size_t>(page->reserved) * page->stride()) << size;
    EXPECT_GE(page->size(), size);
    A::free(p);
  }
}

TYPED_TEST(SegmentTest, AlignmentsUpToTheSmallPageSizeStayInSharedPages) {
  using A = Allocator<TypeParam>;
  for (size_t alignment = 8 * KiB; alignment <= 64 * KiB; alignment *= 2) {
    for (size_t size : {size_t{0}, size_t{64}, size_t{100 * KiB}}) {
      void* p = A::aligned(alignment, size);
      ASSERT_NE(p, nullptr) << alignment;
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % alignment, 0u) << alignment << " size " << size;
      // Within the largest paged request (a large page's, guard slots or not).
      const bool paged = size + alignment - 1 <= A::PAGED_MAX;
      EXPECT_EQ(segment_of<TypeParam>(p)->kind == SegmentKind::dedicated, !paged) << alignment << " size " << size;
      EXPECT_GE(A::usable_size(p), size);
      A::free(p);
    }
  }
}

TYPED_TEST(SegmentTest, LargeAlignmentsFindTheirSegment) {
  using A = Allocator<TypeParam>;
  for (size_t alignment = 128 * KiB; alignment <= 64 * MiB; alignment *= 2) {
    for (size_t size : {size_t{0}, size_t{1000}}) {  // size 0: found by fuzz_ops (4 MiB-aligned only)
      void* p = A::aligned(alignment, size);
      ASSERT_NE(p, nullptr) << alignment;
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % alignment, 0u) << alignment << " size " << size;
      Segment<TypeParam>* s = segment_of<TypeParam>(p);
      EXPECT_EQ(s->kind, SegmentKind::dedicated) << alignment;
      EXPECT_EQ(static_cast<void*>(s->pages[0].area), p) << alignment;
      A::free(p);
    }
  }
}

// A freed huge block's mapping waits in the pool's cache for the next huge block it fits (fast
// build); with guard pages it goes back to the OS at once, so a stale pointer faults.
TYPED_TEST(SegmentTest, AFreedHugeMappingServesTheNextHugeBlockItFitsUnlessGuarded) {
  using A = Allocator<TypeParam>;
  A::collect(true);  // an empty cache: what earlier tests left would fit better
  void* first = A::malloc(8 * MiB);
  ASSERT_NE(first, nullptr);
  Segment<TypeParam>* const segment = segment_of<TypeParam>(first);
  const uint64_t freed_ms = os_now_ms();
  A::free(first);
  void* second = A::malloc(6 * MiB);
  ASSERT_NE(second, nullptr);
  const bool delay_passed = os_now_ms() >= freed_ms + options().purge_delay_ms;
  const bool reused = segment_of<TypeParam>(second) == segment;
  A::free(second);
  if (PAGE_GUARD_BYTES<TypeParam> != 0) {  // both blocks freed (the second pushes the first out of any quarantine)
    EXPECT_EQ(SegmentMap<TypeParam>::lookup(segment), SegmentMap<TypeParam>::UNMAPPED);
    return;
  }
  if (delay_passed) GTEST_SKIP() << "the purge delay passed between the free and the malloc (a loaded machine)";
  EXPECT_TRUE(reused) << "the 8 MiB mapping was not reused for 6 MiB";
}

// The purge pacing (purge_pacing.h) counts a dedicated block's segment as it counts pages: a
// thread that maps one soon after the pool unmapped a segment it freed doubles the delay; another
// thread's mapping, or one after a huge mapping's unmap, does not. The pool's purge pass runs at a
// time a few delays ahead, so that the freed segment is due. Returns the delay then in force.
uint64_t delay_after_remapping(size_t freed_request, uint64_t freeing_thread, size_t mapped_request,
                               uint64_t mapping_thread) {
  using Pool = SegmentPool<FastConfig>;
  Pool::purge_free_segments(0, true);  // an empty pool: the second block must map
  Segment<FastConfig>* freed = Pool::acquire_dedicated(freed_request, 64 * KiB, freeing_thread);
  if (freed == nullptr) return 0;
  Pool::release_dedicated(freed, freeing_thread);
  Pool::purge_free_segments(os_now_ms() + 4 * PurgePacing::delay_ms(), false);
  Segment<FastConfig>* mapped = Pool::acquire_dedicated(mapped_request, 64 * KiB, mapping_thread);
  if (mapped == nullptr) return 0;
  const uint64_t delay = PurgePacing::delay_ms();
  Pool::release_dedicated(mapped, mapping_thread);
  return delay;
}

class SegmentPacing : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(options().purge_delay_ms, 0u);
    // The pacing is process-wide: ctest runs each test in a process of its own.
    if (PurgePacing::delay_ms() != options().purge_delay_ms)
      GTEST_SKIP() << "an earlier test in this process changed the purge pacing; run it alone";
  }
};

TEST_F(SegmentPacing, MappingADedicatedSegmentSoonAfterItsThreadsWasUnmappedDoublesTheDelay) {
  EXPECT_EQ(delay_after_remapping(100 * KiB, 7, 100 * KiB, 7), 2 * options().purge_delay_ms);
}

TEST_F(SegmentPacing, AnotherThreadsMappingIsNoRegret) {
  EXPECT_EQ(delay_after_remapping(100 * KiB, 7, 100 * KiB, 8), options().purge_delay_ms);
}

TEST_F(SegmentPacing, ASegmentMappedAfterAHugeMappingsUnmapIsNoRegret) {
  EXPECT_EQ(delay_after_remapping(8 * MiB, 7, 100 * KiB, 7), options().purge_delay_ms);
}

// A guard page the OS refuses (here: a range nobody maps, which mprotect rejects with ENOMEM as
// it does once the process reached vm.max_map_count) is reported once, and errno is kept.
TEST(GuardProtect, AGuardTheOSRefusesIsReportedOnceAsAWarning) {
  void* range = mmap(nullptr, 2 * OS_PAGE_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(range, MAP_FAILED);
  ASSERT_EQ(munmap(range, 2 * OS_PAGE_BYTES), 0);
  ::testing::internal::CaptureStderr();
  errno = EINTR;
  const bool first = protect_guard(range, OS_PAGE_BYTES);
  const bool second = protect_guard(range, OS_PAGE_BYTES);
  const int kept_errno = errno;
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(first);
  EXPECT_FALSE(second);
  EXPECT_EQ(kept_errno, EINTR);
  const std::string warning = "warning: a guard page could not be set";
  const size_t at = err.find(warning);
  ASSERT_NE(at, std::string::npos) << err;
  EXPECT_EQ(err.find(warning, at + 1), std::string::npos) << "warned twice: " << err;
}

}  // namespace
}  // namespace hardalloc
