// Misuse ops: a program's heap errors (double free, interior and foreign free, a sized free with
// the wrong size, a write after free, an overflow past the request; op.h), each run in a forked child
// so that whatever the allocator does (report, crash, nothing) is an observation and the campaign
// goes on. The child does the misuse on a block of its own, runs the target's heap check when it
// has one, and exits; the parent reads the child's standard error for a hardalloc report
// ("hardalloc[PID] PROGRAM: error: KIND on ..."; hardening/report.h) and its exit status.
#pragma once

#include <cstddef>

#include "allocator_target.h"
#include "op.h"
#include "run_result.h"

namespace hafuzz {

// The misuse ops, in op.h's order.
inline constexpr OpKind MISUSE_KINDS[] = {OpKind::DOUBLE_FREE,     OpKind::INTERIOR_FREE,    OpKind::FOREIGN_FREE,
                                          OpKind::WRONG_SIZE_FREE, OpKind::WRITE_AFTER_FREE, OpKind::OVERFLOW};
inline constexpr unsigned MISUSE_KIND_COUNT = sizeof(MISUSE_KINDS) / sizeof(MISUSE_KINDS[0]);

bool is_misuse(OpKind kind);

// Whether the outcome is a misuse op's end in its child (REPORTED, DIED, IGNORED).
inline bool is_misuse_outcome(Outcome outcome) {
  return outcome == Outcome::REPORTED || outcome == Outcome::DIED || outcome == Outcome::IGNORED;
}

// The hardened build's report KIND for the misuse, and a second one it may give instead (a
// block in the guarded pool faults at the bad access itself), or null.
struct ExpectedReport {
  const char* kind;
  const char* alternative;
};
ExpectedReport expected_report(OpKind kind);

// The report kinds hardalloc prints, in the order of its ReportKind (the protocol between the
// two: the harness does not link hardalloc); an Observation of outcome REPORTED holds an index.
inline constexpr const char* REPORT_KIND_NAMES[] = {
    "double-free",      "invalid-free", "interior-free",       "foreign-free",
    "size-mismatch",    "overflow",     "write-after-free",    "free-list-corruption",
    "guard-page-fault", "heap-check",   "use-after-free-read", "use-after-free-write",
    "underflow",
};
inline constexpr unsigned REPORT_KIND_COUNT = sizeof(REPORT_KIND_NAMES) / sizeof(REPORT_KIND_NAMES[0]);

// Runs the misuse `op` in a forked child on `target` and observes the end: REPORTED (the KIND's
// index), DIED (the signal, or 256 + the exit status), IGNORED (a clean exit), UNSUPPORTED (a
// sized free on a target without free_sized), or SKIPPED (no pipe or child could be made). Calls
// nothing of the target in this process. The child's reports must go to its standard error:
// with log_path in HARDALLOC_OPTIONS a report is not seen (the child then "dies: SIGABRT").
Observation run_misuse(const AllocatorTarget& target, const Op& op);

// "reports double-free", "dies: SIGABRT", "exits with status 1", "ignores".
const char* describe_misuse(const Observation& observation, char* buffer, std::size_t capacity);

}  // namespace hafuzz
