// A finding made readable: the failing input shrunk (stream_minimizer.h) to the smallest stream
// that fails the same way on the same session, printed as a text trace (op_text.h) headed by
// comments naming the finding and where it came from: ready for corpus/regressions/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_session.h"

namespace hafuzz {

struct FindingTrace {
  std::string text;     // the trace file's contents
  std::string finding;  // the finding of the minimized stream, as FuzzSession::run gives it
  unsigned from_ops = 0;
  unsigned to_ops = 0;
};

// The part of a finding that must stay the same while shrinking: which target failed and how
// ("[name] violation", "[differential]").
std::string finding_kind(const std::string& finding);

// `input` gave `finding` on `session` in its last run; `source` names it in the trace's header.
// The result fails with the same kind of finding in the same family (rules.h).
FindingTrace minimize_finding(FuzzSession& session, const std::vector<std::uint8_t>& input, const std::string& finding,
                              const std::string& source);

}  // namespace hafuzz
