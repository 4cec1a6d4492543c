// TurnCounter hands data from one thread to another in order, whether the waiter spins or
// sleeps (run under ThreadSanitizer too, which checks the release/acquire pairs); SpinBudget
// stays within its bounds.
#include "turn_counter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using hafuzz::SpinBudget;
using hafuzz::TurnCounter;

// Ping-pong: the main thread posts job i (payload = i), the other answers with i * 3.
void ping_pong(bool spin) {
  constexpr unsigned ROUNDS = 20000;
  TurnCounter posted;
  TurnCounter finished;
  unsigned job = 0;     // the main thread's until posted advances
  unsigned answer = 0;  // the other thread's until finished advances
  std::thread other([&] {
    SpinBudget budget;
    for (unsigned i = 0; i < ROUNDS; ++i) {
      posted.wait_past(finished.value(), spin ? &budget : nullptr);
      answer = job * 3;
      finished.advance();
    }
  });
  SpinBudget budget;
  unsigned wrong = 0;
  for (unsigned i = 0; i < ROUNDS; ++i) {
    job = i;
    const std::uint32_t seen = finished.value();
    posted.advance();
    finished.wait_past(seen, spin ? &budget : nullptr);
    if (answer != i * 3) ++wrong;
  }
  other.join();
  EXPECT_EQ(wrong, 0u);
  EXPECT_EQ(posted.value(), ROUNDS);
  EXPECT_EQ(finished.value(), ROUNDS);
}

TEST(TurnCounter, HandsEachJobOverInOrderWhenTheWaiterSpins) { ping_pong(true); }

TEST(TurnCounter, HandsEachJobOverInOrderWhenTheWaiterSleeps) { ping_pong(false); }

TEST(TurnCounter, WakesAWaiterThatRanOutOfSpinsAndSlept) {
  TurnCounter counter;
  SpinBudget budget;
  for (int i = 0; i < 16; ++i) budget.ran_out();
  std::atomic<bool> started{false};
  bool woke = false;
  std::thread waiter([&] {
    started.store(true);
    counter.wait_past(0, &budget);
    woke = true;
  });
  while (!started.load()) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // far beyond its 8 spins: asleep
  counter.advance();
  waiter.join();  // hangs (the ctest timeout) if the wake is lost
  EXPECT_TRUE(woke);
}

TEST(SpinBudget, HalvesToTheMinimumAndDoublesToTheMaximum) {
  SpinBudget budget;
  EXPECT_EQ(budget.spins(), SpinBudget::MAX_SPINS);
  budget.ran_out();
  EXPECT_EQ(budget.spins(), SpinBudget::MAX_SPINS / 2);
  for (int i = 0; i < 64; ++i) budget.ran_out();
  EXPECT_EQ(budget.spins(), SpinBudget::MIN_SPINS);
  budget.saw_change();
  EXPECT_EQ(budget.spins(), SpinBudget::MIN_SPINS * 2);
  for (int i = 0; i < 64; ++i) budget.saw_change();
  EXPECT_EQ(budget.spins(), SpinBudget::MAX_SPINS);
}

}  // namespace
