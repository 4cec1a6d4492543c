// HARDALLOC_OPTIONS: a bad option gets exactly one warning on stderr and is ignored, a good
// one is silent, print_stats=1 prints statistics at exit. Checked on a child process for each
// way of linking hardalloc (prefixed static library, libhardalloc.so with standard names).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <sstream>
#include <string>
#include <vector>

#include "child_process.h"

namespace {

using hardalloc_test::ChildOutput;
using hardalloc_test::run_child;

std::vector<std::string> probe_paths() {
  std::vector<std::string> paths;
  std::istringstream joined(OPTIONS_PROBE_PATHS);
  for (std::string path; std::getline(joined, path, ':');) {
    paths.push_back(path);
  }
  return paths;
}

std::size_t line_count(const std::string& text) {
  std::size_t count = 0;
  for (char character : text) {
    count += character == '\n';
  }
  return count;
}

std::size_t occurrences(const std::string& text, const std::string& word) {
  std::size_t count = 0;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    ++count;
  }
  return count;
}

class Options : public testing::TestWithParam<std::string> {
 protected:
  // Runs the probe with HARDALLOC_OPTIONS set to options (unset when options is null) and
  // expects it to exit normally with status 0.
  ChildOutput run_probe(const char* options) {
    const std::string setting = options == nullptr ? "HARDALLOC_OPTIONS" : std::string("HARDALLOC_OPTIONS=") + options;
    ChildOutput output = run_child({GetParam()}, {setting});
    EXPECT_TRUE(WIFEXITED(output.wait_status) && WEXITSTATUS(output.wait_status) == 0)
        << "HARDALLOC_OPTIONS=" << (options ? options : "(unset)") << ": wait status " << output.wait_status
        << ", stderr: " << output.stderr_text;
    return output;
  }
};

TEST_P(Options, ValidOrAbsentOptionsAreSilent) {
  for (const char* options : {static_cast<const char*>(nullptr), "", "purge_delay_ms=10",
                              "print_stats=0:purge_delay_ms=0", "reclaim_on_free=1"}) {
    const ChildOutput output = run_probe(options);
    EXPECT_EQ(output.stderr_text, "") << "HARDALLOC_OPTIONS=" << (options ? options : "(unset)");
    EXPECT_EQ(output.stdout_text, "");
  }
}

TEST_P(Options, UnknownOptionGetsOneWarningNamingIt) {
  const ChildOutput output = run_probe("no_such_option=1");
  EXPECT_EQ(line_count(output.stderr_text), 1u) << output.stderr_text;
  EXPECT_NE(output.stderr_text.find("no_such_option"), std::string::npos) << output.stderr_text;
}

TEST_P(Options, MalformedOptionsGetOneWarningEach) {
  for (const char* options : {"purge_delay_ms=abc", "purge_delay_ms=", "purge_delay_ms", "print_stats=maybe",
                              "purge_delay_ms=-5", "purge_delay_ms=99999999999999999999999999", "=5", "garbage"}) {
    const ChildOutput output = run_probe(options);
    EXPECT_EQ(line_count(output.stderr_text), 1u) << "HARDALLOC_OPTIONS=" << options << " gave: " << output.stderr_text;
  }
}

TEST_P(Options, EachBadOptionIsWarnedAboutOnceAndGoodOnesStillApply) {
  const ChildOutput output = run_probe("first_bad=1:purge_delay_ms=5:second_bad=2:print_stats=1");
  EXPECT_EQ(occurrences(output.stderr_text, "first_bad"), 1u) << output.stderr_text;
  EXPECT_EQ(occurrences(output.stderr_text, "second_bad"), 1u) << output.stderr_text;
  EXPECT_GT(line_count(output.stderr_text), 2u) << "print_stats=1 after bad options printed nothing";
}

TEST_P(Options, PrintStatsPrintsStatisticsAtExit) {
  const ChildOutput silent = run_probe("print_stats=0");
  const ChildOutput printed = run_probe("print_stats=1");
  EXPECT_EQ(silent.stderr_text, "");
  EXPECT_GT(line_count(printed.stderr_text), 1u) << printed.stderr_text;
  std::printf("print_stats=1 output of %s:\n%s", GetParam().c_str(), printed.stderr_text.c_str());
}

INSTANTIATE_TEST_SUITE_P(EveryLinking, Options, testing::ValuesIn(probe_paths()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param.find("shared") != std::string::npos ? "shared" : "prefixed";
                         });

}  // namespace
