#include "rules.h"

#include <cerrno>

namespace hafuzz {
namespace {

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
  return takes_alignment(op.kind) && op.align > MAX_REQUIRED_ALIGNMENT_BYTES;
}

bool has_alignment_below_pointer(const Op& op, const Observation&, const Observation&) {
  return takes_alignment(op.kind) && op.align < sizeof(void*);
}

// Both returned a block and the only difference is that one of them left ENOMEM in errno.
bool enomem_left_by_success(const Op&, const Observation& first, const Observation& second) {
  const auto left_enomem = [](const Observation& o) { return (o.flags & ERRNO_CHANGED) && o.error_number == ENOMEM; };
  const auto clean = [](const Observation& o) { return !(o.flags & ERRNO_CHANGED); };
  return first.outcome == Outcome::BLOCK && second.outcome == Outcome::BLOCK &&
         ((left_enomem(first) && clean(second)) || (clean(first) && left_enomem(second)));
}

constexpr RuleKind PROMISE = RuleKind::PROMISE;
constexpr RuleKind COMPARED = RuleKind::COMPARED;
constexpr RuleKind ALLOWED = RuleKind::ALLOWED;

}  // namespace

const Rule RULES[RULE_COUNT] = {
    {RuleId::SATISFIABLE_SUCCEEDS, PROMISE, RuleFamily::FAILURE, "satisfiable-succeeds",
     "a request of size > 0 within the live-bytes cap (64 MiB) and with a valid alignment up to 4 MiB "
     "returns memory",
     "the harness's capacity rule (every allocator on this machine meets it); ignorable: null-on-satisfiable", nullptr},
    {RuleId::IMPOSSIBLE_FAILS, PROMISE, RuleFamily::FAILURE, "impossible-fails",
     "a request of 2^47 bytes or more, a count * size that overflows, or posix_memalign with an "
     "alignment that is not a power-of-two multiple of sizeof(void*) fails",
     "C17 7.22.3.2 (calloc), reallocarray(3), POSIX.1-2017 posix_memalign [EINVAL]; x86-64 has 47 address bits",
     nullptr},
    {RuleId::ERRNO_ON_FAILURE, PROMISE, RuleFamily::ERRNO, "errno-on-failure",
     "a failed call sets errno: ENOMEM, or EINVAL for an invalid alignment (posix_memalign returns it)",
     "POSIX.1-2017 malloc, calloc, realloc [ENOMEM], aligned_alloc and posix_memalign [EINVAL]; glibc "
     "manual (memalign); ignorable: errno-on-failure",
     nullptr},
    {RuleId::FREE_KEEPS_ERRNO, PROMISE, RuleFamily::ERRNO, "free-keeps-errno",
     "free (free(NULL) too) leaves errno as it was",
     "POSIX.1-2024 free; glibc 2.33 NEWS; ignorable: errno-changed-by-free", nullptr},
    {RuleId::MEMALIGN_OUTPUT_KEPT, PROMISE, RuleFamily::ERRNO, "memalign-output-kept",
     "a failed posix_memalign leaves its output pointer as it was",
     "POSIX.1-2008 TC2 posix_memalign; man posix_memalign(3) (glibc)", nullptr},
    {RuleId::ALIGNED, PROMISE, RuleFamily::ALIGNMENT, "aligned",
     "a block is aligned to 16 (below 16 bytes: the largest power of two that fits the request), to "
     "the requested alignment, and to a page from valloc and pvalloc",
     "C17 7.22.3p1 and DR 445; C17 7.22.3.1; POSIX.1-2017 posix_memalign; glibc manual (valloc)", nullptr},
    {RuleId::USABLE_AT_LEAST_REQUEST, PROMISE, RuleFamily::USABLE_SIZE, "usable-at-least-request",
     "malloc_usable_size is at least the request, and every usable byte may be written",
     "man malloc_usable_size(3) (glibc)", nullptr},
    {RuleId::USABLE_STABLE, PROMISE, RuleFamily::USABLE_SIZE, "usable-stable",
     "malloc_usable_size of a live block gives the same value on every call",
     "glibc reads it from the block's header (malloc.c, musable); a program may size its use by it", nullptr},
    {RuleId::NO_OVERLAP, PROMISE, RuleFamily::INTEGRITY, "no-overlap", "the usable bytes of live blocks never overlap",
     "C17 7.22.3p1 (each allocation is disjoint from any other object); man malloc_usable_size(3)", nullptr},
    {RuleId::CONTENTS_KEPT, PROMISE, RuleFamily::INTEGRITY, "contents-kept",
     "every usable byte keeps what the program wrote until the block is freed or reallocated",
     "C17 6.2.4p2 (an object keeps its last-stored value for its lifetime), 7.22.3p1", nullptr},
    {RuleId::REALLOC_KEEPS_PREFIX, PROMISE, RuleFamily::REALLOC, "realloc-keeps-prefix",
     "realloc keeps the contents up to the smaller of the old and new sizes; a failed realloc leaves "
     "the old block as it was",
     "C17 7.22.3.5", nullptr},
    {RuleId::CALLOC_ZEROED, PROMISE, RuleFamily::ZEROING, "calloc-zeroed", "calloc's block is zero up to the request",
     "C17 7.22.3.2", nullptr},
    {RuleId::NEW_HANDLER_LOOP, PROMISE, RuleFamily::OPERATORS, "new-handler-loop",
     "a throwing operator new that cannot allocate calls the installed new_handler and retries, until "
     "no handler is installed, then throws std::bad_alloc",
     "C++17 [new.delete.single]p4, the default behavior (libstdc++'s); a replacement operator new "
     "'can' call the handler ([basic.stc.dynamic.allocation]p3), so for a foreign allocator this is a "
     "difference from the default; ignorable: new-handler",
     nullptr},
    {RuleId::MISUSE_REPORTED, PROMISE, RuleFamily::MISUSE, "misuse-reported",
     "on a target that reports misuse (hardalloc-hardened), every misuse op ends in one report of its "
     "KIND: double-free, interior-free, foreign-free, size-mismatch, write-after-free (or "
     "use-after-free-read in the guarded pool, where the stray write first reads its byte), overflow",
     "hardalloc's hardened contract (README.md, \"Reports\"); C17 7.22.3.3 and C23 7.24.3.4 make each "
     "of them undefined",
     nullptr},
    {RuleId::RUNS_TO_THE_END, PROMISE, RuleFamily::PROCESS, "runs-to-the-end",
     "the target runs every op of a valid stream without crashing or hanging",
     "the harness (HARDALLOC_FUZZ_TIMEOUT_MS); every call in a stream is valid C", nullptr},
    {RuleId::SAME_OUTCOME, COMPARED, RuleFamily::FAILURE, "same-outcome", "both targets return a block, or both fail",
     "what a program observes; glibc is the usual reference", nullptr},
    {RuleId::SAME_ERRNO, COMPARED, RuleFamily::ERRNO, "same-errno",
     "the same errno on failure (posix_memalign: the same return value), and on success the same "
     "write to errno, or none",
     "POSIX.1-2017 malloc (errno on failure); glibc 2.36 writes errno only on failure, with the "
     "exception allowed below",
     nullptr},
    {RuleId::ALIGNMENT_NOT_POWER_OF_TWO, ALLOWED, RuleFamily::ALIGNMENT, "alignment not a power of two",
     "memalign: glibc and hardalloc round it up to a power of two (up to 16: plain malloc), ASan fails "
     "with EINVAL; aligned_alloc: glibc 2.38 and hardalloc fail with EINVAL, glibc 2.36 rounds it up",
     "C17 7.22.3.1 (aligned_alloc: an invalid alignment fails); glibc manual (memalign, every version)",
     has_non_power_of_two_alignment},
    {RuleId::ALIGNED_ALLOC_ODD_SIZE, ALLOWED, RuleFamily::ALIGNMENT,
     "aligned_alloc size not a multiple of the alignment", "glibc succeeds, ASan fails with EINVAL",
     "C11 7.22.3.1 required failure; C17 (DR 460) allows success", is_aligned_alloc_with_odd_size},
    {RuleId::ALIGNMENT_ABOVE_4_MIB, ALLOWED, RuleFamily::ALIGNMENT, "alignment above 4 MiB",
     "either side may fail with ENOMEM or EINVAL",
     "C17 7.22.3.1: supported alignments are implementation-defined; the suite requires up to 4 MiB",
     has_alignment_above_required},
    {RuleId::ALIGNMENT_BELOW_POINTER, ALLOWED, RuleFamily::ALIGNMENT, "alignment below sizeof(void*)",
     "aligned_alloc and memalign may accept or reject it; posix_memalign must reject it (checked by "
     "each side's model: impossible-fails)",
     "C17 7.22.3.1 (implementation-defined alignments); POSIX.1-2017 posix_memalign [EINVAL]",
     has_alignment_below_pointer},
    {RuleId::ZERO_SIZE_REQUEST, ALLOWED, RuleFamily::FAILURE, "zero-size request",
     "a zero-size request returns NULL or a unique pointer (glibc, hardalloc: a block)", "C17 7.22.3p1",
     is_zero_size_allocation},
    {RuleId::REALLOC_TO_ZERO, ALLOWED, RuleFamily::REALLOC, "realloc to zero bytes",
     "glibc and hardalloc free the block and return NULL; jemalloc and mimalloc return a new block",
     "C17 7.22.3.5 allows both; C23 makes it undefined", is_realloc_to_zero},
    {RuleId::ENOMEM_LEFT_BY_SUCCESS, ALLOWED, RuleFamily::ERRNO, "ENOMEM left in errno by a success",
     "glibc 2.36's sysmalloc leaves sbrk's ENOMEM when the heap cannot grow in place and it maps the "
     "memory instead (seen beside hardalloc's mappings); any other errno written by a success differs",
     "C17 7.5p3 (a library call may set errno even when it succeeds)", enomem_left_by_success},
};

const char* family_name(RuleFamily family) {
  switch (family) {
    case RuleFamily::FAILURE:
      return "failure";
    case RuleFamily::ERRNO:
      return "errno";
    case RuleFamily::ALIGNMENT:
      return "alignment";
    case RuleFamily::USABLE_SIZE:
      return "usable-size";
    case RuleFamily::REALLOC:
      return "realloc";
    case RuleFamily::ZEROING:
      return "zeroing";
    case RuleFamily::INTEGRITY:
      return "integrity";
    case RuleFamily::OPERATORS:
      return "c++-operators";
    case RuleFamily::MISUSE:
      return "misuse";
    case RuleFamily::PROCESS:
      return "process";
    case RuleFamily::COUNT_:
      break;
  }
  return "?";
}

RuleFamily family_of(RuleId id, const Op* op) {
  const bool operator_op = op != nullptr && is_operator_new(op->kind);
  const RuleFamily family = rule(id).family;
  // Other families on such an op (a free of the slot's old block, the block's contents) are
  // about the allocator beneath the operator.
  const bool about_the_result =
      family == RuleFamily::FAILURE || family == RuleFamily::ALIGNMENT || rule(id).kind == RuleKind::COMPARED;
  return operator_op && about_the_result ? RuleFamily::OPERATORS : family;
}

}  // namespace hafuzz
