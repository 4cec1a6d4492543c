// The meaning of each op on one target, and every check the shadow model makes after it.
//
// What is checked (C17 7.22.3, POSIX, C++ [new.delete]): a returned block's usable bytes (up
// to malloc_usable_size, which is >= the request) overlap no live block's, it is aligned as
// promised, keeps the contents of all its usable bytes until freed (and across realloc the
// requested prefix up to the smaller size), is zero up to the request when it comes from calloc; a
// request no allocator can satisfy gives NULL and ENOMEM; an invalid posix_memalign alignment
// gives EINVAL, and a failed posix_memalign leaves its output alone (POSIX.1-2008 TC2); free
// keeps errno (POSIX 2024, glibc 2.33); malloc_usable_size of a live block does not change. A
// NULL on a request that fits the live-bytes cap is a failure too. What a successful call wrote
// to errno, and whether realloc moved the block, are observed (run_result.h), not judged here.
#pragma once

#include <atomic>
#include <cstdint>

#include "allocator_target.h"
#include "pattern.h"
#include "run_result.h"
#include "shadow_model.h"
#include "violation_sink.h"

namespace hafuzz {

class OpRunner {
 public:
  OpRunner(const AllocatorTarget& target, const RunConfig& config, ShadowModel& model, ViolationSink& violations)
      : target_(target), config_(config), model_(model), violations_(violations) {}

  // Runs an op on the calling thread. The caller owns op.slot for the duration; HANDOFF,
  // THREAD_END and VERIFY_ALL belong to the executor.
  Observation run(unsigned op_index, const Op& op);

  // Checks a block's contents, then releases it as it was made (sized or not).
  void release(unsigned op_index, const Op* op, const LiveBlock& block, bool sized);

  // Checks a block's contents to the depth asked (pattern.h), below limit_bytes or all;
  // reports a break of `rule` and returns false on a mismatch. The block's address may differ
  // from where its pattern was written (realloc).
  bool verify(unsigned op_index, const Op* op, const LiveBlock& block, const char* when, CheckDepth depth,
              std::size_t limit_bytes = SIZE_MAX, RuleId rule = RuleId::CONTENTS_KEPT);

  const AllocatorTarget& target() const { return target_; }

 private:
  Observation allocate(unsigned op_index, const Op& op);
  Observation reallocate(unsigned op_index, const Op& op);
  // A misuse op (misuse.h) in a forked child; reports a hardened target's wrong or missing report.
  Observation misuse(unsigned op_index, const Op& op);
  // Calls the allocation function; *errno_after is errno after the call (ERRNO_SENTINEL when
  // it was not written), or posix_memalign's nonzero return.
  void* call_allocation(unsigned op_index, const Op& op, std::size_t request_bytes, bool impossible, int* errno_after);
  // NEW_HANDLER: operator new(request_bytes) with the counting handler installed; reports a
  // break of new-handler-loop. Null when it threw std::bad_alloc.
  void* call_new_with_handler(unsigned op_index, const Op& op, std::size_t request_bytes);
  // Frees as the block was made: free, free_sized, operator delete in its form. True when it
  // called free itself (the one form POSIX 2024 forbids to write errno).
  bool deallocate(const LiveBlock& block, bool sized);
  // Reports a free that wrote errno (set to ERRNO_SENTINEL before it).
  void check_free_kept_errno(unsigned op_index, const Op* op);
  void check_failure(unsigned op_index, const Op& op, std::size_t request_bytes, bool impossible, int error);
  // Checks a fresh block and records it in the model; false when it broke a promise.
  bool accept_block(unsigned op_index, const Op& op, LiveBlock& block, std::size_t required_align);
  std::uint64_t next_seed() { return seed_counter_.fetch_add(1, std::memory_order_relaxed); }

  const AllocatorTarget& target_;
  const RunConfig& config_;
  ShadowModel& model_;
  ViolationSink& violations_;
  // relaxed: seeds need only be distinct; in lock-step mode the sequence is deterministic.
  std::atomic<std::uint64_t> seed_counter_{1};
  // Set by the stream's first misuse op; lock-step hand-offs order every access.
  bool misuse_ran_ = false;
};

}  // namespace hafuzz
