// The comparison of two targets' observations: what counts as the same, what a table row allows,
// and what is a finding (observation_diff.h).
#include "observation_diff.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace hafuzz {
namespace {

constexpr Op MALLOC_64{
    .kind = OpKind::MALLOC, .thread = 0, .slot = 0, .to_thread = 0, .size = 64, .count = 0, .align = 0};
constexpr Op REALLOC_64{
    .kind = OpKind::REALLOC, .thread = 0, .slot = 0, .to_thread = 0, .size = 64, .count = 0, .align = 0};

Observation block(std::uint8_t flags = 0, int error = 0) { return Observation{Outcome::BLOCK, error, flags}; }
Observation no_block(int error) { return Observation{Outcome::NO_BLOCK, error}; }

TEST(ObservationDiff, SameOutcomeAndErrnoAreTheSame) {
  EXPECT_EQ(compare_observations(MALLOC_64, block(), block()), Comparison::SAME);
  EXPECT_EQ(compare_observations(MALLOC_64, no_block(ENOMEM), no_block(ENOMEM)), Comparison::SAME);
}

TEST(ObservationDiff, ErrnoOnFailureIsCompared) {
  const Rule* rule = nullptr;
  EXPECT_EQ(compare_observations(MALLOC_64, no_block(ENOMEM), no_block(EINVAL), &rule), Comparison::DISAGREE);
  EXPECT_EQ(rule->id, RuleId::SAME_ERRNO);
  EXPECT_EQ(compare_observations(MALLOC_64, block(), no_block(ENOMEM), &rule), Comparison::DISAGREE);
  EXPECT_EQ(rule->id, RuleId::SAME_OUTCOME);
}

TEST(ObservationDiff, ErrnoWrittenBySuccessIsCompared) {
  EXPECT_EQ(compare_observations(MALLOC_64, block(ERRNO_CHANGED, EINVAL), block()), Comparison::DISAGREE);
  EXPECT_EQ(compare_observations(MALLOC_64, block(ERRNO_CHANGED, 0), block()), Comparison::DISAGREE);
  EXPECT_EQ(compare_observations(MALLOC_64, block(ERRNO_CHANGED, EINVAL), block(ERRNO_CHANGED, EINVAL)),
            Comparison::SAME);
}

TEST(ObservationDiff, EnomemLeftBySuccessIsAllowedWithItsRule) {
  const Rule* rule = nullptr;
  EXPECT_EQ(compare_observations(MALLOC_64, block(), block(ERRNO_CHANGED, ENOMEM), &rule), Comparison::ALLOWED);
  ASSERT_NE(rule, nullptr);
  EXPECT_STREQ(rule->name, "ENOMEM left in errno by a success");
  EXPECT_EQ(compare_observations(MALLOC_64, block(ERRNO_CHANGED, ENOMEM), block()), Comparison::ALLOWED);
  // ENOMEM on one side, another errno on the other: no row allows that.
  EXPECT_EQ(compare_observations(MALLOC_64, block(ERRNO_CHANGED, ENOMEM), block(ERRNO_CHANGED, EINVAL)),
            Comparison::DISAGREE);
}

TEST(ObservationDiff, AnAlignmentRowExplainsAZeroSizeRequestWithABadAlignment) {
  constexpr Op ALIGNED_3_0{
      .kind = OpKind::ALIGNED_ALLOC, .thread = 0, .slot = 0, .to_thread = 0, .size = 0, .count = 0, .align = 3};
  const Rule* rule = nullptr;
  EXPECT_EQ(compare_observations(ALIGNED_3_0, no_block(EINVAL), block(), &rule), Comparison::ALLOWED);
  EXPECT_EQ(rule->id, RuleId::ALIGNMENT_NOT_POWER_OF_TWO);
}

TEST(ObservationDiff, ARowAboutTheRequestDoesNotExcuseErrnoWrittenByASuccess) {
  constexpr Op MALLOC_0{
      .kind = OpKind::MALLOC, .thread = 0, .slot = 0, .to_thread = 0, .size = 0, .count = 0, .align = 0};
  EXPECT_EQ(compare_observations(MALLOC_0, block(ERRNO_CHANGED, EINVAL), block()), Comparison::DISAGREE);
  EXPECT_EQ(compare_observations(MALLOC_0, no_block(ENOMEM), block()), Comparison::ALLOWED);
}

TEST(ObservationDiff, WhetherReallocMovedIsNotCompared) {
  EXPECT_EQ(compare_observations(REALLOC_64, block(MOVED), block()), Comparison::SAME);
}

TEST(ObservationDiff, SkippedOrUnsupportedIsNotCompared) {
  EXPECT_EQ(compare_observations(MALLOC_64, Observation{Outcome::SKIPPED, 0}, block()), Comparison::NOT_COMPARED);
  EXPECT_EQ(compare_observations(MALLOC_64, block(), Observation{Outcome::UNSUPPORTED, 0}), Comparison::NOT_COMPARED);
}

TEST(Rules, RowsAreInIdOrderAndOnlyAllowedRowsHaveAPredicate) {
  for (unsigned r = 0; r < RULE_COUNT; ++r) {
    EXPECT_EQ(static_cast<unsigned>(RULES[r].id), r) << RULES[r].name;
    EXPECT_EQ(RULES[r].applies != nullptr, RULES[r].kind == RuleKind::ALLOWED) << RULES[r].name;
    EXPECT_GT(std::strlen(RULES[r].source), 0u) << RULES[r].name;
  }
}

TEST(Rules, AFindingOnAnOperatorNewOpCountsInTheOperatorsFamily) {
  constexpr Op NEW_64{.kind = OpKind::NEW, .thread = 0, .slot = 0, .to_thread = 0, .size = 64, .count = 0, .align = 0};
  EXPECT_EQ(family_of(RuleId::ALIGNED, &NEW_64), RuleFamily::OPERATORS);
  EXPECT_EQ(family_of(RuleId::ALIGNED, &MALLOC_64), RuleFamily::ALIGNMENT);
  EXPECT_EQ(family_of(RuleId::FREE_KEEPS_ERRNO, &NEW_64), RuleFamily::ERRNO);  // the slot's old block
  EXPECT_EQ(family_of(RuleId::RUNS_TO_THE_END, nullptr), RuleFamily::PROCESS);
}

TEST(ObservationDiff, DescriptionsNameErrnoAndMoves) {
  EXPECT_EQ(describe_observation(block(MOVED | ERRNO_CHANGED, EINVAL)), "a block (moved), wrote errno 22 (EINVAL)");
  EXPECT_EQ(describe_observation(no_block(0)), "NULL, errno 0 (not set)");
  EXPECT_EQ(describe_observation(no_block(ENOMEM)), "NULL, errno 12 (ENOMEM)");
}

}  // namespace
}  // namespace hafuzz
