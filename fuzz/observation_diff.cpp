#include "observation_diff.h"

#include <cerrno>
#include <cstring>

#include "misuse.h"

namespace hafuzz {
namespace {

std::string errno_text(int error_number) {
  const char* name = error_number == 0 ? "not set" : strerrorname_np(error_number);
  return "errno " + std::to_string(error_number) + " (" + (name ? name : "?") + ")";
}

}  // namespace

std::string describe_observation(const Observation& observation) {
  switch (observation.outcome) {
    case Outcome::BLOCK: {
      std::string text = "a block";
      if (observation.flags & MOVED) text += " (moved)";
      if (observation.flags & ERRNO_CHANGED) text += ", wrote " + errno_text(observation.error_number);
      return text;
    }
    case Outcome::REPORTED:
    case Outcome::DIED:
    case Outcome::IGNORED: {
      char text[64];
      return describe_misuse(observation, text, sizeof text);
    }
    case Outcome::SKIPPED:
      return "skipped";
    case Outcome::UNSUPPORTED:
      return "unsupported";
    case Outcome::NO_BLOCK:
      break;
  }
  return "NULL, " + errno_text(observation.error_number);
}

const Rule* allowed_difference_for(const Op& op, const Observation& first, const Observation& second) {
  for (const Rule& row : RULES) {
    if (row.kind == RuleKind::ALLOWED && row.applies(op, first, second)) return &row;
  }
  return nullptr;
}

Comparison compare_observations(const Op& op, const Observation& first, const Observation& second, const Rule** rule) {
  const auto compared = [](Outcome outcome) { return outcome == Outcome::BLOCK || outcome == Outcome::NO_BLOCK; };
  if (!compared(first.outcome) || !compared(second.outcome)) return Comparison::NOT_COMPARED;
  // Whether realloc moved the block is never compared (C17 7.22.3.5: it may or may not); what
  // a call wrote to errno is, on success too: glibc writes it only on failure.
  const bool same_errno =
      (first.flags & ERRNO_CHANGED) == (second.flags & ERRNO_CHANGED) && first.error_number == second.error_number;
  if (first.outcome == second.outcome && same_errno) return Comparison::SAME;
  // Both succeeded, and only what they wrote to errno differs: the rows about the request
  // (zero size, alignment) do not excuse that, only the one about errno written by a success.
  const bool both_succeeded = first.outcome == Outcome::BLOCK && second.outcome == Outcome::BLOCK;
  const Rule& enomem_row = hafuzz::rule(RuleId::ENOMEM_LEFT_BY_SUCCESS);
  const Rule* allowing = !both_succeeded                         ? allowed_difference_for(op, first, second)
                         : enomem_row.applies(op, first, second) ? &enomem_row
                                                                 : nullptr;
  if (allowing != nullptr) {
    if (rule != nullptr) *rule = allowing;
    return Comparison::ALLOWED;
  }
  if (rule != nullptr)
    *rule = &hafuzz::rule(first.outcome != second.outcome ? RuleId::SAME_OUTCOME : RuleId::SAME_ERRNO);
  return Comparison::DISAGREE;
}

bool find_disagreement(const OpStream& stream, const RunResult& first, const std::string& first_name,
                       const RunResult& second, const std::string& second_name, Disagreement* out,
                       std::uint32_t ignored_families) {
  const unsigned count =
      first.observation_count < second.observation_count ? first.observation_count : second.observation_count;
  for (unsigned i = 0; i < count && i < stream.op_count; ++i) {
    const Observation& a = first.observations[i];
    const Observation& b = second.observations[i];
    const Rule* broken = nullptr;
    if (compare_observations(stream.ops[i], a, b, &broken) != Comparison::DISAGREE) continue;
    if (ignored_families & (1u << static_cast<unsigned>(family_of(broken->id, &stream.ops[i])))) continue;
    char op_text[160];
    format_op(stream.ops[i], op_text, sizeof op_text);
    out->op_index = i;
    out->rule = broken->id;
    out->text = std::string(broken->name) + ": op " + std::to_string(i) + " (" + op_text + "): " + first_name +
                " gave " + describe_observation(a) + ", " + second_name + " gave " + describe_observation(b);
    return true;
  }
  return false;
}

}  // namespace hafuzz
