// A counter one thread advances and another waits on: the hand-off between the executor's
// coordinator and a lock-step worker, which happens at every run of one thread's ops in a stream.
//
// A condition variable costs a futex wake and a sleep per hand-off: with the answer usually a
// few microseconds away, that was 60% of a libFuzzer run's time, in the kernel. A waiter here
// may spin first, for as long as its SpinBudget allows, then sleeps on a futex; advance() makes
// a system call only when the waiter sleeps. Not std::atomic::wait: libstdc++'s spins with
// sched_yield before it sleeps, which on a loaded machine gives the core away for a whole time
// slice (measured: twice the time of a condition variable with one busy process beside it).
// One thread waits on a counter at a time.
//
// How often a waiter spins, and whether it sleeps, follow thread timing: the two functions
// that do it are out of line and carry no coverage instrumentation, or libFuzzer would count
// timing as new coverage (the AFL++ build leaves the whole executor uninstrumented).
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "untraced.h"

namespace hafuzz {

// How long one waiter spins, learnt from its last waits: doubled when a spin saw the change,
// halved when it ran out and the waiter slept. Spinning pays only while the other thread has
// a core: on a loaded machine (another fuzzing job, a build) the spins keep running out and the
// budget falls to a few PAUSEs, so the waiter sleeps almost at once; on a quiet one it grows
// to what the answers take. Invariant: MIN_SPINS <= spins() <= MAX_SPINS.
class SpinBudget {
 public:
  static constexpr unsigned MIN_SPINS = 8;
  // ~190 us of PAUSE on this machine's cores (23 ns each): a sleeping thread here took 12-100 us
  // to answer, mostly 25-50 (a virtual CPU woken from idle); 2,048 left a third of the waits
  // to sleep and replayed a corpus 1.3x slower than this.
  static constexpr unsigned MAX_SPINS = 8192;

  unsigned spins() const { return spins_; }
  void saw_change() { spins_ = spins_ * 2 > MAX_SPINS ? MAX_SPINS : spins_ * 2; }
  void ran_out() { spins_ = spins_ / 2 < MIN_SPINS ? MIN_SPINS : spins_ / 2; }

 private:
  unsigned spins_ = MAX_SPINS;
};

class TurnCounter {
 public:
  // Everything the caller wrote before (a job, a result) is visible to the thread whose wait
  // sees the new value (the increment releases). Seq_cst, not just release, on the increment and
  // on sleeping_ here and in wait_past (a Dekker pair): either the waiter's check sees the new
  // value or this load sees it asleep; the futex itself rechecks the value in the kernel.
  HA_FUZZ_UNTRACED void advance() {
    value_.fetch_add(1, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst)) {
      syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&value_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
  }

  // Relaxed: for the thread that advances the counter, or one that has seen its last advance.
  std::uint32_t value() const { return value_.load(std::memory_order_relaxed); }

  // Returns once the counter differs from seen: spins for budget's spins first (none when
  // budget is null), then sleeps. Acquire: pairs with advance()'s release, so what the other
  // thread wrote before it is visible here.
  HA_FUZZ_UNTRACED void wait_past(std::uint32_t seen, SpinBudget* budget) {
    if (budget != nullptr) {
      for (unsigned i = budget->spins(); i > 0; --i) {
        if (value_.load(std::memory_order_acquire) != seen) return budget->saw_change();
        __builtin_ia32_pause();
      }
      budget->ran_out();
    }
    sleeping_.store(true, std::memory_order_seq_cst);
    while (value_.load(std::memory_order_seq_cst) == seen) {
      syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&value_), FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
    }
    sleeping_.store(false, std::memory_order_relaxed);  // a stale true costs advance() one needless wake
  }

 private:
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                    std::atomic<std::uint32_t>::is_always_lock_free,
                "the futex word is the counter");
  std::atomic<std::uint32_t> value_{0};
  std::atomic<bool> sleeping_{false};  // the waiter is in (or about to enter) a futex wait
};

}  // namespace hafuzz
