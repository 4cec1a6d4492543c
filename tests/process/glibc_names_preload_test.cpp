// With LD_PRELOAD=libhardalloc.so, a program that calls glibc's extensions (malloc_trim, mallopt,
// mallinfo, mallinfo2, malloc_stats, malloc_info) or glibc's internal names (__libc_malloc, ...)
// reaches hardalloc, and blocks from the internal names are hardalloc's, so no program mixes two
// allocators. The same probe without the preload reaches glibc: the check can tell the two apart.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <sstream>
#include <string>
#include <vector>

#include "child_process.h"

namespace {

using hardalloc_test::ChildOutput;
using hardalloc_test::run_child;

const std::vector<std::string> PROBED_NAMES = {
    "malloc",      "free",    "__libc_malloc", "__libc_free", "__libc_calloc", "__libc_realloc", "__libc_memalign",
    "malloc_trim", "mallopt", "mallinfo",      "mallinfo2",   "malloc_stats",  "malloc_info"};

// The probe's "<name> <object>" lines, as name -> object.
std::vector<std::pair<std::string, std::string>> bindings(const std::string& stdout_text) {
  std::vector<std::pair<std::string, std::string>> result;
  std::istringstream lines(stdout_text);
  for (std::string name, object; lines >> name >> object;) {
    if (name == "hardalloc" || name == "FAIL:") break;
    result.emplace_back(name, object);
  }
  return result;
}

ChildOutput run_probe(const std::string& preload) {
  ChildOutput output = run_child({GLIBC_NAMES_PROBE_PATH}, {preload.empty() ? "LD_PRELOAD" : "LD_PRELOAD=" + preload});
  EXPECT_TRUE(WIFEXITED(output.wait_status) && WEXITSTATUS(output.wait_status) == 0)
      << "wait status " << output.wait_status << "\nstdout:\n"
      << output.stdout_text << "stderr:\n"
      << output.stderr_text;
  return output;
}

TEST(GlibcNamesPreload, EveryNameReachesHardallocAndItsBlocksAreHardallocs) {
  const ChildOutput output = run_probe(HARDALLOC_LIBRARY_PATH);
  const auto bound = bindings(output.stdout_text);
  ASSERT_EQ(bound.size(), PROBED_NAMES.size()) << output.stdout_text;
  for (std::size_t i = 0; i < bound.size(); ++i) {
    EXPECT_EQ(bound[i].first, PROBED_NAMES[i]);
    EXPECT_EQ(bound[i].second.rfind("libhardalloc.so", 0), 0u) << bound[i].first << " reaches " << bound[i].second;
  }
  EXPECT_NE(output.stdout_text.find("hardalloc checks: ok\n"), std::string::npos) << output.stdout_text;
  EXPECT_EQ(output.stderr_text.rfind("hardalloc[", 0), 0u) << "malloc_stats wrote:\n" << output.stderr_text;
  EXPECT_NE(output.stderr_text.find("statistics (fast configuration)\n"), std::string::npos) << output.stderr_text;
}

TEST(GlibcNamesPreload, WithoutThePreloadEveryNameIsGlibcs) {
  const ChildOutput output = run_probe("");
  const auto bound = bindings(output.stdout_text);
  ASSERT_EQ(bound.size(), PROBED_NAMES.size()) << output.stdout_text;
  for (const auto& [name, object] : bound) {
    EXPECT_EQ(object.rfind("libc.so", 0), 0u) << name << " reaches " << object;
  }
  EXPECT_EQ(output.stdout_text.find("hardalloc checks"), std::string::npos) << output.stdout_text;
  EXPECT_NE(output.stderr_text.find("Arena 0:"), std::string::npos) << "glibc's malloc_stats wrote:\n"
                                                                    << output.stderr_text;
}

}  // namespace
