// One stream, one or two targets: the shadow model checks each, and when a second target is
// set the two runs are compared (observation_diff.h). Every engine (fuzz_ops, AFL++, the
// replay driver, ha_diff) drives its inputs through a FuzzSession.
//
// Environment: the HARDALLOC_FUZZ_* variables of fuzz_environment.h (from_environment).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "op.h"
#include "rules.h"
#include "run_result.h"
#include "target_runner.h"

namespace hafuzz {

// Where a session's inputs come from, which sets the defaults of what the environment leaves
// unset: generated inputs (fuzzing engines, random streams) come by the thousand, so only
// 1 in ENGINE_DIFF_SAMPLE is compared and a library's child serves many of them (a finding is
// then run again in a fresh child: FuzzSession::run); a named file is compared and gets a
// fresh child.
enum class InputSource : std::uint8_t { NAMED, GENERATED };

// The comparison sample of fuzzing engines and random streams (SessionConfig::diff_sample).
inline constexpr unsigned ENGINE_DIFF_SAMPLE = 8;

struct SessionConfig {
  std::string target_spec;
  std::string second_spec;  // empty: no comparison
  // 1 in diff_sample inputs is run on the second target and compared, chosen by a hash of the
  // input bytes, so the same input is always compared or never, and a finding replays. Engines
  // sample (the comparison would otherwise take most of the time); named files are all compared.
  unsigned diff_sample = 1;
  RunConfig run;
  bool fresh_process_per_input = true;  // for library targets (make_preload_runner)

  // From the HARDALLOC_FUZZ_* variables, with the defaults of the source where they are unset;
  // returns false and sets *error (one line) when one is malformed or unknown.
  static bool from_environment(SessionConfig* out, std::string* error, InputSource source = InputSource::NAMED);
};

class FuzzSession {
 public:
  // Returns null and sets *error when a target cannot be made.
  static std::unique_ptr<FuzzSession> create(const SessionConfig& config, std::string* error);

  // Runs one encoded stream; returns the finding as text, or "" when there is none. A finding
  // in the target ends the run there; with both_targets the second target runs anyway, so
  // that ha_diff --explain can show both sides (the verdict is the same).
  std::string run(const std::uint8_t* data, std::size_t size_bytes, bool both_targets = false);

  // From the next run on, findings in these families (bit per RuleFamily) are not reported: a
  // run that breaks such a rule still ends there, and counts as no finding.
  void ignore_families(std::uint32_t families) { ignored_families_ = families; }

  // The family (rules.h) of the last run's finding, and whether the second target made it;
  // meaningless when it found nothing.
  RuleFamily last_family() const { return last_family_; }
  bool last_finding_in_second() const { return last_finding_in_second_; }

  // What the last run observed; second_result is null without a second target.
  const RunResult& target_result() const { return *target_result_; }
  const RunResult* second_result() const { return second_ ? second_result_.get() : nullptr; }
  const std::string& target_name() const { return target_->name(); }
  const std::string& second_name() const { return second_ ? second_->name() : target_->name(); }

  // One line: targets and mode.
  std::string describe() const;

 private:
  FuzzSession() = default;
  bool compared(const std::uint8_t* data, std::size_t size_bytes) const;

  SessionConfig config_;
  std::unique_ptr<TargetRunner> target_;
  std::unique_ptr<TargetRunner> second_;
  std::unique_ptr<OpStream> stream_;
  std::unique_ptr<RunResult> target_result_;
  std::unique_ptr<RunResult> earlier_result_;  // a failure in a child that had served earlier inputs
  std::unique_ptr<RunResult> second_result_;
  RuleFamily last_family_ = RuleFamily::PROCESS;
  bool last_finding_in_second_ = false;
  std::uint32_t ignored_families_ = 0;
};

}  // namespace hafuzz
