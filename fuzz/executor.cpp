#include "executor.h"

#include <pthread.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <new>

#include "op_runner.h"
#include "shadow_model.h"
#include "turn_counter.h"
#include "violation_sink.h"

namespace hafuzz {
namespace {

// Blocks handed to one thread in free-running mode, freed by it between its own ops.
class Mailbox {
 public:
  bool post(const LiveBlock& block) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (count_ == MAILBOX_CAPACITY) return false;
    blocks_[count_++] = block;
    return true;
  }
  bool take(LiveBlock* block) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (count_ == 0) return false;
    *block = blocks_[--count_];
    return true;
  }

 private:
  std::mutex mutex_;
  LiveBlock blocks_[MAILBOX_CAPACITY];
  unsigned count_ = 0;
};

// Epoch mode's barrier: every logical thread meets the others at each VERIFY_ALL op of the
// stream. A thread that stops early (its ops are done, or a violation ended the run) leaves,
// so the others never wait for it.
class EpochBarrier {
 public:
  void reset(unsigned participants) {
    std::lock_guard<std::mutex> lock(mutex_);
    participants_ = participants;
    arrived_ = 0;
  }

  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    const unsigned generation = generation_;
    if (++arrived_ >= participants_) return next_generation();
    changed_.wait(lock, [&] { return generation_ != generation; });
  }

  void leave() {
    std::lock_guard<std::mutex> lock(mutex_);
    --participants_;
    if (arrived_ > 0 && arrived_ >= participants_) next_generation();
  }

 private:
  void next_generation() {  // mutex_ held
    arrived_ = 0;
    ++generation_;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  unsigned participants_ = 0;  // guarded by mutex_, as the two below
  unsigned arrived_ = 0;
  unsigned generation_ = 0;
};

class StreamExecution;

// A lock-step worker: runs one job at a time for the coordinator, which waits for it. A job is a
// run of consecutive ops of the stream that are all this thread's (one hand-off for the run, not
// one per op: nothing runs meanwhile, so the order is the stream's), else a reset, unless stop.
// The job fields, and the run's observations, are the coordinator's until it advances `posted`,
// then the worker's until it advances `finished` (each counter's release/acquire pair hands them
// over). Between jobs the two counts are equal: the worker finishes every job, a stop included.
struct LockStepWorker {
  pthread_t thread{};
  bool running = false;         // coordinator-only
  SpinBudget coordinator_wait;  // coordinator-only: its spins for this worker's results
  SpinBudget worker_wait;       // the worker's own: its spins for a next job
  TurnCounter posted;           // jobs posted by the coordinator
  TurnCounter finished;         // jobs the worker has finished
  StreamExecution* owner = nullptr;
  unsigned first_op = 0;  // the job: ops [first_op, end_op), or else (an empty run) reset
  unsigned end_op = 0;
  void (*reset)() = nullptr;
  bool stop = false;
  bool spin_for_next = false;  // the next job comes to this worker too: spin for it
  // Coordinator-only: the reset whose clean state this thread's heap is in (null: unknown).
  // Slot 0 of a target's workers is never a thread: its clean_for is the calling thread's.
  void (*clean_for)() = nullptr;
};

// Lock-step workers outlive a stream: thread t of every stream is the same pthread until a
// THREAD_END ends it, so an input pays neither for starting threads nor for their new heaps,
// and it meets the heaps in the state the reset left them (AFL++ stability). Each target has
// its own workers, so a comparison target's THREAD_END never ends a thread that holds the
// other's heap (up to MAX_TARGETS targets; more share the last set). Never destroyed: at exit
// the workers still wait for a job. One stream runs at a time.
constexpr unsigned MAX_TARGETS = 4;
struct LockStepPool {
  const AllocatorTarget* owners[MAX_TARGETS] = {};
  LockStepWorker workers[MAX_TARGETS][MAX_THREADS];
};
alignas(LockStepPool) unsigned char lock_step_storage[sizeof(LockStepPool)];

// A forked child (AFL++'s fork server, a misuse op) has none of the workers' threads: it gets
// new worker records (not running, counters at zero), so each worker starts again on its next
// job. The old ones need no destruction: they own nothing.
void forget_lock_step_workers_in_child() {
  auto* pool = std::launder(reinterpret_cast<LockStepPool*>(lock_step_storage));
  for (auto& workers : pool->workers) {
    for (LockStepWorker& worker : workers) new (&worker) LockStepWorker;
  }
}

LockStepWorker* lock_step_workers(const AllocatorTarget* target) {
  static LockStepPool* pool = [] {
    auto* created = new (lock_step_storage) LockStepPool;
    pthread_atfork(nullptr, nullptr, &forget_lock_step_workers_in_child);
    return created;
  }();
  unsigned i = 0;
  while (i + 1 < MAX_TARGETS && pool->owners[i] != target && pool->owners[i] != nullptr) ++i;
  pool->owners[i] = target;
  return pool->workers[i];
}

// One logical thread of free-running mode; THREAD_END moves it onto a new pthread, which joins
// the one before it, so that a chain never waits for the coordinator (in epoch mode the
// coordinator may be waiting for another logical thread that waits at a barrier for this one).
struct FreeRunningThread {
  StreamExecution* owner = nullptr;
  unsigned thread_index = 0;
  unsigned next_op = 0;  // owned by whichever pthread currently runs this logical thread
  std::mutex mutex;
  std::condition_variable changed;
  // Guarded by mutex: the pthread running the logical thread (set by each at its start), whether
  // one has started, and whether the logical thread has ended (`current` is then its last).
  pthread_t current{};
  bool started = false;
  bool done = false;
};

class StreamExecution {
 public:
  StreamExecution(const OpStream& stream, const AllocatorTarget& target, const RunConfig& config, RunResult* result)
      : stream_(stream),
        config_(config),
        result_(result),
        violations_(result),
        runner_(target, config, model_, violations_) {}

  void run() {
    result_->observation_count = stream_.op_count;
    for (unsigned i = 0; i < stream_.op_count; ++i) {
      result_->observations[i] = Observation{Outcome::SKIPPED, 0};
    }
    clean_heaps(false);
    if (config_.thread_mode == ThreadMode::LOCK_STEP) {
      run_lock_step();
    } else {
      run_free_running();
    }
    if (!violations_.failed()) release_everything();
    // A failed stream leaves blocks live, in heaps that may be corrupt: no reset runs on them
    // before the finding is reported; the next stream resets them first.
    if (violations_.failed()) return forget_clean_heaps();
    clean_heaps(true);
  }

  // Lock-step: runs op on the calling thread (the op's thread, or the receiver of a handoff).
  Observation execute_lock_step_op(unsigned op_index, const Op& op) {
    if (op.kind == OpKind::VERIFY_ALL) {
      verify_slots(op_index, op, 0, 1);
      return Observation{Outcome::BLOCK, 0};
    }
    if (op.kind == OpKind::HANDOFF) {
      LiveBlock& block = model_.slot(op.slot);
      if (!block.present()) return Observation{Outcome::SKIPPED, 0};
      runner_.release(op_index, &op, block, false);
      block = LiveBlock{};
      return Observation{Outcome::BLOCK, 0};
    }
    return runner_.run(op_index, op);
  }

  // Lock-step: a worker's job, ops [first, end) in order, each observation recorded; stops at a
  // violation.
  void execute_lock_step_run(unsigned first, unsigned end) {
    for (unsigned i = first; i < end && !violations_.failed(); ++i) {
      result_->current_op = i;
      result_->observations[i] = execute_lock_step_op(i, stream_.ops[i]);
    }
  }

  void run_free_running_thread(FreeRunningThread* self);

 private:
  // The logical thread ran out of ops, or could not go on: it leaves the epoch barrier and the
  // coordinator joins its last pthread.
  void end_logical_thread(FreeRunningThread* self);
  // Epoch mode: the VERIFY_ALL op at op_index is a barrier; its thread checks every slot there.
  void epoch_barrier(unsigned op_index, const Op& op, unsigned me);
  // Runs the target's reset on each heap that is not in its clean state: before the ops, those
  // of threads whose state is unknown; after them (after_stream), also those the stream used and
  // those of workers it ended, which start again; the workers first, the calling thread last,
  // AllocatorTarget::reset_rounds times. So every stream of the target starts from the same
  // state, and the resets' own paths belong to the stream that made them needed.
  void clean_heaps(bool after_stream);
  // After a violation, when blocks stay live: the heaps the stream used are in no known state.
  void forget_clean_heaps();
  void run_lock_step();
  void run_free_running();
  bool start_thread(pthread_t* thread, void* (*main)(void*), void* argument, const Op* op, unsigned op_index);
  // Runs ops [first_op, end_op), or else (an empty run) reset, on worker thread_index, starting
  // it if needed; next_job_too: the coordinator's next job goes to the same worker.
  void dispatch_to_worker(unsigned thread_index, unsigned first_op, unsigned end_op, void (*reset)(),
                          bool next_job_too);
  // The thread that runs stream_.ops[i] in lock-step mode, and the first op from i on that
  // runs on a worker (op_count if none).
  unsigned lock_step_thread(unsigned i) const;
  unsigned next_worker_op(unsigned i) const;
  void stop_worker(unsigned thread_index);
  void drain_mailbox(unsigned thread_index);
  Observation hand_off(unsigned op_index, const Op& op);
  void verify_slots(unsigned op_index, const Op& op, unsigned first_slot, unsigned stride);
  void release_everything();

  const OpStream& stream_;
  const RunConfig& config_;
  RunResult* result_;
  ShadowModel model_;
  ViolationSink violations_;
  OpRunner runner_;
  LockStepWorker* workers_ = lock_step_workers(&runner_.target());
  FreeRunningThread free_threads_[MAX_THREADS];
  bool used_[MAX_THREADS] = {};  // lock-step workers this stream gave an op
  Mailbox mailboxes_[MAX_THREADS];
  EpochBarrier barrier_;
};

void* lock_step_worker_main(void* argument) {
  auto* worker = static_cast<LockStepWorker*>(argument);
  bool spin = false;
  for (;;) {
    worker->posted.wait_past(worker->finished.value(), spin ? &worker->worker_wait : nullptr);
    if (worker->stop) {
      worker->finished.advance();
      return nullptr;
    }
    if (worker->first_op != worker->end_op) {
      worker->owner->execute_lock_step_run(worker->first_op, worker->end_op);
    } else {
      worker->reset();
    }
    spin = worker->spin_for_next;
    worker->finished.advance();
  }
}

void* free_running_main(void* argument) {
  auto* self = static_cast<FreeRunningThread*>(argument);
  pthread_t predecessor{};
  bool has_predecessor = false;
  {
    std::lock_guard<std::mutex> lock(self->mutex);
    has_predecessor = self->started;
    predecessor = self->current;
    self->current = pthread_self();
    self->started = true;
  }
  // The predecessor returns right after it started this pthread (THREAD_END): reap it here.
  if (has_predecessor) pthread_join(predecessor, nullptr);
  self->owner->run_free_running_thread(self);
  return nullptr;
}

bool StreamExecution::start_thread(pthread_t* thread, void* (*main)(void*), void* argument, const Op* op,
                                   unsigned op_index) {
  const int error = pthread_create(thread, nullptr, main, argument);
  if (error == 0) return true;
  violations_.report(op_index, op, RuleId::RUNS_TO_THE_END, "harness: pthread_create failed: %s", std::strerror(error));
  return false;
}

void StreamExecution::dispatch_to_worker(unsigned thread_index, unsigned first_op, unsigned end_op, void (*reset)(),
                                         bool next_job_too) {
  LockStepWorker& worker = workers_[thread_index];
  const bool ops = first_op != end_op;
  if (ops) used_[thread_index] = true;
  if (!worker.running) {
    worker.stop = false;
    // The run's observations stay SKIPPED.
    if (!start_thread(&worker.thread, lock_step_worker_main, &worker, ops ? &stream_.ops[first_op] : nullptr,
                      ops ? first_op : NO_OP_INDEX))
      return;
    worker.running = true;
  }
  worker.owner = this;
  worker.first_op = first_op;
  worker.end_op = end_op;
  worker.reset = reset;
  // Only the coordinator and the worker that gets the next job spin: on two cores, a third
  // spinning thread would keep the one with the turn from running.
  worker.spin_for_next = next_job_too;
  const std::uint32_t finished = worker.finished.value();
  worker.posted.advance();
  worker.finished.wait_past(finished, &worker.coordinator_wait);
}

void StreamExecution::stop_worker(unsigned thread_index) {
  LockStepWorker& worker = workers_[thread_index];
  if (!worker.running) return;
  worker.stop = true;
  worker.posted.advance();
  pthread_join(worker.thread, nullptr);
  worker.running = false;
  worker.clean_for = nullptr;
}

unsigned StreamExecution::lock_step_thread(unsigned i) const {
  const Op& op = stream_.ops[i];
  return op.kind == OpKind::HANDOFF ? op.to_thread : op.thread;
}

unsigned StreamExecution::next_worker_op(unsigned i) const {
  while (i < stream_.op_count && lock_step_thread(i) == 0) ++i;
  return i;
}

void StreamExecution::run_lock_step() {
  for (unsigned i = 0; i < stream_.op_count && !violations_.failed(); ++i) {
    const Op& op = stream_.ops[i];
    const unsigned thread_index = lock_step_thread(i);
    Observation& observation = result_->observations[i];
    result_->current_op = i;
    if (op.kind == OpKind::THREAD_END) {
      const bool ends_worker = thread_index != 0 && workers_[thread_index].running;
      stop_worker(thread_index);
      observation = Observation{ends_worker ? Outcome::BLOCK : Outcome::SKIPPED, 0};
    } else if (thread_index == 0) {
      observation = execute_lock_step_op(i, op);
    } else {
      unsigned end = i + 1;  // the run of this thread's ops that starts at i
      while (end < stream_.op_count && lock_step_thread(end) == thread_index &&
             stream_.ops[end].kind != OpKind::THREAD_END)
        ++end;
      const unsigned next_dispatch = next_worker_op(end);  // each op is scanned once or twice per stream
      const bool next_job_too = next_dispatch < stream_.op_count && lock_step_thread(next_dispatch) == thread_index;
      dispatch_to_worker(thread_index, i, end, nullptr, next_job_too);
      i = end - 1;
    }
  }
  result_->current_op = NO_OP_INDEX;
}

// Free-running threads are new for every stream: their heaps go when they exit.
void StreamExecution::clean_heaps(bool after_stream) {
  void (*reset)() = runner_.target().reset_fn;
  if (reset == nullptr) return;
  bool resets[MAX_THREADS];
  resets[0] = after_stream || workers_[0].clean_for != reset;
  for (unsigned t = 1; t < MAX_THREADS; ++t) resets[t] = workers_[t].clean_for != reset || (after_stream && used_[t]);
  for (unsigned round = 0; round < runner_.target().reset_rounds; ++round) {
    for (unsigned t = 1; t < MAX_THREADS; ++t) {
      if (resets[t]) dispatch_to_worker(t, 0, 0, reset, false);
    }
    if (resets[0]) reset();
  }
  for (unsigned t = 0; t < MAX_THREADS; ++t) {
    if (resets[t] && (t == 0 || workers_[t].running)) workers_[t].clean_for = reset;
  }
}

void StreamExecution::forget_clean_heaps() {
  workers_[0].clean_for = nullptr;
  for (unsigned t = 1; t < MAX_THREADS; ++t) {
    if (used_[t]) workers_[t].clean_for = nullptr;
  }
}

void StreamExecution::drain_mailbox(unsigned thread_index) {
  LiveBlock block;
  while (!violations_.failed() && mailboxes_[thread_index].take(&block)) {
    runner_.release(NO_OP_INDEX, nullptr, block, false);
  }
}

Observation StreamExecution::hand_off(unsigned op_index, const Op& op) {
  LiveBlock& block = model_.slot(op.slot);
  if (!block.present()) return Observation{Outcome::SKIPPED, 0};
  if (!mailboxes_[op.to_thread].post(block)) runner_.release(op_index, &op, block, false);
  block = LiveBlock{};
  return Observation{Outcome::BLOCK, 0};
}

void StreamExecution::run_free_running_thread(FreeRunningThread* self) {
  const unsigned thread_count = stream_.thread_count;
  const unsigned me = self->thread_index;
  const bool epochs = config_.thread_mode == ThreadMode::EPOCHS;
  for (unsigned i = self->next_op; i < stream_.op_count && !violations_.failed(); ++i) {
    Op op = stream_.ops[i];
    if (epochs && op.kind == OpKind::VERIFY_ALL) {  // the end of an epoch, for every thread
      epoch_barrier(i, op, me);
      continue;
    }
    if (op.thread != me) continue;
    drain_mailbox(me);
    // This thread's share of the slots: those with slot % thread_count == me.
    op.slot = static_cast<std::uint8_t>(op.slot - op.slot % thread_count + me);
    if (op.slot >= SLOT_COUNT) op.slot = static_cast<std::uint8_t>(op.slot - thread_count);
    Observation& observation = result_->observations[i];
    if (op.kind == OpKind::THREAD_END) {
      observation = Observation{Outcome::BLOCK, 0};
      self->next_op = i + 1;
      pthread_t successor{};
      if (!start_thread(&successor, free_running_main, self, &op, i)) end_logical_thread(self);
      return;  // the successor goes on (and joins this pthread)
    }
    if (op.kind == OpKind::HANDOFF) {
      observation = hand_off(i, op);
    } else if (op.kind == OpKind::VERIFY_ALL) {
      verify_slots(i, op, me, thread_count);
      observation = Observation{Outcome::BLOCK, 0};
    } else {
      observation = runner_.run(i, op);
    }
  }
  drain_mailbox(me);
  end_logical_thread(self);
}

void StreamExecution::end_logical_thread(FreeRunningThread* self) {
  if (config_.thread_mode == ThreadMode::EPOCHS) barrier_.leave();
  std::lock_guard<std::mutex> lock(self->mutex);
  self->done = true;
  self->changed.notify_all();
}

void StreamExecution::epoch_barrier(unsigned op_index, const Op& op, unsigned me) {
  drain_mailbox(me);
  barrier_.arrive_and_wait();  // every thread's ops before op_index are done
  if (me == op.thread) {
    verify_slots(op_index, op, 0, 1);
    result_->observations[op_index] = Observation{Outcome::BLOCK, 0};
  }
  barrier_.arrive_and_wait();  // the check is done: the next epoch starts
}

void StreamExecution::run_free_running() {
  const unsigned thread_count = stream_.thread_count;
  barrier_.reset(thread_count);
  unsigned started = 0;
  for (; started < thread_count; ++started) {
    FreeRunningThread& logical = free_threads_[started];
    logical.owner = this;
    logical.thread_index = started;
    logical.next_op = 0;
    logical.started = false;
    logical.done = false;
    pthread_t first{};
    if (!start_thread(&first, free_running_main, &logical, nullptr, NO_OP_INDEX)) break;
  }
  for (unsigned t = started; t < thread_count; ++t) barrier_.leave();  // never started
  for (unsigned t = 0; t < started; ++t) {
    FreeRunningThread& logical = free_threads_[t];
    pthread_t last{};
    {
      std::unique_lock<std::mutex> lock(logical.mutex);
      logical.changed.wait(lock, [&] { return logical.done; });
      last = logical.current;
    }
    pthread_join(last, nullptr);
  }
}

void StreamExecution::verify_slots(unsigned op_index, const Op& op, unsigned first_slot, unsigned stride) {
  for (unsigned s = first_slot; s < SLOT_COUNT && !violations_.failed(); s += stride) {
    const LiveBlock& block = model_.slot(s);
    if (block.present()) runner_.verify(op_index, &op, block, "on verify_all", CheckDepth::QUICK);
  }
}

void StreamExecution::release_everything() {
  for (unsigned s = 0; s < SLOT_COUNT && !violations_.failed(); ++s) {
    LiveBlock& block = model_.slot(s);
    if (block.present()) runner_.release(NO_OP_INDEX, nullptr, block, false);
    block = LiveBlock{};
  }
  for (unsigned t = 0; t < MAX_THREADS; ++t) drain_mailbox(t);
}

}  // namespace

void execute_op_stream(const OpStream& stream, const AllocatorTarget& target, const RunConfig& config,
                       RunResult* result) {
  result->verdict = Verdict::PASS;
  result->failing_op = NO_OP_INDEX;
  result->current_op = NO_OP_INDEX;
  result->rule = RuleId::RUNS_TO_THE_END;  // meaningful only when the verdict is not PASS
  result->message[0] = '\0';
  StreamExecution execution(stream, target, config, result);
  execution.run();
}

}  // namespace hafuzz
