// The HARDALLOC_FUZZ_* environment variables, read and validated in one place for every engine
// and tool (docs/fuzzing.md, "Environment"). A malformed value or an unknown HARDALLOC_FUZZ_*
// name is an error with a reason, never a silent default: HARDALLOC_FUZZ_MODE=bogus does not
// run lock-step, HARDALLOC_FUZZ_LIVE_CAP_MB=abc does not become 0.
//
//   HARDALLOC_FUZZ_TARGET        target under test (target_registry.h); default: hardalloc when
//                                linked in, else system
//   HARDALLOC_FUZZ_DIFF          second target to compare with; default glibc's malloc: system,
//                                or glibc in sanitizer builds (none when the target is system;
//                                target_registry.h); "none" turns the comparison off
//   HARDALLOC_FUZZ_DIFF_SAMPLE   compare 1 input in N with the second target, chosen by a hash
//                                of the input (a finding replays); default: the tool's own
//                                (engines and random streams 8, named files 1)
//   HARDALLOC_FUZZ_IGNORE        comma-separated finding classes not reported (finding_class.h)
//   HARDALLOC_FUZZ_MODE          lockstep (default) | free | epochs (executor.h)
//   HARDALLOC_FUZZ_LIVE_CAP_MB   live requested MiB above which allocations are skipped (64)
//   HARDALLOC_FUZZ_REUSE_CHILD   0 | 1: a library's child serves many inputs; default: the
//                                tool's own (engines and random streams 1, named files 0)
//   HARDALLOC_FUZZ_MISUSE        0 (default) | 1: run misuse ops on every target and record what
//                                it does | report: the target (a hardened library) must report
//                                each with its KIND (RunConfig)
//   HARDALLOC_FUZZ_TIMEOUT_MS    a library's child must answer within this (20000)
//   HARDALLOC_FUZZ_CHILD         path of ha_fuzz_child, if not next to the executable
//   HARDALLOC_FUZZ_CHANNEL       set by the preload runner for ha_fuzz_child only: an error here
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "run_result.h"

namespace hafuzz {

enum class MisuseMode : std::uint8_t { OFF, RECORD, MUST_REPORT };

struct FuzzEnvironment {
  std::string target_spec;
  std::string second_spec;             // empty: no comparison
  unsigned diff_sample = 0;            // 0: not set (the tool's default)
  std::uint32_t ignored_findings = 0;  // FindingClass bits
  ThreadMode thread_mode = ThreadMode::LOCK_STEP;
  std::size_t live_cap_bytes = RunConfig{}.live_cap_bytes;
  std::optional<bool> reuse_child;  // not set: the tool's default
  MisuseMode misuse = MisuseMode::OFF;
  int timeout_ms = 20000;
  std::string child_path;  // empty: next to the executable, else the build's copy
};

// Reads every HARDALLOC_FUZZ_* variable. On a malformed value or an unknown name returns false
// and sets *error to one line naming the variable and the reason.
bool read_fuzz_environment(FuzzEnvironment* out, std::string* error);

}  // namespace hafuzz
