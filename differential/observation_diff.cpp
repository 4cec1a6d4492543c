#include "observation_diff.h"

#include <cstring>

namespace hafuzz {
namespace {

bool is_power_of_two(std::size_t value) { return value != 0 && (value & (value - 1)) == 0; }

bool takes_alignment(const Op& op) { return op_info(op.kind).fields & FIELD_ALIGN; }

bool is_reallocation(const Op& op) { return op.kind == OpKind::REALLOC || op.kind == OpKind::REALLOCARRAY; }

bool asks_for_zero_bytes(const Op& op) {
  const bool has_count = op_info(op.kind).fields & FIELD_COUNT;
  return op.size == 0 || (has_count && op.count == 0);
}

bool is_zero_size_allocation(const Op& op) {
  return (op_info(op.kind).fields & FIELD_SIZE) && !is_reallocation(op) && asks_for_zero_bytes(op);
}

bool is_realloc_to_zero(const Op& op) { return is_reallocation(op) && asks_for_zero_bytes(op); }

bool has_non_power_of_two_alignment(const Op& op) {
  return (op.kind == OpKind::ALIGNED_ALLOC || op.kind == OpKind::MEMALIGN) && !is_power_of_two(op.align);
}

bool is_aligned_alloc_with_odd_size(const Op& op) {
  return op.kind == OpKind::ALIGNED_ALLOC && op.align != 0 && op.size % op.align != 0;
}

bool has_alignment_above_required(const Op& op) {
  return takes_alignment(op) && op.align > MAX_REQUIRED_ALIGNMENT_BYTES;
}

bool has_alignment_below_pointer(const Op& op) { return takes_alignment(op) && op.align < sizeof(void*); }

}  // namespace

const AllowedDifference ALLOWED_DIFFERENCES[] = {
    {"zero-size request", is_zero_size_allocation,
     "C17 7.22.3: a zero-size request returns NULL or a unique pointer (glibc, hardalloc: a block)"},
    {"realloc to zero bytes", is_realloc_to_zero,
     "glibc and hardalloc free the block and return NULL; C17 also allows a new block "
     "(jemalloc, mimalloc do that); C23 makes it undefined"},
    {"alignment not a power of two", has_non_power_of_two_alignment,
     "memalign: glibc (every version) and hardalloc round it up to a power of two (up to 16: plain "
     "malloc), ASan fails with EINVAL; aligned_alloc: C17, glibc 2.38 and hardalloc fail with EINVAL, "
     "glibc 2.36 rounds it up"},
    {"aligned_alloc size not a multiple of the alignment", is_aligned_alloc_with_odd_size,
     "C11 required failure, C17 (DR 460) allows success: glibc succeeds, ASan fails (EINVAL)"},
    {"alignment above 4 MiB", has_alignment_above_required,
     "support beyond 4 MiB is not required: either side may fail with ENOMEM or EINVAL"},
    {"alignment below sizeof(void*)", has_alignment_below_pointer,
     "aligned_alloc and memalign may accept or reject it; posix_memalign must reject it "
     "(its shadow model checks EINVAL on each side)"},
};
const unsigned ALLOWED_DIFFERENCE_COUNT = sizeof(ALLOWED_DIFFERENCES) / sizeof(ALLOWED_DIFFERENCES[0]);

std::string describe_observation(const Observation& observation) {
  switch (observation.outcome) {
    case Outcome::BLOCK:
      return "a block";
    case Outcome::SKIPPED:
      return "skipped";
    case Outcome::UNSUPPORTED:
      return "unsupported";
    case Outcome::NO_BLOCK:
      break;
  }
  const char* name = strerrorname_np(observation.error_number);
  return "NULL, errno " + std::to_string(observation.error_number) + " (" + (name ? name : "?") + ")";
}

const AllowedDifference* allowed_difference_for(const Op& op) {
  for (unsigned r = 0; r < ALLOWED_DIFFERENCE_COUNT; ++r) {
    if (ALLOWED_DIFFERENCES[r].applies(op)) return &ALLOWED_DIFFERENCES[r];
  }
  return nullptr;
}

Comparison compare_observations(const Op& op, const Observation& first, const Observation& second,
                                const AllowedDifference** rule) {
  const auto compared = [](Outcome outcome) { return outcome == Outcome::BLOCK || outcome == Outcome::NO_BLOCK; };
  if (!compared(first.outcome) || !compared(second.outcome)) return Comparison::NOT_COMPARED;
  if (first.outcome == second.outcome &&
      (first.outcome == Outcome::BLOCK || first.error_number == second.error_number)) {
    return Comparison::SAME;
  }
  const AllowedDifference* allowing = allowed_difference_for(op);
  if (rule != nullptr) *rule = allowing;
  return allowing != nullptr ? Comparison::ALLOWED : Comparison::DISAGREE;
}

std::string find_disagreement(const OpStream& stream, const RunResult& first, const std::string& first_name,
                              const RunResult& second, const std::string& second_name) {
  const unsigned count =
      first.observation_count < second.observation_count ? first.observation_count : second.observation_count;
  for (unsigned i = 0; i < count && i < stream.op_count; ++i) {
    const Observation& a = first.observations[i];
    const Observation& b = second.observations[i];
    if (compare_observations(stream.ops[i], a, b) != Comparison::DISAGREE) continue;
    char op_text[160];
    format_op(stream.ops[i], op_text, sizeof op_text);
    return "op " + std::to_string(i) + " (" + op_text + "): " + first_name + " gave " + describe_observation(a) + ", " +
           second_name + " gave " + describe_observation(b);
  }
  return {};
}

}  // namespace hafuzz
