// Runs an op stream on a target with K threads and fills a RunResult.
//
// Lock-step (the default) runs the ops in stream order, each on its thread, one at a time: it
// hands each run of consecutive ops of one worker to that worker as one job and waits for it;
// thread 0 is the calling thread, threads 1..K-1 are workers kept for later streams (for a
// target with a reset, all MAX_THREADS - 1 start with its first stream); the same input always
// makes the same calls in the same order, so every failure replays. HANDOFF frees the block on
// the receiving thread; THREAD_END ends a worker (its heap is abandoned): a new one starts at
// the stream's end (with a reset) or on its next op.
//
// After the ops and the release of every live block, the target's reset (AllocatorTarget::
// reset_fn) runs on each worker the stream used and on the calling thread, and a worker the
// stream ended starts again and resets, so the next stream starts from the same allocator state
// whatever ran before; before the ops it runs only where that state is unknown (the first
// stream, or after a stream that failed with blocks live).
//
// Free-running lets the scheduler interleave: thread t runs its own ops on its own share of
// the slots (slot % K == t), HANDOFF posts the block to the receiver's mailbox, which the
// receiver frees between its own ops; THREAD_END continues the thread's ops on a new thread.
// Epochs run free, but every VERIFY_ALL op is a barrier: each thread finishes its ops before it,
// the VERIFY_ALL's thread checks every live block while the others wait, then all go on. The
// stream's bytes mean the same ops in every mode: a finding of a concurrent run replays exactly
// in lock-step when it is not a race, and with the probability ha_fuzz_replay --repeat measures
// when it is.
//
// Allocates nothing itself (threads are pthreads, state is in the object and in static
// storage), so it can run in a process whose malloc is the allocator under test. One stream
// at a time per process.
#pragma once

#include "allocator_target.h"
#include "run_result.h"

namespace hafuzz {

void execute_op_stream(const OpStream& stream, const AllocatorTarget& target, const RunConfig& config,
                       RunResult* result);

}  // namespace hafuzz
