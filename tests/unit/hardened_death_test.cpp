// Death tests of the hardened configuration's checks, one misuse per forked child (gtest death
// tests): the child must abort with exactly the report's stable first line. White-box: the
// allocator is instantiated here, beside the system malloc (the misuse programs preloading the
// hardened library come with that library).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "alloc/allocator.h"
#include "opaque.h"

namespace hardalloc {
namespace {

using hardalloc_test::opaque;
using H = Allocator<HardenedConfig>;

// The first line of a report of `kind` on a block of `block_bytes` (regex, anchored at its start).
std::string report(const char* kind, size_t block_bytes) {
  return std::string("^hardalloc\\[[0-9]+\\] [^ ]+: error: ") + kind + " on 0x[0-9a-f]+ \\(block 0x[0-9a-f]+, " +
         std::to_string(block_bytes) + " bytes[^)]*\\) in thread [0-9]+\n";
}
std::string report_without_block(const char* kind) {
  return std::string("^hardalloc\\[[0-9]+\\] [^ ]+: error: ") + kind + " on 0x[0-9a-f]+ in thread [0-9]+\n";
}

class HardenedDeath : public ::testing::TestWithParam<size_t> {
 protected:
  static void SetUpTestSuite() { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};
// Small, medium and large blocks, each an exact class size, and a huge one (its own mapping).
INSTANTIATE_TEST_SUITE_P(Sizes, HardenedDeath, ::testing::Values(16, 1024, 20480, 196608, 2 * MiB));

// The block a request gets: its class (or, huge, its OS pages), with room for the canary word.
size_t block_bytes_of(size_t request) {
  const size_t needed = request + H::TAIL;
  return request <= H::PAGED_MAX ? bin_block_size(bin_of(needed)) : align_up(needed, OS_PAGE_BYTES);
}

TEST_P(HardenedDeath, DoubleFreeOnTheOwnerThread) {
  const size_t size = GetParam();
  EXPECT_DEATH(
      {
        void* p = H::malloc(opaque(size));
        H::free(p);
        H::free(opaque(p));
      },
      report("double-free", block_bytes_of(size)));
}

TEST_P(HardenedDeath, DoubleFreeFromAnotherThread) {
  const size_t size = GetParam();
  EXPECT_DEATH(
      {
        void* p = H::malloc(opaque(size));
        void* keep = H::malloc(opaque(size));  // the page stays in use after the first free
        std::thread([p] { H::free(p); }).join();
        std::thread([p] { H::free(opaque(p)); }).join();
        H::free(keep);
      },
      // A huge block: the first thread's quarantine gave its mapping back when the thread exited;
      // the segment map still knows the address was ours (no block to name any more).
      size > LARGE_BLOCK_MAX ? report_without_block("double-free") : report("double-free", block_bytes_of(size)));
}

TEST_P(HardenedDeath, InteriorPointerFree) {
  const size_t size = GetParam();
  EXPECT_DEATH(
      {
        auto* p = static_cast<uint8_t*>(H::malloc(opaque(size)));
        H::free(opaque(p + 8));  // blocks are 16-byte aligned: never another block's start
      },
      report("interior-free", block_bytes_of(size)));
}

// A block freed, then used through `use`, while another block keeps its page in use.
template <class Use>
void use_of_a_freed_block(size_t size, Use use) {
  void* p = H::malloc(opaque(size));
  void* keep = H::malloc(opaque(size));
  H::free(p);
  use(opaque(p));
  H::free(keep);
}

TEST_P(HardenedDeath, UsableSizeOfAFreedBlock) {
  const size_t size = GetParam();
  EXPECT_DEATH(use_of_a_freed_block(size, [](void* p) { H::usable_size(p); }),
               report("double-free", block_bytes_of(size)));
}

TEST_P(HardenedDeath, ReallocOfAFreedBlock) {
  const size_t size = GetParam();
  EXPECT_DEATH(use_of_a_freed_block(size, [size](void* p) { H::realloc(p, 2 * size); }),
               report("double-free", block_bytes_of(size)));
}

TEST(HardenedDeathForeign, StackGlobalAndSystemMallocPointers) {
  static int global_object;
  EXPECT_DEATH(
      {
        int on_stack = 0;
        H::free(opaque(&on_stack));
      },
      report_without_block("foreign-free"));
  EXPECT_DEATH(H::free(opaque(&global_object)), report_without_block("foreign-free"));
  EXPECT_DEATH(H::free(opaque(std::malloc(64))), report_without_block("foreign-free"));
  EXPECT_DEATH(H::free(opaque(Allocator<FastConfig>::malloc(64))), report_without_block("foreign-free"));
}

TEST(HardenedDeathForeign, PointerIntoAnUncarvedPartOfAPage) {
  EXPECT_DEATH(
      {
        auto* p = static_cast<uint8_t*>(H::malloc(opaque(64)));
        H::free(opaque(p + 32 * KiB));  // same 64 KiB page, past every block carved so far
      },
      report_without_block("invalid-free"));
}

TEST(HardenedDeathAligned, AlignedPointersFreeAndInteriorOnesAreReported) {
  for (size_t alignment : {size_t{64}, size_t{4096}, size_t{65536}}) {
    void* p = H::aligned(alignment, 100);
    ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % alignment, 0u);
    H::free(p);  // an aligned pointer inside a block is no interior pointer
  }
  EXPECT_DEATH(
      {
        auto* p = static_cast<uint8_t*>(H::aligned(opaque(4096), 100));
        H::free(opaque(p + 16));
      },
      "^hardalloc\\[[0-9]+\\] [^ ]+: error: interior-free on 0x[0-9a-f]+ \\(block 0x[0-9a-f]+");
  EXPECT_DEATH(
      {
        void* p = H::aligned(opaque(4096), 100);
        H::free(p);
        H::free(opaque(p));
      },
      "^hardalloc\\[[0-9]+\\] [^ ]+: error: double-free on 0x[0-9a-f]+ \\(block 0x[0-9a-f]+");
}

// A pointer into the guard slot after a large block is no block's: reported as such, without
// reading the guard page (where a page with aligned pointers keeps their records, just before
// the pointer).
TEST(HardenedDeathAligned, AFreeInsideAGuardSlotIsAnInvalidFree) {
  EXPECT_DEATH(
      {
        auto* p = static_cast<uint8_t*>(H::malloc(opaque(size_t{200} * KiB)));
        Page<HardenedConfig>* page = segment_of<HardenedConfig>(p)->page_of(p);
        page->set_flags(page->flags.get() | PAGE_HAS_ALIGNED, tl_heap<HardenedConfig>);  // as aligned_generic does
        H::free(opaque(p + page->size() + 64));
      },
      report_without_block("invalid-free"));
}

// seeds/004, attack 1: a use after free writes a forged link into a free block; the next
// allocations must not follow it.
TEST(HardenedDeathFreeList, UseAfterFreeWriteOfALinkIsCaught) {
  EXPECT_DEATH(
      {
        void* keep = H::malloc(opaque(48));  // keeps the page in use
        void* blocks[8];
        for (void*& b : blocks) b = H::malloc(opaque(48));
        for (void* b : blocks) H::free(b);
        H::collect(false);  // out of the quarantine, onto the page's free list (the last freed first)
        static char target[64];
        // The use after free, written through the uninstrumented accessor: in ASan builds ASan
        // would otherwise report the write itself before our check runs.
        store_link(blocks[7], reinterpret_cast<uintptr_t>(opaque(static_cast<void*>(target))));
        for (int i = 0; i < 256; ++i) {  // past the page's fresh blocks, into the freed ones
          void* q = H::malloc(opaque(48));
          if (q == target) std::abort();  // never: the forged link is caught before
        }
        H::free(keep);
      },
      "^hardalloc\\[[0-9]+\\] [^ ]+: error: free-list-corruption on 0x[0-9a-f]+ \\(block 0x[0-9a-f]+, " +
          std::to_string(block_bytes_of(48)) + " bytes\\)");
}

// seeds/004, attack 2: a double free that would make malloc hand out one block twice.
TEST(HardenedDeathFreeList, DoubleFreeCannotYieldTwoLivePointers) {
  EXPECT_DEATH(
      {
        void* a = H::malloc(opaque(32));
        void* b = H::malloc(opaque(32));
        H::free(a);
        H::free(b);
        H::free(opaque(a));
        if (H::malloc(32) == H::malloc(32)) std::abort();
      },
      report("double-free", block_bytes_of(32)));
}

// No false alarm: a huge block grown by moving its mapping is still known to the segment map.
TEST(HardenedNoFalseAlarm, HugeBlockMovedByReallocFreesCleanly) {
  void* p = H::malloc(opaque(2 * MiB));
  ASSERT_NE(p, nullptr);
  for (size_t size = 4 * MiB; size <= 64 * MiB; size *= 2) {
    p = H::realloc(p, size);
    ASSERT_NE(p, nullptr);
    EXPECT_GE(H::usable_size(p), size);
  }
  H::free(p);  // a report would abort the test program
}

TEST(HardenedReport, TheStackNamesTheCaller) {
  EXPECT_DEATH(
      {
        void* p = H::malloc(opaque(16));
        H::free(p);
        H::free(opaque(p));
      },
      "detected at:\n    #0 0x[0-9a-f]+ .*\n    #1 ");
}

}  // namespace
}  // namespace hardalloc
