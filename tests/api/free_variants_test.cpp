// free(NULL), free_sized and free_aligned_sized release exactly what they are given; checked
// builds (debug, sanitizers) reject a size larger than the block or a missing alignment.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <cstdint>
#include <string>

#include "build_flavour.h"
#include "stats_snapshot.h"

namespace {

using hardalloc_test::in_use_bytes;

constexpr std::size_t REQUEST_SIZES[] = {1, 16, 100, 1000, 20000, 300000, std::size_t{5} << 20, std::size_t{40} << 20};

// The library's checked builds are this test's (one build): see HA_CHECKED_BUILD in src/api/c_api.h.
#if !defined(NDEBUG) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool CHECKED_BUILD = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool CHECKED_BUILD = true;
#else
constexpr bool CHECKED_BUILD = false;
#endif
#else
constexpr bool CHECKED_BUILD = false;
#endif

TEST(FreeVariants, FreeOfNullDoesNothing) {
  const std::size_t before_bytes = in_use_bytes();
  ha_free(nullptr);
  ha_free_sized(nullptr, 0);
  ha_free_aligned_sized(nullptr, 64, 0);
  EXPECT_EQ(in_use_bytes(), before_bytes);
}

TEST(FreeVariants, FreeSizedReleasesTheBlock) {
  for (std::size_t size_bytes : REQUEST_SIZES) {
    const std::size_t before_bytes = in_use_bytes();
    void* block = ha_malloc(size_bytes);
    ASSERT_NE(block, nullptr);
    EXPECT_GE(in_use_bytes(), before_bytes + size_bytes);
    ha_free_sized(block, size_bytes);
    hardalloc_test::settle_frees();
    EXPECT_EQ(in_use_bytes(), before_bytes) << "size " << size_bytes;
  }
}

TEST(FreeVariants, FreeAlignedSizedReleasesTheBlock) {
  for (std::size_t alignment : {std::size_t{16}, std::size_t{256}, std::size_t{65536}, std::size_t{4} << 20}) {
    for (std::size_t size_bytes : REQUEST_SIZES) {
      const std::size_t aligned_size_bytes = (size_bytes + alignment - 1) / alignment * alignment;
      const std::size_t before_bytes = in_use_bytes();
      void* block = ha_aligned_alloc(alignment, aligned_size_bytes);
      ASSERT_NE(block, nullptr);
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % alignment, 0u);
      ha_free_aligned_sized(block, alignment, aligned_size_bytes);
      hardalloc_test::settle_frees();
      EXPECT_EQ(in_use_bytes(), before_bytes) << "alignment " << alignment << " size " << aligned_size_bytes;
    }
  }
}

// The report of a sized free whose size or alignment is not the block's (regex).
std::string size_mismatch(const char* what, std::size_t given) {
  return "hardalloc\\[[0-9]+\\] [^:]+: error: size-mismatch on 0x[0-9a-f]+ .*\n  the " + std::string(what) +
         " given to the sized free is not .*: " + what + " given " + std::to_string(given);
}

// Checked builds (debug, sanitizers) catch a size above the usable size; the hardened build knows
// every request exactly and catches any other size.
constexpr bool SIZES_CHECKED = CHECKED_BUILD || hardalloc_test::HARDENED;

TEST(FreeVariantsDeathTest, FreeSizedLargerThanTheBlockIsReported) {
  if (!SIZES_CHECKED) {
    GTEST_SKIP() << "free_sized sizes are checked in debug, sanitizer and hardened builds only; release builds "
                    "ignore them, as C23 allows (FreeSizedReleasesTheBlock covers the correct use)";
  }
  for (std::size_t size_bytes : {std::size_t{100}, std::size_t{300000}}) {
    void* block = ha_malloc(size_bytes);
    const std::size_t usable = ha_malloc_usable_size(block);
    EXPECT_DEATH(ha_free_sized(block, usable + 1), size_mismatch("size", usable + 1));
    if (hardalloc_test::HARDENED) {
      EXPECT_DEATH(ha_free_sized(block, size_bytes - 1), size_mismatch("size", size_bytes - 1));
    }
    ha_free_sized(block, size_bytes);  // the right size passes
  }
}

TEST(FreeVariantsDeathTest, FreeAlignedSizedWithoutTheAlignmentIsReported) {
  if (!SIZES_CHECKED) GTEST_SKIP() << "free_aligned_sized is checked in debug, sanitizer and hardened builds only";
  void* block = ha_aligned_alloc(64, 64);
  ASSERT_NE(reinterpret_cast<std::uintptr_t>(block) % (std::size_t{1} << 30), 0u);
  EXPECT_DEATH(ha_free_aligned_sized(block, std::size_t{1} << 30, 64),
               size_mismatch("alignment", std::size_t{1} << 30));
  EXPECT_DEATH(ha_free_aligned_sized(block, 64, 1000), size_mismatch("size", 1000));
  ha_free_aligned_sized(block, 64, 64);
}

}  // namespace
