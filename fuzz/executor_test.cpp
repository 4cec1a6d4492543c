// The executor leaves a target's heaps clean after each stream (executor.h): the target's reset
// runs on every lock-step worker the stream used, then on the calling thread, reset_rounds
// times; none runs before the next stream; a worker the stream ended starts again; a forked
// child starts its own workers. A worker's run of consecutive ops is one job: its ops run on
// that worker in stream order (a handoff to it joins the run, a thread_end ends it), and a
// violation inside the run stops it at that op.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "allocator_target.h"
#include "executor.h"
#include "op_text.h"
#include "run_result.h"

namespace {

// The threads the fake target's reset ran on, in order. Written by one thread at a time: the
// coordinator waits for each worker's reset (the hand-off's counters order the writes).
struct ResetLog {
  pthread_t threads[64];
  unsigned count = 0;
};
ResetLog g_log;

void record_reset() {
  if (g_log.count < 64) g_log.threads[g_log.count++] = pthread_self();
}

// The process's malloc with a reset that records where it ran; `rounds` as reset_rounds.
hafuzz::AllocatorTarget recording_target(unsigned rounds) {
  hafuzz::AllocatorTarget target = hafuzz::system_target();
  target.reset_fn = &record_reset;
  target.reset_rounds = rounds;
  return target;
}

std::unique_ptr<hafuzz::RunResult> run_result(const hafuzz::AllocatorTarget& target, const std::string& trace) {
  auto stream = std::make_unique<hafuzz::OpStream>();
  std::string error;
  EXPECT_TRUE(hafuzz::parse_op_text(trace, stream.get(), &error)) << error;
  auto result = std::make_unique<hafuzz::RunResult>();
  hafuzz::execute_op_stream(*stream, target, hafuzz::RunConfig{}, result.get());
  return result;
}

hafuzz::Verdict run(const hafuzz::AllocatorTarget& target, const std::string& trace) {
  return run_result(target, trace)->verdict;
}

// The threads (kernel ids: a pthread_t may be reused by the next thread) the fake target's malloc
// and free ran on, in call order, and the malloc call (from 1) that returns NULL for its request
// (0: none). Written by one thread at a time, as g_log.
struct CallLog {
  pid_t threads[64];
  char kinds[64];  // 'm' malloc, 'f' free
  unsigned count = 0;
  unsigned mallocs = 0;
  unsigned failing_malloc = 0;
};
CallLog g_calls;

void* logging_malloc(std::size_t size) {
  if (g_calls.count < 64) {
    g_calls.threads[g_calls.count] = gettid();
    g_calls.kinds[g_calls.count++] = 'm';
  }
  return ++g_calls.mallocs == g_calls.failing_malloc ? nullptr : std::malloc(size);
}

void logging_free(void* block) {
  if (block != nullptr && g_calls.count < 64) {
    g_calls.threads[g_calls.count] = gettid();
    g_calls.kinds[g_calls.count++] = 'f';
  }
  std::free(block);
}

// The process's malloc, with the calls logged and no reset (so the log holds the stream's calls).
const hafuzz::AllocatorTarget& logging_target() {
  static const hafuzz::AllocatorTarget target = [] {
    hafuzz::AllocatorTarget t = hafuzz::system_target();
    t.malloc_fn = &logging_malloc;
    t.free_fn = &logging_free;
    t.reset_fn = nullptr;
    return t;
  }();
  return target;
}

void clear_calls(unsigned failing_malloc) {
  g_calls = CallLog{};
  g_calls.failing_malloc = failing_malloc;
}

constexpr const char* TWO_THREADS = "threads 2\nmalloc t1 s0 size=16\nmalloc t0 s1 size=24\n";

TEST(Executor, ResetsTheUsedWorkerThenTheCallerAfterTheStreamAndNothingBefore) {
  static const hafuzz::AllocatorTarget target = recording_target(1);
  ASSERT_EQ(run(target, TWO_THREADS), hafuzz::Verdict::PASS);  // starts the workers
  g_log.count = 0;
  ASSERT_EQ(run(target, TWO_THREADS), hafuzz::Verdict::PASS);
  ASSERT_EQ(g_log.count, 2u);
  EXPECT_FALSE(pthread_equal(g_log.threads[0], pthread_self()));
  EXPECT_TRUE(pthread_equal(g_log.threads[1], pthread_self()));

  g_log.count = 0;  // a stream of the calling thread alone resets it alone
  ASSERT_EQ(run(target, "threads 1\nmalloc t0 s0 size=16\n"), hafuzz::Verdict::PASS);
  ASSERT_EQ(g_log.count, 1u);
  EXPECT_TRUE(pthread_equal(g_log.threads[0], pthread_self()));
}

TEST(Executor, AnEndedWorkerStartsAgainAndResetsAtTheStreamsEnd) {
  static const hafuzz::AllocatorTarget target = recording_target(1);
  const std::string trace = std::string(TWO_THREADS) + "thread_end t1\n";
  ASSERT_EQ(run(target, trace), hafuzz::Verdict::PASS);
  g_log.count = 0;
  ASSERT_EQ(run(target, trace), hafuzz::Verdict::PASS);
  ASSERT_EQ(g_log.count, 2u);  // the new worker, then the caller; none before the ops
  EXPECT_FALSE(pthread_equal(g_log.threads[0], pthread_self()));
  EXPECT_TRUE(pthread_equal(g_log.threads[1], pthread_self()));
  g_log.count = 0;  // the restarted worker is clean: a stream without it resets only the caller
  ASSERT_EQ(run(target, "threads 1\nmalloc t0 s0 size=16\n"), hafuzz::Verdict::PASS);
  EXPECT_EQ(g_log.count, 1u);
}

TEST(Executor, ResetRoundsRepeatTheWholeRound) {
  static const hafuzz::AllocatorTarget target = recording_target(2);
  ASSERT_EQ(run(target, TWO_THREADS), hafuzz::Verdict::PASS);
  g_log.count = 0;
  ASSERT_EQ(run(target, TWO_THREADS), hafuzz::Verdict::PASS);
  ASSERT_EQ(g_log.count, 4u);
  EXPECT_TRUE(pthread_equal(g_log.threads[0], g_log.threads[2]));
  EXPECT_TRUE(pthread_equal(g_log.threads[1], pthread_self()));
  EXPECT_TRUE(pthread_equal(g_log.threads[3], pthread_self()));
}

TEST(Executor, AWorkersRunKeepsStreamOrderAndAHandoffToItJoinsIt) {
  clear_calls(0);
  // ops 0-2 are one run of worker 1 (the handoff frees s0 there); op 3 is the caller's.
  const auto result = run_result(logging_target(),
                                 "threads 2\nmalloc t1 s0 size=16\nmalloc t1 s1 size=32\nhandoff t0 s0 to=1\n"
                                 "malloc t0 s2 size=48\n");
  ASSERT_EQ(result->verdict, hafuzz::Verdict::PASS);
  ASSERT_GE(g_calls.count, 4u);
  EXPECT_EQ(std::string(g_calls.kinds, 4), "mmfm");
  EXPECT_NE(g_calls.threads[0], gettid());
  EXPECT_EQ(g_calls.threads[1], g_calls.threads[0]);
  EXPECT_EQ(g_calls.threads[2], g_calls.threads[0]);
  EXPECT_EQ(g_calls.threads[3], gettid());
}

TEST(Executor, AThreadEndEndsAWorkersRun) {
  clear_calls(0);
  const auto result =
      run_result(logging_target(), "threads 2\nmalloc t1 s0 size=16\nthread_end t1\nmalloc t1 s1 size=32\n");
  ASSERT_EQ(result->verdict, hafuzz::Verdict::PASS);
  ASSERT_GE(g_calls.count, 2u);
  EXPECT_EQ(result->observations[1].outcome, hafuzz::Outcome::BLOCK);  // the worker it ended
  EXPECT_NE(g_calls.threads[0], gettid());
  EXPECT_NE(g_calls.threads[1], gettid());
  EXPECT_NE(g_calls.threads[1], g_calls.threads[0]);  // a new worker after it
}

TEST(Executor, AViolationInAWorkersRunStopsTheRunThere) {
  clear_calls(2);  // the run's second malloc returns NULL for a request malloc must satisfy
  // (op 1 frees op 0's block, so that the failed stream leaves no block live)
  const auto result = run_result(logging_target(),
                                 "threads 2\nmalloc t1 s0 size=16\nfree t1 s0\nmalloc t1 s1 size=32\n"
                                 "malloc t1 s2 size=48\nmalloc t0 s3 size=64\n");
  ASSERT_EQ(result->verdict, hafuzz::Verdict::VIOLATION);
  EXPECT_EQ(result->failing_op, 2u);
  EXPECT_EQ(g_calls.mallocs, 2u);  // neither the run's last op nor the caller's ran
  EXPECT_EQ(result->observations[1].outcome, hafuzz::Outcome::BLOCK);
  EXPECT_EQ(result->observations[3].outcome, hafuzz::Outcome::SKIPPED);
  EXPECT_EQ(result->observations[4].outcome, hafuzz::Outcome::SKIPPED);
}

TEST(Executor, AForkedChildStartsItsOwnWorkers) {
  static const hafuzz::AllocatorTarget target = recording_target(1);
  ASSERT_EQ(run(target, TWO_THREADS), hafuzz::Verdict::PASS);  // the parent's workers run
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    alarm(30);  // a child waiting for a worker it does not have would hang here
    g_log.count = 0;
    const bool passed = run(target, TWO_THREADS) == hafuzz::Verdict::PASS;
    // Before the stream the child resets its new workers and itself (their state is unknown).
    _exit(passed && g_log.count > 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "child ended by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
