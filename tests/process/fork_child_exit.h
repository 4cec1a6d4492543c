// What a fork test's child reports: exit codes the parent can name, a deadline after which a
// child counts as deadlocked, the child's check that it can allocate, and the text of a wait
// status. Shared by the fork tests; header-only (the ha_* calls bind to the test's library).
#pragma once

#include <execinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "patterned_churn.h"

namespace hardalloc_test {

constexpr unsigned CHILD_DEADLINE_SECONDS = 10;  // a child still running by then is deadlocked

// Exit codes of the children, so that the parent can say what went wrong.
enum ChildExit : int {
  CHILD_OK = 0,
  CHILD_INHERITED_BLOCK_CORRUPT = 2,
  CHILD_ALLOCATION_FAILED = 3,
  CHILD_BLOCK_CORRUPT = 4,
  CHILD_NOTHING_ABANDONED = 5,
  CHILD_LOST_HEAP_KEPT = 6,
  CHILD_SEGMENTS_NOT_RECLAIMED = 7,
  CHILD_SEGMENTS_GREW = 8,
  CHILD_BLOCKS_LOST = 9,
  CHILD_KILLED = 100,  // plus the signal number
};

// `count` patterned blocks allocated, checked and freed on the child's thread, then on a new
// one (threads a fork child starts must work too), as an exit code.
inline int churn_in_child(int count) {
  switch (churn_patterned_on_two_threads(count)) {
    case ChurnResult::allocation_failed:
      return CHILD_ALLOCATION_FAILED;
    case ChurnResult::block_corrupt:
      return CHILD_BLOCK_CORRUPT;
    case ChurnResult::ok:
      break;
  }
  return CHILD_OK;
}

// A crash in a child shows where it happened: SIGSEGV and SIGBUS print a backtrace (raw
// addresses and symbols, no allocation) on stderr, then end the child by the same signal. Call in
// the parent first: the first backtrace() loads the unwinder, which must not happen in a child.
inline void install_crash_backtrace() {
  void* frames[4];
  backtrace(frames, 4);
  struct sigaction action {};
  action.sa_handler = [](int signal_number) {
    void* crash_frames[64];
    static const char header[] = "fork child crashed; backtrace:\n";
    (void)!write(STDERR_FILENO, header, sizeof header - 1);
    backtrace_symbols_fd(crash_frames, backtrace(crash_frames, 64), STDERR_FILENO);
    signal(signal_number, SIG_DFL);
    raise(signal_number);
  };
  sigaction(SIGSEGV, &action, nullptr);
  sigaction(SIGBUS, &action, nullptr);
}

inline std::string signal_text(int signal_number) {
  return signal_number == SIGALRM ? "deadlocked (alarm)" : "killed by signal " + std::to_string(signal_number);
}

// What a child's wait status says; a child that reports its own child's signal exits with
// CHILD_KILLED plus the signal number.
inline std::string describe(int wait_status) {
  if (WIFSIGNALED(wait_status)) return signal_text(WTERMSIG(wait_status));
  const int code = WEXITSTATUS(wait_status);
  if (code > CHILD_KILLED) return "its child " + signal_text(code - CHILD_KILLED);
  return "exit code " + std::to_string(code);
}

// The child's wait status, or -1 when waitpid fails.
inline int wait_for(pid_t child) {
  int wait_status = 0;
  return waitpid(child, &wait_status, 0) == child ? wait_status : -1;
}

}  // namespace hardalloc_test
