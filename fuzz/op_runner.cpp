#include "op_runner.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>

#include "behaviour_coverage.h"
#include "finding_class.h"
#include "misuse.h"
#include "pattern.h"
#include "sanitizer_quiet.h"

namespace hafuzz {
namespace {

constexpr std::size_t FUNDAMENTAL_ALIGN_BYTES = alignof(std::max_align_t);
constexpr std::size_t PAGE_BYTES = 4096;

// errno before every call on the target: no allocator writes this value, so any other value
// afterwards was written by the call.
constexpr int ERRNO_SENTINEL = 0x6861;
// posix_memalign's output before the call: a failed call must leave it (POSIX.1-2008 TC2,
// glibc; man posix_memalign(3)).
void* const OUTPUT_SENTINEL = reinterpret_cast<void*>(std::uintptr_t{0x6861});

// Hides a pointer from the optimiser, so calls on the target are never folded away.
void* opaque(void* pointer) {
  asm volatile("" : "+r"(pointer));
  return pointer;
}

std::size_t bit_floor(std::size_t value) { return value == 0 ? 0 : std::size_t{1} << (63 - __builtin_clzll(value)); }

// C17 DR 445: a block smaller than the fundamental alignment need only be aligned for the
// objects that fit in it (jemalloc returns 8-aligned 8-byte blocks).
std::size_t weak_fundamental_align(std::size_t size_bytes) {
  const std::size_t fit = bit_floor(size_bytes == 0 ? 1 : size_bytes);
  return fit < FUNDAMENTAL_ALIGN_BYTES ? fit : FUNDAMENTAL_ALIGN_BYTES;
}

bool alignment_valid(const Op& op) {
  if (op.kind == OpKind::POSIX_MEMALIGN) {
    return is_power_of_two(op.align) && op.align % sizeof(void*) == 0;
  }
  return is_power_of_two(op.align);
}

// Alignment a returned block must have.
std::size_t required_alignment(const Op& op, std::size_t request_bytes) {
  const std::size_t weak = weak_fundamental_align(request_bytes);
  if (op.kind == OpKind::VALLOC || op.kind == OpKind::PVALLOC) return PAGE_BYTES;
  if (takes_alignment(op.kind) && alignment_valid(op)) return op.align > weak ? op.align : weak;
  // An aligned_alloc or memalign that accepts an alignment which is not a power of two must
  // honour the next power of two (glibc's memalign, every version; aligned_alloc before 2.38).
  const bool rounded_up = op.kind != OpKind::POSIX_MEMALIGN && takes_alignment(op.kind) && op.align > weak &&
                          op.align <= (std::size_t{1} << 63);
  if (rounded_up) return std::size_t{1} << (64 - __builtin_clzll(op.align - 1));
  return weak;
}

BlockOrigin origin_of(OpKind kind) {
  switch (kind) {
    case OpKind::ALIGNED_ALLOC:
      return BlockOrigin::ALIGNED_ALLOC;
    case OpKind::POSIX_MEMALIGN:
    case OpKind::MEMALIGN:
    case OpKind::VALLOC:
    case OpKind::PVALLOC:
      return BlockOrigin::MEMALIGN;
    case OpKind::NEW:
    case OpKind::NEW_NOTHROW:
    case OpKind::NEW_HANDLER:
      return BlockOrigin::NEW;
    case OpKind::NEW_ARRAY:
      return BlockOrigin::NEW_ARRAY;
    case OpKind::NEW_ALIGNED:
      return BlockOrigin::NEW_ALIGNED;
    default:
      return BlockOrigin::MALLOC;
  }
}

bool is_new_origin(BlockOrigin origin) {
  return origin == BlockOrigin::NEW || origin == BlockOrigin::NEW_ARRAY || origin == BlockOrigin::NEW_ALIGNED;
}

// Bytes an op asks for; *impossible when count * size overflows or no address space holds it.
std::size_t request_bytes_of(const Op& op, bool* impossible) {
  std::size_t bytes = op.size;
  bool overflow = false;
  if (op_info(op.kind).fields & FIELD_COUNT) overflow = __builtin_mul_overflow(op.count, op.size, &bytes);
  *impossible = overflow || bytes >= IMPOSSIBLE_MIN_BYTES;
  return bytes;
}

Observation observed(Outcome outcome, int error = 0, std::uint8_t flags = 0) {
  return Observation{outcome, error, flags};
}

// errno as a failed call left it: 0 when the call did not write it.
int errno_of_failure(int errno_after) { return errno_after == ERRNO_SENTINEL ? 0 : errno_after; }

// A successful call, and what it wrote to errno if it wrote it.
Observation observed_success(int errno_after, std::uint8_t flags = 0) {
  if (errno_after == ERRNO_SENTINEL) return observed(Outcome::BLOCK, 0, flags);
  return observed(Outcome::BLOCK, errno_after, flags | ERRNO_CHANGED);
}

void* call_operator_new(const Op& op, std::size_t bytes, bool impossible) {
  // A throwing operator new never sees a request that may fail (an impossible size, an
  // alignment above the required 4 MiB): ASan aborts there instead of throwing, so those go to
  // the nothrow form, which must return NULL.
  const bool may_fail = impossible || op.align > MAX_REQUIRED_ALIGNMENT_BYTES;
  if (op.kind == OpKind::NEW_NOTHROW || may_fail) {
    if (op.kind == OpKind::NEW_ALIGNED) {
      return ::operator new (bytes, std::align_val_t{op.align}, std::nothrow);
    }
    return op.kind == OpKind::NEW_ARRAY ? ::operator new[](bytes, std::nothrow) : ::operator new(bytes, std::nothrow);
  }
  try {
    if (op.kind == OpKind::NEW_ALIGNED) return ::operator new (bytes, std::align_val_t{op.align});
    return op.kind == OpKind::NEW_ARRAY ? ::operator new[](bytes) : ::operator new(bytes);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

// The NEW_HANDLER op's handler: counts its calls on this thread and removes itself on the
// NEW_HANDLER_CALLS-th (lock-step only: the handler is the process's, see call_new_with_handler).
thread_local unsigned t_new_handler_calls;

void counting_new_handler() {
  if (++t_new_handler_calls >= NEW_HANDLER_CALLS) std::set_new_handler(nullptr);
}

}  // namespace

void* OpRunner::call_new_with_handler(unsigned op_index, const Op& op, std::size_t request_bytes) {
  t_new_handler_calls = 0;
  const std::new_handler previous = std::set_new_handler(counting_new_handler);
  void* block = nullptr;
  bool threw = false;
  try {
    block = ::operator new(request_bytes);
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  std::set_new_handler(previous);
  if (config_.ignored_findings & FINDING_NEW_HANDLER) return block;
  if (!threw && block == nullptr) {
    violations_.report(op_index, &op, RuleId::NEW_HANDLER_LOOP, "throwing operator new returned NULL");
  } else if (threw && t_new_handler_calls != NEW_HANDLER_CALLS) {
    violations_.report(op_index, &op, RuleId::NEW_HANDLER_LOOP,
                       "threw std::bad_alloc after %u calls of the new_handler; it stays installed until its "
                       "call %u",
                       t_new_handler_calls, NEW_HANDLER_CALLS);
  }
  return block;
}

void* OpRunner::call_allocation(unsigned op_index, const Op& op, std::size_t request_bytes, bool impossible,
                                int* errno_after) {
  const AllocatorTarget& t = target_;
  const QuietSanitizerWarnings quiet(impossible || request_bytes >= QUIET_MIN_BYTES);
  errno = ERRNO_SENTINEL;
  void* block = nullptr;
  switch (op.kind) {
    case OpKind::MALLOC:
      block = t.malloc_fn(op.size);
      break;
    case OpKind::CALLOC:
      block = t.calloc_fn(op.count, op.size);
      break;
    case OpKind::ALIGNED_ALLOC:
      block = t.aligned_alloc_fn(op.align, op.size);
      break;
    case OpKind::MEMALIGN:
      block = t.memalign_fn(op.align, op.size);
      break;
    case OpKind::VALLOC:
      block = t.valloc_fn(op.size);
      break;
    case OpKind::PVALLOC:
      block = t.pvalloc_fn(op.size);
      break;
    case OpKind::POSIX_MEMALIGN: {
      block = OUTPUT_SENTINEL;
      const int status = t.posix_memalign_fn(&block, op.align, op.size);
      if (status == 0) break;
      if (block != OUTPUT_SENTINEL) {
        violations_.report(op_index, &op, RuleId::MEMALIGN_OUTPUT_KEPT,
                           "failed with %d yet wrote %p to its output, which must be left alone", status, block);
      }
      *errno_after = status;  // its error is the return value; errno is not part of its contract
      return nullptr;
    }
    case OpKind::NEW_HANDLER:
      *errno_after = ERRNO_SENTINEL;  // as for every operator new (below)
      return opaque(call_new_with_handler(op_index, op, request_bytes));
    default:
      // C++ reports a failed operator new by NULL (nothrow) or bad_alloc, never by errno
      // ([new.delete.single]): its errno is not observed, so no errno rule applies to it.
      *errno_after = ERRNO_SENTINEL;
      return opaque(call_operator_new(op, request_bytes, impossible));
  }
  *errno_after = errno;
  return opaque(block);
}

Observation OpRunner::run(unsigned op_index, const Op& op) {
  if (!target_supports(target_, op.kind)) return observed(Outcome::UNSUPPORTED);
  if (is_misuse(op.kind)) return misuse(op_index, op);
  LiveBlock& block = model_.slot(op.slot);
  switch (op.kind) {
    case OpKind::REALLOC:
    case OpKind::REALLOCARRAY:
      return reallocate(op_index, op);
    case OpKind::FREE:
    case OpKind::FREE_SIZED:
      if (!block.present()) {
        errno = ERRNO_SENTINEL;
        target_.free_fn(nullptr);
        check_free_kept_errno(op_index, &op);
        return observed(Outcome::BLOCK);
      }
      release(op_index, &op, block, op.kind == OpKind::FREE_SIZED);
      block = LiveBlock{};
      return observed(Outcome::BLOCK);
    case OpKind::USABLE_SIZE: {
      if (!block.present()) return observed(Outcome::SKIPPED);
      // The bytes up to the usable size given when the block was made already hold the pattern.
      // A live block's usable size does not change (glibc: it is read from the block's header).
      const std::size_t usable = target_.usable_size_fn(block.address);
      if (usable != block.usable_bytes) {
        violations_.report(op_index, &op, RuleId::USABLE_STABLE,
                           "malloc_usable_size %zu, was %zu when the block was made (requested %zu)", usable,
                           block.usable_bytes, block.size_bytes);
      }
      return observed(Outcome::BLOCK);
    }
    case OpKind::WRITE:
      if (!block.present()) return observed(Outcome::SKIPPED);
      if (!verify(op_index, &op, block, "before write", CheckDepth::QUICK)) return observed(Outcome::BLOCK);
      block.seed = next_seed();
      write_pattern(block.address, block.size_bytes, block.usable_bytes, block.seed);
      return observed(Outcome::BLOCK);
    case OpKind::VERIFY:
      if (!block.present()) return observed(Outcome::SKIPPED);
      verify(op_index, &op, block, "on verify", CheckDepth::QUICK);
      return observed(Outcome::BLOCK);
    default:
      return allocate(op_index, op);
  }
}

Observation OpRunner::allocate(unsigned op_index, const Op& op) {
  // operator new(align_val_t) with an alignment that is not a power of two is undefined.
  if (op.kind == OpKind::NEW_ALIGNED && !is_power_of_two(op.align)) {
    return observed(Outcome::SKIPPED);
  }
  // The new_handler is the process's: threads running at once would call each other's.
  if (op.kind == OpKind::NEW_HANDLER && config_.thread_mode != ThreadMode::LOCK_STEP) {
    return observed(Outcome::SKIPPED);
  }
  bool impossible = false;
  const std::size_t request_bytes = request_bytes_of(op, &impossible);
  if (!impossible && !model_.fits_live_cap(request_bytes, config_.live_cap_bytes)) {
    return observed(Outcome::SKIPPED);
  }
  if ((impossible && op.kind == OpKind::NEW_ALIGNED && target_.aligned_new_wraps_huge_sizes) ||
      (takes_alignment(op.kind) && op.align > target_.max_alignment_bytes)) {
    return observed(Outcome::SKIPPED);  // known defects beneath the target (allocator_target.h)
  }
  LiveBlock& slot = model_.slot(op.slot);
  if (slot.present()) {  // a slot holds one block: the old one goes first
    release(op_index, &op, slot, false);
    slot = LiveBlock{};
    if (violations_.failed()) return observed(Outcome::SKIPPED);
  }
  int errno_after = ERRNO_SENTINEL;
  void* address = call_allocation(op_index, op, request_bytes, impossible, &errno_after);
  if (address == nullptr) {
    const int error = errno_of_failure(errno_after);
    check_failure(op_index, op, request_bytes, impossible, error);
    return observed(Outcome::NO_BLOCK, error);
  }
  const Observation success = observed_success(errno_after);
  if (impossible || (op.kind == OpKind::POSIX_MEMALIGN && !alignment_valid(op))) {
    violations_.report(op_index, &op, RuleId::IMPOSSIBLE_FAILS, "returned %p for a request that must fail", address);
    return success;
  }
  const bool zeroed = op.kind == OpKind::CALLOC;
  LiveBlock block{.address = address,
                  .size_bytes = request_bytes,
                  .align_bytes = takes_alignment(op.kind) ? op.align : 0,
                  .seed = zeroed ? 0 : next_seed(),
                  .origin = origin_of(op.kind)};
  if (!accept_block(op_index, op, block, required_alignment(op, request_bytes))) {
    return success;
  }
  // calloc zeroes the request (C17 7.22.3.2), not the rest of the usable bytes: those get the
  // zero pattern here.
  if (zeroed && !verify(op_index, &op, block, "after calloc (must be zero)", CheckDepth::FULL, request_bytes,
                        RuleId::CALLOC_ZEROED)) {
    return success;
  }
  write_pattern(address, request_bytes, block.usable_bytes, block.seed, zeroed ? request_bytes : 0);
  slot = block;
  return success;
}

Observation OpRunner::reallocate(unsigned op_index, const Op& op) {
  LiveBlock& slot = model_.slot(op.slot);
  if (slot.present() && is_new_origin(slot.origin)) return observed(Outcome::SKIPPED);
  bool impossible = false;
  const std::size_t request_bytes = request_bytes_of(op, &impossible);
  const std::size_t growth_bytes = request_bytes > slot.size_bytes ? request_bytes - slot.size_bytes : 0;
  if (!impossible && !model_.fits_live_cap(growth_bytes, config_.live_cap_bytes)) {
    return observed(Outcome::SKIPPED);
  }
  const LiveBlock old_block = slot;
  // Out of the model before the call: once realloc runs, another thread may get this address.
  if (old_block.present()) {
    if (!verify(op_index, &op, old_block, "before realloc", CheckDepth::FULL)) return observed(Outcome::BLOCK);
    model_.retire(old_block);
  }
  void* address = nullptr;
  int errno_after = ERRNO_SENTINEL;
  {
    const QuietSanitizerWarnings quiet(impossible || request_bytes >= QUIET_MIN_BYTES);
    errno = ERRNO_SENTINEL;
    address = op.kind == OpKind::REALLOC ? target_.realloc_fn(old_block.address, op.size)
                                         : target_.reallocarray_fn(old_block.address, op.count, op.size);
    errno_after = errno;
  }
  address = opaque(address);
  if (address == nullptr) {
    const int error = errno_of_failure(errno_after);
    if (request_bytes == 0 && !impossible) {  // realloc(p, 0) freed p (glibc, hardalloc)
      slot = LiveBlock{};
      return observed(Outcome::NO_BLOCK, error);
    }
    check_failure(op_index, op, request_bytes, impossible, error);
    if (old_block.present()) {
      LiveBlock overlapped;
      model_.admit(old_block, &overlapped);  // it was live and disjoint a moment ago
      verify(op_index, &op, old_block, "after a failed realloc", CheckDepth::FULL, SIZE_MAX,
             RuleId::REALLOC_KEEPS_PREFIX);
    }
    return observed(Outcome::NO_BLOCK, error);
  }
  slot = LiveBlock{};
  const bool moved_block = old_block.present() && address != old_block.address;
  const Observation success = observed_success(errno_after, moved_block ? MOVED : 0);
  if (impossible) {
    violations_.report(op_index, &op, RuleId::IMPOSSIBLE_FAILS, "returned %p for a request that must fail", address);
    return success;
  }
  const std::size_t kept_bytes = request_bytes < old_block.size_bytes ? request_bytes : old_block.size_bytes;
  LiveBlock block{.address = address, .size_bytes = request_bytes, .seed = old_block.seed};
  if (!accept_block(op_index, op, block, weak_fundamental_align(request_bytes))) {
    return success;
  }
  LiveBlock moved = old_block;
  moved.address = address;
  if (!verify(op_index, &op, moved, "after realloc (prefix must be kept)", CheckDepth::FULL, kept_bytes,
              RuleId::REALLOC_KEEPS_PREFIX)) {
    return success;
  }
  block.seed = next_seed();
  write_pattern(address, request_bytes, block.usable_bytes, block.seed);
  slot = block;
  return success;
}

Observation OpRunner::misuse(unsigned op_index, const Op& op) {
  // One per stream (a fork each), in lock-step only (no other thread may be inside the allocator
  // when the child is forked).
  const bool must_report = target_.reports_misuse || config_.misuse_must_be_reported;
  if ((!must_report && !config_.record_misuse) || config_.thread_mode != ThreadMode::LOCK_STEP || misuse_ran_) {
    return observed(Outcome::SKIPPED);
  }
  misuse_ran_ = true;
  const Observation seen = run_misuse(target_, op);
  if (!must_report || seen.outcome == Outcome::UNSUPPORTED || seen.outcome == Outcome::SKIPPED) return seen;
  const ExpectedReport expected = expected_report(op.kind);
  const char* kind = seen.outcome == Outcome::REPORTED ? REPORT_KIND_NAMES[seen.error_number] : "";
  const bool right_kind = std::strcmp(kind, expected.kind) == 0 ||
                          (expected.alternative != nullptr && std::strcmp(kind, expected.alternative) == 0);
  if (!right_kind) {
    char text[64];
    violations_.report(op_index, &op, RuleId::MISUSE_REPORTED, "%s, expected a %s report",
                       describe_misuse(seen, text, sizeof text), expected.kind);
  }
  return seen;
}

void OpRunner::check_failure(unsigned op_index, const Op& op, std::size_t request_bytes, bool impossible, int error) {
  const bool bad_align = takes_alignment(op.kind) && !alignment_valid(op);
  const bool extreme_align = takes_alignment(op.kind) && op.align > MAX_REQUIRED_ALIGNMENT_BYTES;
  // C11 made aligned_alloc fail here; C17 (DR 460) lets it succeed; ASan fails with EINVAL.
  const bool odd_aligned_size = op.kind == OpKind::ALIGNED_ALLOC && op.align != 0 && request_bytes % op.align != 0;
  // A bad alignment: memalign rounds it up to a power of two (glibc, every version; hardalloc),
  // which may then be too large (ENOMEM), or rejects it (EINVAL: ASan); aligned_alloc rejects it
  // (EINVAL: C17, glibc 2.38, hardalloc) or rounds it up (glibc 2.36); posix_memalign must
  // reject it (POSIX).
  const bool rounds_bad_align_up = bad_align && op.kind != OpKind::POSIX_MEMALIGN;
  if (!(bad_align || impossible || extreme_align || odd_aligned_size || request_bytes == 0)) {
    if (config_.ignored_findings & FINDING_NULL_ON_SATISFIABLE) return;
    violations_.report(op_index, &op, RuleId::SATISFIABLE_SUCCEEDS,
                       "returned NULL (errno %d) for a satisfiable request", error);
    return;
  }
  if (is_operator_new(op.kind)) return;  // no errno rule: call_allocation
  if (config_.ignored_findings & FINDING_ERRNO_ON_FAILURE) return;
  const bool einval_allowed = bad_align || extreme_align || odd_aligned_size;
  const bool enomem_allowed = impossible || extreme_align || rounds_bad_align_up || request_bytes == 0;
  if (!(error == EINVAL && einval_allowed) && !(error == ENOMEM && enomem_allowed)) {
    violations_.report(op_index, &op, RuleId::ERRNO_ON_FAILURE, "failed with errno %d, expected %s", error,
                       einval_allowed && enomem_allowed ? "EINVAL or ENOMEM"
                       : einval_allowed                 ? "EINVAL"
                                                        : "ENOMEM");
  }
}

bool OpRunner::accept_block(unsigned op_index, const Op& op, LiveBlock& block, std::size_t required_align) {
  const auto address = reinterpret_cast<std::uintptr_t>(block.address);
  if (address % required_align != 0) {
    violations_.report(op_index, &op, RuleId::ALIGNED, "block %p is not aligned to %zu", block.address, required_align);
    return false;
  }
  // Without malloc_usable_size a program may use the requested bytes only.
  const std::size_t usable =
      target_.usable_size_fn != nullptr ? target_.usable_size_fn(block.address) : block.size_bytes;
  if (usable < block.size_bytes) {
    violations_.report(op_index, &op, RuleId::USABLE_AT_LEAST_REQUEST, "malloc_usable_size %zu < requested %zu", usable,
                       block.size_bytes);
    return false;
  }
  if (usable > UINTPTR_MAX - address) {
    violations_.report(op_index, &op, RuleId::USABLE_AT_LEAST_REQUEST,
                       "malloc_usable_size %zu of block %p runs past the end of memory", usable, block.address);
    return false;
  }
  block.usable_bytes = usable;
  LiveBlock overlapped;
  if (!model_.admit(block, &overlapped)) {
    violations_.report(op_index, &op, RuleId::NO_OVERLAP,
                       "block [%p, +%zu) (requested %zu) overlaps live block [%p, +%zu) (requested %zu)", block.address,
                       block.usable_bytes, block.size_bytes, overlapped.address, overlapped.usable_bytes,
                       overlapped.size_bytes);
    return false;
  }
  note_block_behaviour(op.kind, block.size_bytes, block.usable_bytes, address);
  return true;
}

bool OpRunner::verify(unsigned op_index, const Op* op, const LiveBlock& block, const char* when, CheckDepth depth,
                      std::size_t limit_bytes, RuleId rule) {
  const std::size_t mismatch = find_pattern_mismatch(block.address, block.size_bytes, block.usable_bytes, block.seed,
                                                     depth, op_index, limit_bytes);
  if (mismatch == SIZE_MAX) return true;
  const auto* bytes = static_cast<const volatile std::uint8_t*>(block.address);
  violations_.report(op_index, op, rule,
                     "contents changed %s: block %p size %zu (usable %zu), byte %zu is 0x%02x, expected 0x%02x", when,
                     block.address, block.size_bytes, block.usable_bytes, mismatch, unsigned{bytes[mismatch]},
                     unsigned{pattern_byte(block.seed, mismatch)});
  return false;
}

void OpRunner::check_free_kept_errno(unsigned op_index, const Op* op) {
  const int errno_after = errno;
  if (errno_after == ERRNO_SENTINEL || (config_.ignored_findings & FINDING_ERRNO_CHANGED_BY_FREE)) return;
  violations_.report(op_index, op, RuleId::FREE_KEEPS_ERRNO,
                     "free changed errno to %d; POSIX 2024 and glibc 2.33 keep it", errno_after);
}

void OpRunner::release(unsigned op_index, const Op* op, const LiveBlock& block, bool sized) {
  if (!verify(op_index, op, block, "before free", CheckDepth::FULL)) return;
  model_.retire(block);
  errno = ERRNO_SENTINEL;
  if (deallocate(block, sized)) check_free_kept_errno(op_index, op);
}

bool OpRunner::deallocate(const LiveBlock& block, bool sized) {
  void* address = opaque(block.address);
  const std::size_t size = block.size_bytes;
  const std::align_val_t align{block.align_bytes};
  switch (block.origin) {
    case BlockOrigin::NEW:
      if (sized)
        ::operator delete(address, size);
      else
        ::operator delete(address);
      return false;
    case BlockOrigin::NEW_ARRAY:
      if (sized)
        ::operator delete[](address, size);
      else
        ::operator delete[](address);
      return false;
    case BlockOrigin::NEW_ALIGNED:
      if (sized)
        ::operator delete(address, size, align);
      else
        ::operator delete(address, align);
      return false;
    case BlockOrigin::MALLOC:
      if (sized && target_.free_sized_fn != nullptr) {
        target_.free_sized_fn(address, size);
        return false;
      }
      break;
    case BlockOrigin::ALIGNED_ALLOC:
      if (sized && target_.free_aligned_sized_fn != nullptr && is_power_of_two(block.align_bytes)) {
        target_.free_aligned_sized_fn(address, block.align_bytes, size);
        return false;
      }
      break;
    case BlockOrigin::MEMALIGN:
      break;
  }
  target_.free_fn(address);
  return true;
}

}  // namespace hafuzz
