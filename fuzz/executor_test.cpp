// The executor leaves a target's heaps clean after each stream (executor.h): the target's reset
// runs on every lock-step worker the stream used, then on the calling thread, reset_rounds
// times; none runs before the next stream; a worker the stream ended starts again; a forked
// child starts its own workers.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

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

hafuzz::Verdict run(const hafuzz::AllocatorTarget& target, const std::string& trace) {
  auto stream = std::make_unique<hafuzz::OpStream>();
  std::string error;
  EXPECT_TRUE(hafuzz::parse_op_text(trace, stream.get(), &error)) << error;
  auto result = std::make_unique<hafuzz::RunResult>();
  hafuzz::execute_op_stream(*stream, target, hafuzz::RunConfig{}, result.get());
  return result->verdict;
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
