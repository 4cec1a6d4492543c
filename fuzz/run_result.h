// What one run of an op stream on one target produced: a verdict and, per op, what a
// program could observe. Plain data of fixed size, so a child process can write it into
// shared memory without allocating.
#pragma once

#include <cstddef>
#include <cstdint>

#include "op.h"

namespace hafuzz {

enum class RuleId : std::uint8_t;  // rules.h

enum class ThreadMode : std::uint8_t {
  LOCK_STEP,     // one op at a time, each on its thread: deterministic, every failure replays
  FREE_RUNNING,  // each thread runs its own ops concurrently: for campaigns
  EPOCHS,        // as FREE_RUNNING, but every VERIFY_ALL op is a barrier where all threads meet
                 // and the model checks every live block: concurrent, with checkpoints
};

struct RunConfig {
  ThreadMode thread_mode = ThreadMode::LOCK_STEP;
  // Allocations that would take the live requested bytes above this are skipped.
  std::size_t live_cap_bytes = std::size_t{64} << 20;
  std::uint32_t ignored_findings = 0;  // FindingClass bits (finding_class.h) not reported
  // Run misuse ops (misuse.h) on targets that do not promise to report them, to record what
  // they do (the conformance matrix); on a target that reports misuse they always run.
  bool record_misuse = false;
  // The target must report every misuse op with its KIND, as AllocatorTarget::reports_misuse
  // says of hardalloc's prefixed hardened API: for a library (libhardalloc-hardened.so). Never
  // passed on to a second target.
  bool misuse_must_be_reported = false;
};

enum class Outcome : std::uint8_t {
  BLOCK,        // the call returned memory (or, for ops without a result, succeeded)
  NO_BLOCK,     // the call returned NULL / an error code; Observation::error_number says which
  SKIPPED,      // not run: empty slot, live-bytes cap, or a call the model must not make
  UNSUPPORTED,  // the target lacks the function (operator new on a prefixed API)
  // A misuse op's end (misuse.h):
  REPORTED,  // a hardalloc report; error_number is the KIND's index in REPORT_KIND_NAMES
  DIED,      // error_number: the signal, or 256 + the exit status
  IGNORED,   // the child went on and exited cleanly
};

// What a call did besides returning a block or not (Observation::flags).
enum ObservationFlag : std::uint8_t {
  ERRNO_CHANGED = 1,  // a successful call wrote errno (error_number holds what it wrote)
  MOVED = 2,          // realloc returned a different address (C17 7.22.3.5 allows either)
};

struct Observation {
  Outcome outcome;
  // NO_BLOCK: errno (posix_memalign's return), 0 when the call left errno alone. BLOCK: what
  // the call wrote to errno when it wrote it (flag ERRNO_CHANGED), else 0.
  int error_number;
  std::uint8_t flags = 0;  // ObservationFlag bits
};

enum class Verdict : std::uint8_t {
  PASS,
  VIOLATION,  // the shadow model saw a broken promise (message says which)
  CRASH,      // the target killed its process
  HANG,       // the target did not finish in time
};

inline constexpr std::size_t RESULT_MESSAGE_BYTES = 512;
inline constexpr unsigned NO_OP_INDEX = ~0u;

struct RunResult {
  Verdict verdict;
  unsigned failing_op;  // index of the op that failed, or NO_OP_INDEX
  RuleId rule;          // the row of rules.h that was broken (verdict != PASS)
  char message[RESULT_MESSAGE_BYTES];
  // In lock-step mode the op being run, else NO_OP_INDEX (before the first op, while the
  // blocks left are released at the end, in the free-running modes): what a parent reads of
  // its child's shared result when the child died (preload runner).
  unsigned current_op;
  unsigned observation_count;  // ops observed, in stream order
  Observation observations[MAX_OPS];
};

inline const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::PASS:
      return "pass";
    case Verdict::VIOLATION:
      return "violation";
    case Verdict::CRASH:
      return "crash";
    case Verdict::HANG:
      return "hang";
  }
  return "?";
}

}  // namespace hafuzz
