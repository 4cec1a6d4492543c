// Runs an op stream on a target with K threads and fills a RunResult.
//
// Lock-step (the default) hands each op, in stream order, to its thread and waits for it:
// thread 0 is the calling thread, threads 1..K-1 are workers started on their first op; the
// same input always makes the same calls in the same order, so every failure replays.
// HANDOFF frees the block on the receiving thread; THREAD_END ends a worker (its heap is
// abandoned) and its next op starts a new one.
//
// Free-running lets the scheduler interleave: thread t runs its own ops on its own share of
// the slots (slot % K == t), HANDOFF posts the block to the receiver's mailbox, which the
// receiver frees between its own ops; THREAD_END continues the thread's ops on a new thread.
//
// Allocates nothing itself (threads are pthreads, state is in the object), so it can run in
// a process whose malloc is the allocator under test.
#pragma once

#include "allocator_target.h"
#include "run_result.h"

namespace hafuzz {

void execute_op_stream(const OpStream& stream, const AllocatorTarget& target, const RunConfig& config,
                       RunResult* result);

}  // namespace hafuzz
