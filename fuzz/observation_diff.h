// Compares what two targets let a program observe for the same op stream.
//
// Compared per op: whether a block came back (or the call succeeded) and errno: on failure
// (posix_memalign's return value), and on success whether the call wrote it (glibc does not).
// Never compared: addresses, whether realloc moved the block, exact usable sizes (each
// target's is checked >= the request by its own shadow model), ops one side skipped or does
// not support. Contents and zeroing are promises each side's model checks on its own; a
// broken one ends that side's run with a violation before any comparison.
#pragma once

#include <string>

#include "op.h"
#include "rules.h"
#include "run_result.h"

namespace hafuzz {

// The ALLOWED row of rules.h that allows two targets to observe this op so differently, or null.
const Rule* allowed_difference_for(const Op& op, const Observation& first, const Observation& second);

// "a block (moved), wrote errno 22 (EINVAL)" or "NULL, errno 12 (ENOMEM)"; "skipped" /
// "unsupported" for ops not compared.
std::string describe_observation(const Observation& observation);

// How two targets' observations of one op compare.
enum class Comparison {
  SAME,          // the same outcome and errno
  NOT_COMPARED,  // one side skipped the op or does not support it
  ALLOWED,       // different, as an ALLOWED row of rules.h permits
  DISAGREE,      // different, and no row allows it: a finding
};

// *rule is set to the ALLOWED row that permits the difference, or for DISAGREE to the COMPARED
// row it breaks (same-outcome, same-errno).
Comparison compare_observations(const Op& op, const Observation& first, const Observation& second,
                                const Rule** rule = nullptr);

struct Disagreement {
  unsigned op_index;
  RuleId rule;       // same-outcome or same-errno
  std::string text;  // "same-errno: op 3 (malloc t0 s1 size=8): A gave ..., B gave ..."
};

// Finds the first difference no row allows, outside the families of ignored_families (bit per
// RuleFamily); false when the runs agree.
bool find_disagreement(const OpStream& stream, const RunResult& first, const std::string& first_name,
                       const RunResult& second, const std::string& second_name, Disagreement* out,
                       std::uint32_t ignored_families = 0);

}  // namespace hafuzz
