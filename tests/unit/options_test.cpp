#include "hardening/options.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace hardalloc {
namespace {

std::vector<std::string> g_warnings;
void record(const char* message, size_t length) { g_warnings.emplace_back(message, length); }

size_t parse(const char* text, Options& out) {
  g_warnings.clear();
  return parse_options(text, std::strlen(text), out, record);
}

TEST(Options, DefaultsMatchTheTable) {
  Options o;
  EXPECT_FALSE(o.print_stats);
  EXPECT_FALSE(o.verbose);
  EXPECT_EQ(o.purge_delay_ms, 10u);
  EXPECT_TRUE(o.reclaim_on_free);
}

TEST(Options, ParsesEveryEntry) {
  Options o;
  EXPECT_EQ(parse("print_stats=1:purge_delay_ms=250:reclaim_on_free=off", o), 3u);
  EXPECT_TRUE(g_warnings.empty());
  EXPECT_TRUE(o.print_stats);
  EXPECT_EQ(o.purge_delay_ms, 250u);
  EXPECT_FALSE(o.reclaim_on_free);
}

TEST(Options, FlagSpellings) {
  for (const char* yes : {"verbose=1", "verbose=true", "verbose=yes", "verbose=on"}) {
    Options o;
    EXPECT_EQ(parse(yes, o), 1u) << yes;
    EXPECT_TRUE(o.verbose) << yes;
  }
  Options o;
  o.verbose = true;
  EXPECT_EQ(parse("verbose=no", o), 1u);
  EXPECT_FALSE(o.verbose);
}

TEST(Options, UnknownNameGivesOneWarningAndIsIgnored) {
  Options o;
  EXPECT_EQ(parse("nonsense=3:print_stats=1", o), 1u);
  ASSERT_EQ(g_warnings.size(), 1u);
  EXPECT_NE(g_warnings[0].find("unknown option 'nonsense=3'"), std::string::npos) << g_warnings[0];
  EXPECT_TRUE(o.print_stats);
}

TEST(Options, MalformedValuesKeepTheOldValue) {
  for (const char* bad : {"purge_delay_ms=", "purge_delay_ms=12x", "purge_delay_ms=-1",
                          "purge_delay_ms=99999999999999999999", "print_stats=2", "print_stats"}) {
    Options o;
    EXPECT_EQ(parse(bad, o), 0u) << bad;
    EXPECT_EQ(g_warnings.size(), 1u) << bad;
    EXPECT_EQ(o.purge_delay_ms, 10u) << bad;
    EXPECT_FALSE(o.print_stats) << bad;
  }
}

TEST(Options, EmptyEntriesAreSkippedSilently) {
  Options o;
  EXPECT_EQ(parse("::verbose=1::", o), 1u);
  EXPECT_TRUE(g_warnings.empty());
}

TEST(Options, LongEntriesAreCutInTheWarning) {
  Options o;
  const std::string entry = "x" + std::string(500, 'y') + "=1";
  g_warnings.clear();
  EXPECT_EQ(parse_options(entry.data(), entry.size(), o, record), 0u);
  ASSERT_EQ(g_warnings.size(), 1u);
  EXPECT_LT(g_warnings[0].size(), 200u);
}

}  // namespace
}  // namespace hardalloc
