// Runs a program as a child process with extra environment variables and captures what it
// writes, for tests of behaviour that only shows in a fresh process (options, exit hooks).
#pragma once

#include <string>
#include <vector>

namespace hardalloc_test {

struct ChildOutput {
  int wait_status;  // as returned by waitpid: test with WIFEXITED/WEXITSTATUS
  std::string stdout_text;
  std::string stderr_text;
};

// argv[0] is the program's path; environment_overrides are "NAME=value" entries that replace
// or extend the current environment, or "NAME" alone to remove a variable.
ChildOutput run_child(const std::vector<std::string>& argv, const std::vector<std::string>& environment_overrides);

}  // namespace hardalloc_test
