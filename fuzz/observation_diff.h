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
#include "run_result.h"

namespace hafuzz {

// A difference the standards allow, and why.
struct AllowedDifference {
  const char* name;
  bool (*applies)(const Op& op, const Observation& first, const Observation& second);
  const char* reason;
};

// The one place where permitted differences between allocators are written down.
extern const AllowedDifference ALLOWED_DIFFERENCES[];
extern const unsigned ALLOWED_DIFFERENCE_COUNT;

// The table row that allows two targets to differ so on this op, or null.
const AllowedDifference* allowed_difference_for(const Op& op, const Observation& first, const Observation& second);

// "a block (moved), wrote errno 22 (EINVAL)" or "NULL, errno 12 (ENOMEM)"; "skipped" /
// "unsupported" for ops not compared.
std::string describe_observation(const Observation& observation);

// How two targets' observations of one op compare.
enum class Comparison {
  SAME,          // the same outcome and errno
  NOT_COMPARED,  // one side skipped the op or does not support it
  ALLOWED,       // different, as a row of ALLOWED_DIFFERENCES permits
  DISAGREE,      // different, and no row allows it: a finding
};

// *rule is set to the row for ALLOWED (may be null).
Comparison compare_observations(const Op& op, const Observation& first, const Observation& second,
                                const AllowedDifference** rule = nullptr);

// Returns the first difference no table row allows, as text, or "" when they agree.
std::string find_disagreement(const OpStream& stream, const RunResult& first, const std::string& first_name,
                              const RunResult& second, const std::string& second_name);

}  // namespace hafuzz
