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

TEST(Options, CommasSeparateAsColonsDo) {
  Options o;
  EXPECT_EQ(parse("print_stats=1,purge_delay_ms=7:verbose=1", o), 3u);
  EXPECT_TRUE(g_warnings.empty());
  EXPECT_TRUE(o.print_stats);
  EXPECT_EQ(o.purge_delay_ms, 7u);
  EXPECT_TRUE(o.verbose);
}

TEST(Options, SpacesAroundEntriesNamesAndValuesAreIgnored) {
  Options o;
  EXPECT_EQ(parse("  print_stats = 1 ,\tpurge_delay_ms=7\t: verbose =on ", o), 3u);
  EXPECT_TRUE(g_warnings.empty()) << g_warnings[0];
  EXPECT_TRUE(o.print_stats);
  EXPECT_EQ(o.purge_delay_ms, 7u);
  EXPECT_TRUE(o.verbose);
}

TEST(Options, OneWarningPerBadEntryWithEitherSeparator) {
  Options o;
  EXPECT_EQ(parse("bad_one=1, purge_delay_ms=x ,print_stats=1:bad_two", o), 1u);
  ASSERT_EQ(g_warnings.size(), 3u);
  EXPECT_NE(g_warnings[0].find("'bad_one=1'"), std::string::npos) << g_warnings[0];
  EXPECT_NE(g_warnings[1].find("'purge_delay_ms=x'"), std::string::npos) << g_warnings[1];
  EXPECT_NE(g_warnings[2].find("'bad_two'"), std::string::npos) << g_warnings[2];
  for (const std::string& warning : g_warnings) EXPECT_EQ(warning.rfind("warning: ", 0), 0u) << warning;
  EXPECT_TRUE(o.print_stats);
}

TEST(Options, LogPathIsCopiedAndMayBeQuoted) {
  Options o;
  EXPECT_STREQ(o.log_path.text, "");
  EXPECT_EQ(parse("log_path=/tmp/hardalloc-log", o), 1u);
  EXPECT_STREQ(o.log_path.text, "/tmp/hardalloc-log");
  EXPECT_EQ(parse("log_path = '/tmp/a:b,c' ,print_stats=1", o), 2u);
  EXPECT_TRUE(g_warnings.empty());
  EXPECT_STREQ(o.log_path.text, "/tmp/a:b,c");
  EXPECT_EQ(parse("log_path=\"/tmp/d e\"", o), 1u);
  EXPECT_STREQ(o.log_path.text, "/tmp/d e");
}

TEST(Options, BadPathsAreWarnedAboutAndKeepTheOldValue) {
  Options o;
  EXPECT_EQ(parse("log_path=/kept", o), 1u);
  const std::string too_long = "log_path=" + std::string(OptionPath::CAPACITY, 'p');
  for (const std::string& bad : {std::string("log_path='/unterminated"), std::string("log_path=\"/x'"), too_long}) {
    EXPECT_EQ(parse(bad.c_str(), o), 0u) << bad;
    EXPECT_EQ(g_warnings.size(), 1u) << bad;
    EXPECT_STREQ(o.log_path.text, "/kept") << bad;
  }
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
