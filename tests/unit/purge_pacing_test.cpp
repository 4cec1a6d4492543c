// The purge pacing's rules (src/mem/purge_pacing.h), driven with made-up times far past any the
// allocator records, so that whatever the other tests of this binary left is calmed first.
#include "mem/purge_pacing.h"

#include <gtest/gtest.h>

namespace hardalloc {
namespace {

constexpr uint64_t FAR_MS = 1'000'000'000'000;

// Calms the pacing back to purge_delay_ms; returns a time after the last calm step.
uint64_t calm_to_base(uint64_t now_ms) {
  for (uint32_t step = 0; step <= PurgePacing::MAX_LEVEL; ++step) {
    now_ms += 1'000'000;
    PurgePacing::note_purged(now_ms);
  }
  return now_ms + 1'000'000;  // a calm spell after the last step, so a regret may step again
}

TEST(PurgePacing, RegretDoublesTheDelayAtMostOncePerDelayUpToTheCap) {
  const uint64_t base = options().purge_delay_ms;
  ASSERT_GT(base, 0u) << "the pacing needs a nonzero purge_delay_ms";
  uint64_t now = calm_to_base(FAR_MS);
  ASSERT_EQ(PurgePacing::delay_ms(), base);

  PurgePacing::note_reused(0, now);  // fresh memory (never purged) is no regret
  EXPECT_EQ(PurgePacing::delay_ms(), base);
  PurgePacing::note_reused(now - 2 * base, now);  // purged two delays ago: no regret either
  EXPECT_EQ(PurgePacing::delay_ms(), base);

  PurgePacing::note_reused(now - base, now);  // purged one delay ago and needed again
  EXPECT_EQ(PurgePacing::delay_ms(), 2 * base);
  PurgePacing::note_reused(now - base, now + 1);  // within the new delay: no second step
  EXPECT_EQ(PurgePacing::delay_ms(), 2 * base);

  for (int regret = 0; regret < 10; ++regret) {
    now += PurgePacing::delay_ms();
    PurgePacing::note_reused(now - 1, now);
  }
  EXPECT_EQ(PurgePacing::delay_ms(), base * PurgePacing::MAX_DELAY_FACTOR);
}

TEST(PurgePacing, CalmPassesHalveTheDelayOneStepPerCalmSpell) {
  const uint64_t base = options().purge_delay_ms;
  uint64_t now = calm_to_base(FAR_MS * 2);
  PurgePacing::note_reused(now - 1, now);
  now += 2 * base;
  PurgePacing::note_reused(now - 1, now);
  ASSERT_EQ(PurgePacing::delay_ms(), 4 * base);

  PurgePacing::note_purged(now + 1);  // right after a regret: not calm
  EXPECT_EQ(PurgePacing::delay_ms(), 4 * base);
  now += PurgePacing::CALM_DELAYS * 4 * base;
  PurgePacing::note_purged(now);
  EXPECT_EQ(PurgePacing::delay_ms(), 2 * base);
  PurgePacing::note_purged(now + 1);  // the next step needs its own calm spell
  EXPECT_EQ(PurgePacing::delay_ms(), 2 * base);
  now += PurgePacing::CALM_DELAYS * 2 * base;
  PurgePacing::note_purged(now);
  EXPECT_EQ(PurgePacing::delay_ms(), base);
  now += PurgePacing::CALM_DELAYS * base * 100;
  PurgePacing::note_purged(now);  // never below purge_delay_ms
  EXPECT_EQ(PurgePacing::delay_ms(), base);
}

}  // namespace
}  // namespace hardalloc
