#include "observation_diff.h"

#include <cerrno>
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

bool is_zero_size_allocation(const Op& op, const Observation&, const Observation&) {
  return (op_info(op.kind).fields & FIELD_SIZE) && !is_reallocation(op) && asks_for_zero_bytes(op);
}

bool is_realloc_to_zero(const Op& op, const Observation&, const Observation&) {
  return is_reallocation(op) && asks_for_zero_bytes(op);
}

bool has_non_power_of_two_alignment(const Op& op, const Observation&, const Observation&) {
  return (op.kind == OpKind::ALIGNED_ALLOC || op.kind == OpKind::MEMALIGN) && !is_power_of_two(op.align);
}

bool is_aligned_alloc_with_odd_size(const Op& op, const Observation&, const Observation&) {
  return op.kind == OpKind::ALIGNED_ALLOC && op.align != 0 && op.size % op.align != 0;
}

bool has_alignment_above_required(const Op& op, const Observation&, const Observation&) {
  return takes_alignment(op) && op.align > MAX_REQUIRED_ALIGNMENT_BYTES;
}

bool has_alignment_below_pointer(const Op& op, const Observation&, const Observation&) {
  return takes_alignment(op) && op.align < sizeof(void*);
}

// Both returned a block and the only difference is that one of them left ENOMEM in errno.
bool enomem_left_by_success(const Op&, const Observation& first, const Observation& second) {
  const auto left_enomem = [](const Observation& o) { return (o.flags & ERRNO_CHANGED) && o.error_number == ENOMEM; };
  const auto clean = [](const Observation& o) { return !(o.flags & ERRNO_CHANGED); };
  return first.outcome == Outcome::BLOCK && second.outcome == Outcome::BLOCK &&
         ((left_enomem(first) && clean(second)) || (clean(first) && left_enomem(second)));
}

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
    {"ENOMEM left in errno by a success", enomem_left_by_success,
     "C17 7.5p3 lets a successful call write errno; glibc 2.36's sysmalloc leaves sbrk's ENOMEM "
     "when the heap cannot grow in place and it maps the memory instead (seen here beside "
     "hardalloc's mappings); any other errno written by a success is a divergence"},
};
const unsigned ALLOWED_DIFFERENCE_COUNT = sizeof(ALLOWED_DIFFERENCES) / sizeof(ALLOWED_DIFFERENCES[0]);

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
    case Outcome::SKIPPED:
      return "skipped";
    case Outcome::UNSUPPORTED:
      return "unsupported";
    case Outcome::NO_BLOCK:
      break;
  }
  return "NULL, " + errno_text(observation.error_number);
}

const AllowedDifference* allowed_difference_for(const Op& op, const Observation& first, const Observation& second) {
  for (unsigned r = 0; r < ALLOWED_DIFFERENCE_COUNT; ++r) {
    if (ALLOWED_DIFFERENCES[r].applies(op, first, second)) return &ALLOWED_DIFFERENCES[r];
  }
  return nullptr;
}

Comparison compare_observations(const Op& op, const Observation& first, const Observation& second,
                                const AllowedDifference** rule) {
  const auto compared = [](Outcome outcome) { return outcome == Outcome::BLOCK || outcome == Outcome::NO_BLOCK; };
  if (!compared(first.outcome) || !compared(second.outcome)) return Comparison::NOT_COMPARED;
  // Whether realloc moved the block is never compared (C17 7.22.3.5: it may or may not); what
  // a call wrote to errno is, on success too: glibc writes it only on failure.
  const bool same_errno =
      (first.flags & ERRNO_CHANGED) == (second.flags & ERRNO_CHANGED) && first.error_number == second.error_number;
  if (first.outcome == second.outcome && same_errno) return Comparison::SAME;
  const AllowedDifference* allowing = allowed_difference_for(op, first, second);
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
