#include "mem/page.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

namespace hardalloc {
namespace {

// A page over test-owned memory, set up as init_page would.
template <class Config>
struct TestPage {
  explicit TestPage(size_t block, size_t area_bytes = 64 * KiB) {
    memory = static_cast<uint8_t*>(std::aligned_alloc(64 * KiB, area_bytes));
    page.area = memory;
    page.set_block_size(block);
    page.reserved = static_cast<uint32_t>(area_bytes / block);
    page.keys = typename Page<Config>::Codec::Keys{};
    if constexpr (!std::is_empty_v<typename Page<Config>::Codec::Keys>)
      page.keys = {0x1234567890abcdefull, 0x0fedcba987654321ull};
  }
  ~TestPage() { std::free(memory); }
  size_t list_length(void* head) {
    size_t n = 0;
    for (void* b = head; b != nullptr; ++n) {
      b = reinterpret_cast<void*>(Page<Config>::Codec::decode(load_link(b), b, page.keys));
    }
    return n;
  }
  // capacity == used + |free| + |local_free| and |thread_free| <= used (page.h)
  void expect_invariant() {
    EXPECT_EQ(page.capacity.get(), page.used.get() + list_length(page.free) + list_length(page.local_free));
    EXPECT_LE(list_length(reinterpret_cast<void*>(page.thread_free.load() & ~Page<Config>::TF_BITS)), page.used.get());
  }
  uint8_t* memory;
  Page<Config> page;
};

template <class Config>
class PageTest : public ::testing::Test {};
using Configs = ::testing::Types<FastConfig, HardenedConfig>;
TYPED_TEST_SUITE(PageTest, Configs);

TYPED_TEST(PageTest, ExtendCarvesAtMostAnOsPageOfDistinctBlocks) {
  TestPage<TypeParam> t(48);
  t.page.extend(0);
  EXPECT_EQ(t.page.capacity.get(), 4096u / 48);
  std::set<void*> seen;
  while (t.page.free != nullptr) {
    void* b = t.page.pop_free();
    EXPECT_EQ((static_cast<uint8_t*>(b) - t.memory) % 48, 0);
    EXPECT_TRUE(seen.insert(b).second);
  }
  EXPECT_EQ(seen.size(), t.page.capacity.get());
  EXPECT_EQ(t.page.used.get(), t.page.capacity.get());
  t.expect_invariant();
}

TYPED_TEST(PageTest, ReuseLocalFreeTakesFreedBlocksWithoutCarving) {
  TestPage<TypeParam> t(1024);
  t.page.extend(0);
  void* a = t.page.pop_free();
  while (t.page.free != nullptr) t.page.pop_free();
  t.page.push_local(a);
  t.expect_invariant();
  const uint32_t capacity = t.page.capacity.get();
  t.page.reuse_local_free();
  EXPECT_EQ(t.page.capacity.get(), capacity) << "must not carve";
  EXPECT_EQ(t.page.pop_free(), a);
  t.page.reuse_local_free();  // nothing freed: nothing to take, fresh space left to carve
  EXPECT_EQ(t.page.free, nullptr);
  EXPECT_TRUE(t.page.can_extend());
  t.expect_invariant();
}

TYPED_TEST(PageTest, ThreadFreesAreCollectedWithTheirCount) {
  TestPage<TypeParam> t(64);
  t.page.extend(0);
  std::vector<void*> blocks;
  while (t.page.free != nullptr) blocks.push_back(t.page.pop_free());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (size_t j = static_cast<size_t>(i); j < blocks.size(); j += 4) EXPECT_FALSE(t.page.push_thread(blocks[j]));
    });
  }
  for (auto& th : threads) th.join();
  t.expect_invariant();
  EXPECT_EQ(t.page.collect_thread_free(), blocks.size());
  EXPECT_EQ(t.page.used.get(), 0u);
  t.expect_invariant();
}

TYPED_TEST(PageTest, OnlyTheFirstFreeIntoAFullPageNotifies) {
  TestPage<TypeParam> t(64);
  t.page.extend(0);
  void* a = t.page.pop_free();
  void* b = t.page.pop_free();
  ASSERT_TRUE(t.page.mark_full());
  EXPECT_TRUE(t.page.push_thread(a));  // took TF_FULL: must notify, and holds TF_NOTIFYING
  EXPECT_NE(t.page.thread_free.load() & Page<TypeParam>::TF_NOTIFYING, 0u);
  EXPECT_FALSE(t.page.push_thread(b));  // TF_FULL is gone: a plain push
  t.page.end_notify();
  EXPECT_EQ(t.page.thread_free.load() & Page<TypeParam>::TF_BITS, 0u);
  t.page.wait_notified();  // returns at once
  EXPECT_EQ(t.page.collect_thread_free(), 2u);
}

// A freer of an earlier full episode still holds TF_NOTIFYING: the owner must not set TF_FULL
// again until it is done, or a second freer could take it and two would hold the one bit.
TYPED_TEST(PageTest, MarkFullWaitsForAnEarlierNotifier) {
  TestPage<TypeParam> t(64);
  t.page.extend(0);
  void* a = t.page.pop_free();
  ASSERT_TRUE(t.page.mark_full());
  ASSERT_TRUE(t.page.push_thread(a));  // takes TF_FULL, holds TF_NOTIFYING
  EXPECT_EQ(t.page.collect_thread_free(), 1u);
  std::atomic<bool> marked{false};
  std::thread owner([&] { marked = t.page.mark_full(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(marked.load()) << "TF_FULL was set while a notifier still held TF_NOTIFYING";
  t.page.end_notify();
  owner.join();
  EXPECT_TRUE(marked.load());
  EXPECT_EQ(t.page.thread_free.load(), Page<TypeParam>::TF_FULL);
}

TYPED_TEST(PageTest, MarkFullRefusesWhileRemoteFreesArePending) {
  TestPage<TypeParam> t(64);
  t.page.extend(0);
  void* a = t.page.pop_free();
  EXPECT_FALSE(t.page.push_thread(a));
  EXPECT_FALSE(t.page.mark_full());  // the owner must collect instead of parking the page
  EXPECT_EQ(t.page.collect_thread_free(), 1u);
  EXPECT_TRUE(t.page.mark_full());
  t.page.clear_full();
  EXPECT_EQ(t.page.thread_free.load(), 0u);
}

TEST(FreeListCodec, EncodedLinksRoundTripAndHideThePointer) {
  const EncodedFreeList::Keys keys{0xdeadbeefcafef00dull, 0x123456789abcdef1ull};
  int slot;
  for (uintptr_t next : {uintptr_t{0}, uintptr_t{0x7f0012345670}, ~uintptr_t{0}}) {
    const uintptr_t stored = EncodedFreeList::encode(next, &slot, keys);
    EXPECT_NE(stored, next);
    EXPECT_EQ(EncodedFreeList::decode(stored, &slot, keys), next);
    int other_slot;  // a link copied to another block decodes to something else
    EXPECT_NE(EncodedFreeList::decode(stored, &other_slot, keys), next);
  }
}

}  // namespace
}  // namespace hardalloc
