// Something that runs an encoded op stream on one allocator and reports what happened.
//
// In-process runners call a target table directly (hardalloc's prefixed API, the process's
// malloc). The preload runner runs the stream in a child process that has an allocator
// library LD_PRELOADed, so the library is the child's malloc exactly as in a real program:
// its calloc calling its malloc binds to itself, and the harness's bookkeeping (fixed arrays
// in the child, the parent's own heap) never lives in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "allocator_target.h"
#include "run_result.h"

namespace hafuzz {

class TargetRunner {
 public:
  virtual ~TargetRunner() = default;
  virtual const std::string& name() const = 0;
  // Fills *result. Only out-of-process runners produce CRASH and HANG: in process, a crash
  // of the target is a crash of the harness, which the fuzzing engine records.
  virtual void run(const std::uint8_t* data, std::size_t size_bytes, const RunConfig& config, RunResult* result) = 0;
  // Hands the last run's coverage to the fuzzing engine (engine_coverage.h); call it only when
  // ENGINE_TAKES_COVERAGE, right after run() and before another target runs.
  virtual void hand_coverage_to_engine() const = 0;
  // True when the failed run met an allocator state left by earlier inputs that the next run
  // will not (a library's child that had served earlier inputs is replaced after a failure).
  virtual bool fresh_after_failure() const { return false; }
};

std::unique_ptr<TargetRunner> make_in_process_runner(const AllocatorTarget& target);

// Returns null and sets *error when the library cannot be read. With fresh_process_per_input
// every input starts a new child, so a finding never depends on the heap earlier inputs left
// behind and replays alone; otherwise one child serves inputs until a run fails.
std::unique_ptr<TargetRunner> make_preload_runner(const std::string& library_path, bool fresh_process_per_input,
                                                  std::string* error);

}  // namespace hafuzz
