// HARDALLOC_OPTIONS: a bad option gets exactly one warning on stderr and is ignored, a good
// one is silent, print_stats=1 prints statistics at exit, log_path=PATH sends all of it to
// PATH.PID. Checked on a child process for each way of linking hardalloc (prefixed static
// library, libhardalloc.so with standard names), and on forking programs with it preloaded.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
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

std::string program_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The statistics block of the probe: its first line names the process, and the table shows what
// the probe did (one 100-byte block in the 112-byte class, one 8 MiB block, committed at the peak).
void expect_probe_statistics(const std::string& text, const std::string& program) {
  std::smatch header;
  ASSERT_TRUE(std::regex_search(
      text, header, std::regex("(^|\n)hardalloc\\[([0-9]+)\\] " + program + ": statistics \\(fast configuration\\)\n")))
      << text;
  EXPECT_EQ(occurrences(text, ": statistics ("), 1u) << text;
  std::smatch committed;
  ASSERT_TRUE(std::regex_search(text, committed, std::regex("\n  committed +[0-9]+ bytes   peak ([0-9]+)\n"))) << text;
  EXPECT_GE(std::stoull(committed[1]), 8ull << 20) << "the probe's 8 MiB block is not in the committed peak\n" << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\n  thread heaps +[1-9][0-9]*\n"))) << text;
  EXPECT_NE(text.find("\n  class   block bytes   pages   live blocks\n"), std::string::npos) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\n +6 +112 +[1-9][0-9]* +[0-9]+\n")))
      << "no row for the 112-byte class of the probe's 100-byte block\n"
      << text;
}

TEST_P(Options, PrintStatsPrintsStatisticsAtExit) {
  const ChildOutput silent = run_probe("print_stats=0");
  const ChildOutput printed = run_probe("print_stats=1");
  EXPECT_EQ(silent.stderr_text, "");
  expect_probe_statistics(printed.stderr_text, program_name(GetParam()));
}

// A fresh directory for one test's log files, removed afterwards.
class LogDirectory {
 public:
  LogDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hardalloc-log-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~LogDirectory() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::vector<std::filesystem::path> files() const {
    std::vector<std::filesystem::path> found;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) found.push_back(entry.path());
    return found;
  }

 private:
  std::filesystem::path path_;
};

TEST_P(Options, LogPathSendsEverythingToPathDotPid) {
  const LogDirectory logs;
  const std::string options = "log_path=" + (logs.path() / "log").string() + ", print_stats=1, verbose=1, no_such=1";
  const ChildOutput output = run_probe(options.c_str());
  EXPECT_EQ(output.stderr_text, "") << "log_path output leaked to stderr";
  const std::vector<std::filesystem::path> files = logs.files();
  ASSERT_EQ(files.size(), 1u);
  std::smatch pid;
  const std::string file_name = files[0].filename().string();
  ASSERT_TRUE(std::regex_match(file_name, pid, std::regex("log\\.([0-9]+)"))) << file_name;
  const std::string text = read_file(files[0]);
  const std::string prefix = "hardalloc[" + pid[1].str() + "] " + program_name(GetParam()) + ": ";
  // Every block starts with the pid and program name, in this order: start, warning, options, statistics.
  const std::size_t started = text.find(prefix + "started\n");
  const std::size_t warning = text.find(prefix + "warning: unknown option 'no_such=1'");
  const std::size_t table = text.find(prefix + "options in force:\n");
  const std::size_t statistics = text.find(prefix + "statistics (");
  EXPECT_EQ(started, 0u) << text;
  EXPECT_LT(started, warning) << text;
  EXPECT_LT(warning, table) << text;
  EXPECT_LT(table, statistics) << text;
  EXPECT_NE(statistics, std::string::npos) << text;
  EXPECT_NE(text.find("  log_path=" + (logs.path() / "log").string() + "  ("), std::string::npos) << text;
  expect_probe_statistics(text, program_name(GetParam()));
}

TEST_P(Options, UnwritableLogPathFallsBackToStderrWithOneWarning) {
  const ChildOutput output = run_probe("log_path=/nonexistent-directory/log:print_stats=1");
  EXPECT_EQ(occurrences(output.stderr_text, "warning: cannot open log_path file /nonexistent-directory/log."), 1u)
      << output.stderr_text;
  expect_probe_statistics(output.stderr_text, program_name(GetParam()));
}

// Preloaded into a shell that forks (a pipeline) and execs: one file per process, each block
// naming its process, even for programs that close stderr before exit (cat, wc).
TEST(LogPath, EveryProcessOfAPipelineWritesItsOwnFile) {
  const LogDirectory logs;
  const ChildOutput output = run_child({"/bin/sh", "-c", "echo one two | /bin/cat | /usr/bin/wc -w"},
                                       {std::string("LD_PRELOAD=") + HARDALLOC_SHARED_LIBRARY,
                                        "HARDALLOC_OPTIONS=print_stats=1,log_path=" + (logs.path() / "run").string()});
  ASSERT_TRUE(WIFEXITED(output.wait_status) && WEXITSTATUS(output.wait_status) == 0) << output.stderr_text;
  EXPECT_EQ(output.stdout_text, "2\n");
  std::vector<std::string> programs_with_statistics;
  for (const std::filesystem::path& file : logs.files()) {
    const std::string text = read_file(file);
    const std::string pid = file.extension().string().substr(1);
    EXPECT_EQ(text.rfind("hardalloc[" + pid + "] ", 0), 0u) << file << ":\n" << text;
    std::smatch block;
    for (std::string rest = text;
         std::regex_search(rest, block, std::regex("hardalloc\\[([0-9]+)\\] ([^:]+): statistics"));
         rest = block.suffix()) {
      EXPECT_EQ(block[1].str(), pid) << file << ":\n" << text;
      programs_with_statistics.push_back(block[2].str());
    }
  }
  std::sort(programs_with_statistics.begin(), programs_with_statistics.end());
  EXPECT_TRUE(std::binary_search(programs_with_statistics.begin(), programs_with_statistics.end(), "cat"));
  EXPECT_TRUE(std::binary_search(programs_with_statistics.begin(), programs_with_statistics.end(), "wc"));
  EXPECT_GE(logs.files().size(), 3u) << "expected the shell and both pipeline processes";
}

INSTANTIATE_TEST_SUITE_P(EveryLinking, Options, testing::ValuesIn(probe_paths()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param.find("shared") != std::string::npos ? "shared" : "prefixed";
                         });

}  // namespace
