// The HARDALLOC_OPTIONS parser's laws (hardening/options.h), on random strings: a string built
// only of valid entries, in any spelling the format allows (either separator, spaces and tabs
// around entries, names and values, quoted values holding separators), applies every entry in
// order with no warning; each invalid entry mixed in (unknown name, no '=', malformed value)
// gets exactly one warning and changes nothing. The options fuzzer
// (fuzz/fuzz_options.cpp) covers "never crashes" on arbitrary bytes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hardening/options.h"

namespace hardalloc {
namespace {

std::size_t g_warning_count = 0;  // the tests run on one thread
void count_warning(const char*, std::size_t) { ++g_warning_count; }

// One entry of the table: its name and a generator of valid values, each with the effect it
// must have on an Options.
struct Entry {
  std::string text;                      // the value as written (quoted or not)
  std::function<void(Options&)> expect;  // what applying it does
};

rc::Gen<std::string> blank() { return rc::gen::container<std::string>(rc::gen::element(' ', '\t')); }

rc::Gen<std::string> path_text() {
  return rc::gen::container<std::string>(rc::gen::element('a', 'z', 'A', '0', '9', '/', '.', '_', '-', ':', ',', ' '));
}

std::string decimal(std::uint64_t value) { return std::to_string(value); }

// Sets the field when the value is of its type (the table's macro visits every option).
template <class Field, class Value>
void assign_if_same_type(Field& field, const Value& value) {
  if constexpr (std::is_same_v<Field, Value>) field = value;
}

bool equal(const OptionPath& a, const OptionPath& b) { return std::strcmp(a.text, b.text) == 0; }
template <class T>
bool equal(const T& a, const T& b) {
  return a == b;
}

// A valid "name=value" for some option of the table, with the effect it must have.
rc::Gen<Entry> valid_entry() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::pair(rc::gen::element<std::string>(
                                     "print_stats", "verbose", "reclaim_on_free", "abort_on_error", "zero_on_free",
                                     "check_memcpy", "check_heap_at_exit", "guard_all", "report_live_at_exit"),
                                 rc::gen::element<std::string>("0", "1", "true", "false", "yes", "no", "on", "off")),
                   [](const std::pair<std::string, std::string>& p) {
                     const bool on = p.second == "1" || p.second == "true" || p.second == "yes" || p.second == "on";
                     const std::string name = p.first;
                     return Entry{name + "=" + p.second, [name, on](Options& o) {
#define HA_OPTION(type, option_name, default_value, description) \
  if (name == #option_name) assign_if_same_type(o.option_name, on);
#include "hardening/options.inc"
#undef HA_OPTION
                                  }};
                   }),
      rc::gen::map(
          rc::gen::pair(rc::gen::element<std::string>("purge_delay_ms", "quarantine_blocks", "quarantine_bytes",
                                                      "guard_page_interval", "sample_rate", "guarded_slots"),
                        rc::gen::inRange<std::uint64_t>(0, 10000000000000000000ull)),
          [](const std::pair<std::string, std::uint64_t>& p) {
            const std::string name = p.first;
            const std::uint64_t value = p.second;
            return Entry{name + "=" + decimal(value), [name, value](Options& o) {
#define HA_OPTION(type, option_name, default_value, description) \
  if (name == #option_name) assign_if_same_type(o.option_name, value);
#include "hardening/options.inc"
#undef HA_OPTION
                         }};
          }),
      rc::gen::map(rc::gen::element(GuardSide::right, GuardSide::left, GuardSide::alternate),
                   [](GuardSide side) {
                     const char* text = side == GuardSide::right  ? "right"
                                        : side == GuardSide::left ? "left"
                                                                  : "alternate";
                     return Entry{std::string("guard_side=") + text, [side](Options& o) { o.guard_side = side; }};
                   }),
      rc::gen::map(path_text(), [](const std::string& path) {
        // Quoted when it holds a separator or would lose its edges' blanks to trimming.
        const bool quote = path.find_first_of(":, ") != std::string::npos;
        return Entry{"log_path=" + (quote ? "\"" + path + "\"" : path),
                     [path](Options& o) { std::strcpy(o.log_path.text, path.c_str()); }};
      }));
}

// An entry the parser must reject with one warning, leaving the options as they were. (Not an
// unterminated quote: it takes the rest of the string with it; tests/unit/options_test.cpp.)
rc::Gen<std::string> invalid_entry() {
  return rc::gen::oneOf(rc::gen::just<std::string>("no_such_option=1"),
                        rc::gen::just<std::string>("verbose"),                           // no '='
                        rc::gen::just<std::string>("verbose=maybe"),                     // not a flag
                        rc::gen::just<std::string>("purge_delay_ms=-1"),                 // not a count
                        rc::gen::just<std::string>("sample_rate=12345678901234567890"),  // 20 digits
                        rc::gen::just<std::string>("guard_side=up"));                    // not a side
}

bool same_options(const Options& a, const Options& b) {
  bool same = true;
#define HA_OPTION(type, option_name, default_value, description) same = same && equal(a.option_name, b.option_name);
#include "hardening/options.inc"
#undef HA_OPTION
  return same;
}

// Joins entries with random separators, and blanks around entries, names and values.
std::string join(const std::vector<std::string>& entries) {
  std::string text = *blank();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) text += *rc::gen::element<std::string>(":", ",") + *blank();
    std::string entry = entries[i];
    const std::size_t equals = entry.find('=');
    if (equals != std::string::npos) entry.replace(equals, 1, *blank() + "=" + *blank());
    text += entry + *blank();
  }
  return text;
}

RC_GTEST_PROP(OptionsProperties, ValidStringsApplyEveryEntryInOrderWithoutWarning, ()) {
  const auto entries = *rc::gen::container<std::vector<Entry>>(valid_entry());
  std::vector<std::string> texts;
  Options expected;
  for (const Entry& entry : entries) {
    texts.push_back(entry.text);
    entry.expect(expected);
  }
  const std::string text = join(texts);
  Options parsed;
  g_warning_count = 0;
  RC_ASSERT(parse_options(text.data(), text.size(), parsed, count_warning) == entries.size());
  RC_ASSERT(g_warning_count == 0u);
  RC_ASSERT(same_options(parsed, expected));
}

RC_GTEST_PROP(OptionsProperties, EachInvalidEntryWarnsOnceAndChangesNothing, ()) {
  const auto valid = *rc::gen::container<std::vector<Entry>>(valid_entry());
  const auto invalid = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::string>>(invalid_entry()));
  std::vector<std::string> texts;
  Options expected;
  for (const Entry& entry : valid) {
    texts.push_back(entry.text);
    entry.expect(expected);
  }
  for (const std::string& bad : invalid) {
    texts.insert(texts.begin() + *rc::gen::inRange<std::size_t>(0, texts.size() + 1), bad);
  }
  const std::string text = join(texts);
  Options parsed;
  g_warning_count = 0;
  RC_ASSERT(parse_options(text.data(), text.size(), parsed, count_warning) == valid.size());
  RC_ASSERT(g_warning_count == invalid.size());
  RC_ASSERT(same_options(parsed, expected));
}

}  // namespace
}  // namespace hardalloc
