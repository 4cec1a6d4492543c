#include "finding_trace.h"

#include <memory>

#include "op_binary.h"
#include "op_text.h"
#include "stream_minimizer.h"

namespace hafuzz {

std::string finding_kind(const std::string& finding) { return finding.substr(0, finding.find(':')); }

FindingTrace minimize_finding(FuzzSession& session, const std::vector<std::uint8_t>& input, const std::string& finding,
                              const std::string& source) {
  auto failing = std::make_unique<OpStream>();
  decode_op_stream(input.data(), input.size(), failing.get());
  FindingTrace result;
  result.finding = finding;
  const RuleFamily family = session.last_family();  // of `finding`, the session's last run
  const auto still_fails = [&](const OpStream& candidate) {
    const std::vector<std::uint8_t> encoded = encode_op_stream(candidate);
    const std::string candidate_finding = session.run(encoded.data(), encoded.size());
    if (candidate_finding.empty() || finding_kind(candidate_finding) != finding_kind(finding) ||
        session.last_family() != family) {
      return false;
    }
    result.finding = candidate_finding;
    return true;
  };
  auto smallest = std::make_unique<OpStream>();
  minimize_stream(*failing, still_fails, smallest.get());
  still_fails(*smallest);  // result.finding describes the result, not the last candidate tried
  result.from_ops = failing->op_count;
  result.to_ops = smallest->op_count;
  result.text = "# finding: " + result.finding + "\n# minimized from " + source + " (" +
                std::to_string(failing->op_count) + " ops)\n" + print_op_text(*smallest);
  return result;
}

}  // namespace hafuzz
