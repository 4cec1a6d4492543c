// The one table of what the suite holds an allocator to: the promises each target's shadow model
// checks, the observations two targets are compared on, and the differences between them that the
// standards allow, each row citing what it rests on. `ha_diff --rules` prints it; every violation
// names its row (RunResult::rule); the conformance matrix (`ha_diff --matrix`) groups rows by family.
#pragma once

#include <cstdint>

#include "op.h"
#include "run_result.h"

namespace hafuzz {

// What a row is about: a column of the conformance matrix.
enum class RuleFamily : std::uint8_t {
  FAILURE,      // which requests succeed and which fail
  ERRNO,        // errno and error results, on failure and on success
  ALIGNMENT,    // the alignment of every block
  USABLE_SIZE,  // malloc_usable_size
  REALLOC,      // what realloc keeps
  ZEROING,      // calloc
  INTEGRITY,    // live blocks are disjoint and keep their contents
  OPERATORS,    // the C++ operators (any row, on an operator new op)
  MISUSE,       // heap misuse: reported by the hardened build
  PROCESS,      // the target crashed or hung (or the harness could not run it)
  COUNT_
};
inline constexpr unsigned RULE_FAMILY_COUNT = static_cast<unsigned>(RuleFamily::COUNT_);

// "errno", "usable-size", ...
const char* family_name(RuleFamily family);

enum class RuleKind : std::uint8_t {
  PROMISE,   // checked by each target's shadow model (op_runner.h); a break is a violation
  COMPARED,  // compared between two targets (observation_diff.h); a difference is a finding
  ALLOWED,   // a difference between two targets that no finding is made of
};

// Rows in table order (RULES[static_cast<unsigned>(id)]).
enum class RuleId : std::uint8_t {
  SATISFIABLE_SUCCEEDS,
  IMPOSSIBLE_FAILS,
  ERRNO_ON_FAILURE,
  FREE_KEEPS_ERRNO,
  MEMALIGN_OUTPUT_KEPT,
  ALIGNED,
  USABLE_AT_LEAST_REQUEST,
  USABLE_STABLE,
  NO_OVERLAP,
  CONTENTS_KEPT,
  REALLOC_KEEPS_PREFIX,
  CALLOC_ZEROED,
  NEW_HANDLER_LOOP,
  MISUSE_REPORTED,
  RUNS_TO_THE_END,
  SAME_OUTCOME,
  SAME_ERRNO,
  ALIGNMENT_NOT_POWER_OF_TWO,  // ALLOWED rows are tried in order: an alignment rule before the
  ALIGNED_ALLOC_ODD_SIZE,      // zero-size one, so that aligned_alloc(3, 0) is explained by its
  ALIGNMENT_ABOVE_4_MIB,       // alignment
  ALIGNMENT_BELOW_POINTER,
  ZERO_SIZE_REQUEST,
  REALLOC_TO_ZERO,
  ENOMEM_LEFT_BY_SUCCESS,
  COUNT_
};
inline constexpr unsigned RULE_COUNT = static_cast<unsigned>(RuleId::COUNT_);

struct Rule {
  RuleId id;
  RuleKind kind;
  RuleFamily family;
  const char* name;    // short, stable: "free-keeps-errno"
  const char* text;    // what is held, or what may differ
  const char* source;  // the standard, the manual or the release that says so
  // ALLOWED rows: whether the row allows these two observations of this op to differ.
  bool (*applies)(const Op& op, const Observation& first, const Observation& second);
};

extern const Rule RULES[RULE_COUNT];

inline const Rule& rule(RuleId id) { return RULES[static_cast<unsigned>(id)]; }

// The family a finding on `op` counts in: the row's, except that what an operator new op
// returned (whether it failed, its alignment, how it compares) counts as OPERATORS.
RuleFamily family_of(RuleId id, const Op* op);

}  // namespace hafuzz
