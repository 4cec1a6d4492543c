// One stream, one or two targets: the shadow model checks each, and when a second target is
// set the two runs are compared (observation_diff.h). Every engine (fuzz_ops, AFL++, the
// replay driver, ha_diff) drives its inputs through a FuzzSession.
//
// Environment (read by from_environment):
//   HARDALLOC_FUZZ_TARGET   target under test (target_registry.h); default: hardalloc if
//                           linked in, else system
//   HARDALLOC_FUZZ_DIFF     second target to compare with; default: system (none when the
//                           target is system); "none" turns the comparison off
//   HARDALLOC_FUZZ_MODE     lockstep (default) | free (free-running threads; no comparison)
//   HARDALLOC_FUZZ_LIVE_CAP_MB   live requested bytes above which allocations are skipped
//   HARDALLOC_FUZZ_REUSE_CHILD=1 a library's child process serves many inputs (faster; a
//                           finding may then depend on earlier inputs)
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

  static SessionConfig from_environment();
};

class FuzzSession {
 public:
  // Returns null and sets *error when a target cannot be made.
  static std::unique_ptr<FuzzSession> create(const SessionConfig& config, std::string* error);

  // Runs one encoded stream; returns the finding as text, or "" when there is none.
  std::string run(const std::uint8_t* data, std::size_t size_bytes);

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
