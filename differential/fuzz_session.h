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
#include "run_result.h"
#include "target_runner.h"

namespace hafuzz {

struct SessionConfig {
  std::string target_spec;
  std::string second_spec;  // empty: no comparison
  RunConfig run;
  bool fresh_process_per_input = true;  // for library targets (make_preload_runner)

  // From the HARDALLOC_FUZZ_* variables; returns false and sets *error (one line) when one is
  // malformed or unknown.
  static bool from_environment(SessionConfig* out, std::string* error);
};

class FuzzSession {
 public:
  // Returns null and sets *error when a target cannot be made.
  static std::unique_ptr<FuzzSession> create(const SessionConfig& config, std::string* error);

  // Runs one encoded stream; returns the finding as text, or "" when there is none. A finding
  // in the target ends the run there; with both_targets the second target runs anyway, so
  // that ha_diff --explain can show both sides (the verdict is the same).
  std::string run(const std::uint8_t* data, std::size_t size_bytes, bool both_targets = false);

  // What the last run observed; second_result is null without a second target.
  const RunResult& target_result() const { return *target_result_; }
  const RunResult* second_result() const { return second_ ? second_result_.get() : nullptr; }
  const std::string& target_name() const { return target_->name(); }
  const std::string& second_name() const { return second_ ? second_->name() : target_->name(); }

  // One line: targets and mode.
  std::string describe() const;

 private:
  FuzzSession() = default;

  SessionConfig config_;
  std::unique_ptr<TargetRunner> target_;
  std::unique_ptr<TargetRunner> second_;
  std::unique_ptr<OpStream> stream_;
  std::unique_ptr<RunResult> target_result_;
  std::unique_ptr<RunResult> second_result_;
};

}  // namespace hafuzz
