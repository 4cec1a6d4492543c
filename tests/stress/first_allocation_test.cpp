// Protocol: lazy initialisation (HeapOps::process_init through os_once, the options, the thread
// key, the page size, the segment pool and map, the statistics; docs/concurrency.md). Runs
// first_allocation_probe, in which many threads make hardalloc's first allocation at once, in
// fresh processes, on the fast and the hardened build; under the tsan preset the probe is
// instrumented too, and a race reported there fails it. HARDALLOC_OPTIONS names an unknown
// option, whose warning must appear exactly once: the options were read once (by the library's
// constructor, before the probe's threads start).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <string>

#include "child_process.h"

namespace {

using hardalloc_test::ChildOutput;
using hardalloc_test::run_child;

constexpr int PROCESS_COUNT = 20;

std::size_t occurrences(const std::string& text, const std::string& word) {
  std::size_t count = 0;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++count;
  return count;
}

class FirstAllocation : public testing::TestWithParam<const char*> {};

TEST_P(FirstAllocation, ManyThreadsAtOnceInitialiseEverythingOnce) {
  for (int process = 0; process < PROCESS_COUNT; ++process) {
    const ChildOutput output = run_child({GetParam()}, {"HARDALLOC_OPTIONS=no_such_option=1"});
    ASSERT_TRUE(WIFEXITED(output.wait_status) && WEXITSTATUS(output.wait_status) == 0)
        << "process " << process << ": wait status " << output.wait_status << ", stderr: " << output.stderr_text;
    ASSERT_EQ(occurrences(output.stderr_text, "unknown option"), 1u)
        << "process " << process << ": " << output.stderr_text;
  }
}

INSTANTIATE_TEST_SUITE_P(Builds, FirstAllocation,
                         testing::Values(FIRST_ALLOCATION_PROBE, FIRST_ALLOCATION_PROBE_HARDENED),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return info.index == 0 ? std::string("fast") : std::string("hardened");
                         });

}  // namespace
