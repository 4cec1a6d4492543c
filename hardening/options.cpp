#include "hardening/options.h"

#include <atomic>

#include "base/bits.h"
#include "base/writer.h"
#include "hardening/log_sink.h"
#include "os/os.h"

namespace hardalloc {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_separator(char c) { return c == ':' || c == ','; }
bool is_quote(char c) { return c == '\'' || c == '"'; }

struct Slice {
  const char* data;
  size_t length;
  Slice trimmed() const {
    Slice s = *this;
    while (s.length > 0 && is_blank(s.data[0])) ++s.data, --s.length;
    while (s.length > 0 && is_blank(s.data[s.length - 1])) --s.length;
    return s;
  }
  bool equals(const char* s) const {
    size_t i = 0;
    for (; i < length; ++i) {
      if (s[i] == '\0' || s[i] != data[i]) return false;
    }
    return s[i] == '\0';
  }
};

bool parse_value(Slice v, bool& out) {
  if (v.equals("1") || v.equals("true") || v.equals("yes") || v.equals("on")) {
    out = true;
    return true;
  }
  if (v.equals("0") || v.equals("false") || v.equals("no") || v.equals("off")) {
    out = false;
    return true;
  }
  return false;
}

bool parse_value(Slice v, uint64_t& out) {
  if (v.length == 0 || v.length > 19) return false;  // 19 digits always fit in 64 bits
  uint64_t value = 0;
  for (size_t i = 0; i < v.length; ++i) {
    if (v.data[i] < '0' || v.data[i] > '9') return false;
    value = value * 10 + static_cast<uint64_t>(v.data[i] - '0');
  }
  out = value;
  return true;
}

bool parse_value(Slice v, OptionPath& out) {
  if (v.length >= OptionPath::CAPACITY) return false;
  for (size_t i = 0; i < v.length; ++i) out.text[i] = v.data[i];
  out.text[v.length] = '\0';
  return true;
}

bool parse_value(Slice v, GuardSide& out) {
  if (v.equals("right")) {
    out = GuardSide::right;
  } else if (v.equals("left")) {
    out = GuardSide::left;
  } else if (v.equals("alternate")) {
    out = GuardSide::alternate;
  } else {
    return false;
  }
  return true;
}

void print_value(Writer& out, GuardSide value) {
  out.text(value == GuardSide::right ? "right" : value == GuardSide::left ? "left" : "alternate");
}
void print_value(Writer& out, bool value) { out.number(value ? 1 : 0); }
void print_value(Writer& out, uint64_t value) { out.number(value); }
void print_value(Writer& out, const OptionPath& value) { out.text(value.text); }

void warn_entry(OptionWarningSink warn, const char* what, Slice entry) {
  // One line per ignored entry; the entry is cut at 64 bytes so the line stays bounded.
  char line[160];
  size_t n = 0;
  auto append = [&](const char* s, size_t len) {
    for (size_t i = 0; i < len && n < sizeof(line); ++i) line[n++] = s[i];
  };
  auto append_text = [&](const char* s) {
    size_t len = 0;
    while (s[len] != '\0') ++len;
    append(s, len);
  };
  append_text("warning: ");
  append_text(what);
  append_text(" '");
  append(entry.data, entry.length < 64 ? entry.length : 64);
  append_text("' in HARDALLOC_OPTIONS ignored");
  warn(line, n);
}

bool apply_entry(Slice entry, Options& out, OptionWarningSink warn) {
  size_t eq = 0;
  while (eq < entry.length && entry.data[eq] != '=') ++eq;
  if (eq == entry.length) {
    warn_entry(warn, "entry without '=' (expected name=value)", entry);
    return false;
  }
  const Slice name = Slice{entry.data, eq}.trimmed();
  Slice value = Slice{entry.data + eq + 1, entry.length - eq - 1}.trimmed();
  if (value.length > 0 && is_quote(value.data[0])) {
    if (value.length < 2 || value.data[value.length - 1] != value.data[0]) {
      warn_entry(warn, "unterminated quote", entry);
      return false;
    }
    value = Slice{value.data + 1, value.length - 2};
  }
#define HA_OPTION(type, option_name, default_value, description)         \
  if (name.equals(#option_name)) {                                       \
    Options::type parsed{};                                              \
    if (!parse_value(value, parsed)) {                                   \
      warn_entry(warn, "malformed value (expected a " #type ")", entry); \
      return false;                                                      \
    }                                                                    \
    out.option_name = parsed;                                            \
    return true;                                                         \
  }
#include "hardening/options.inc"
#undef HA_OPTION
  warn_entry(warn, "unknown option", entry);
  return false;
}

void warn_to_log(const char* message, size_t length) {
  Writer out(log_fd());
  log_block_prefix(out);
  out.text(message, length).text("\n");
}
void ignore_warning(const char*, size_t) {}

Options g_options;
// 0: not read yet, 2: ready. acquire/release: a reader that sees 2 sees the parsed fields (the
// lazily-initialised-global trap of seed 002).
std::atomic<int> g_options_state{0};
// read_options runs once (os_once: pthread_once). Not a lock of ours: glibc counts forks, so a
// fork child whose parent forked while another thread was reading the options reads them again
// instead of waiting for a thread it does not have.
OsOnce g_options_once = 0;
bool g_options_read_started = false;  // written only inside read_options

void read_options() {
  // Only in such a fork child: the lost thread may have left the table half written (the log
  // sink's lock it cannot have held: the sink's fork handlers take it, registered before its
  // first use).
  if (g_options_read_started) g_options = Options{};
  g_options_read_started = true;
  if (const char* text = os_getenv("HARDALLOC_OPTIONS")) {
    size_t length = 0;
    while (text[length] != '\0') ++length;
    // Twice: first for log_path alone, so that the warnings of the second pass reach the log.
    parse_options(text, length, g_options, ignore_warning);
    log_sink_open(g_options.log_path.text);
    g_options = Options{};
    parse_options(text, length, g_options, warn_to_log);
  }
  g_options_state.store(2, std::memory_order_release);  // publishes g_options and the log path
  if (g_options.verbose) print_options(log_fd());
}

}  // namespace

size_t parse_options(const char* text, size_t length, Options& out, OptionWarningSink warn) {
  size_t applied = 0;
  size_t start = 0;
  char quote = '\0';  // inside a quoted value, separators are text
  for (size_t i = 0; i <= length; ++i) {
    if (i < length && quote != '\0') {
      if (text[i] == quote) quote = '\0';
      continue;
    }
    if (i < length && is_quote(text[i])) {
      quote = text[i];
      continue;
    }
    if (i == length || is_separator(text[i])) {
      const Slice entry = Slice{text + start, i - start}.trimmed();
      if (entry.length > 0 && apply_entry(entry, out, warn)) ++applied;
      start = i + 1;
    }
  }
  return applied;
}

const Options& options() {
  // acquire: pairs with read_options' release; a reader that sees 2 sees the parsed options.
  if (HA_LIKELY(g_options_state.load(std::memory_order_acquire) == 2)) return g_options;
  os_once(&g_options_once, &read_options);  // pthread_once: its return orders read_options before us
  return g_options;
}

void warn_about_missing_mitigations(Mitigations compiled, const Options& o) {
  const Options defaults;
  struct Need {
    bool asked;
    Mitigation mitigation;
    const char* text;
  };
  const Need needs[] = {
      {o.quarantine_blocks != defaults.quarantine_blocks || o.quarantine_bytes != defaults.quarantine_bytes,
       Mitigation::quarantine, "quarantine_blocks/quarantine_bytes tune the quarantine"},
      {o.zero_on_free != defaults.zero_on_free, Mitigation::free_fill, "zero_on_free tunes the free-block fill"},
      {o.guard_page_interval != defaults.guard_page_interval, Mitigation::guard_pages,
       "guard_page_interval tunes the guard pages"},
      {o.sample_rate != defaults.sample_rate || o.guard_all != defaults.guard_all ||
           o.guarded_slots != defaults.guarded_slots || o.guard_side != defaults.guard_side ||
           o.report_live_at_exit != defaults.report_live_at_exit,
       Mitigation::guarded_sampling,
       "sample_rate/guard_all/guarded_slots/guard_side/report_live_at_exit tune the guarded pool"},
      {o.check_memcpy != defaults.check_memcpy, Mitigation::checked_copies, "check_memcpy switches the checked copies"},
  };
  for (const Need& need : needs) {
    if (!need.asked || compiled.has(need.mitigation)) continue;
    Writer out(log_fd());
    log_block_prefix(out);
    out.text("warning: option ").text(need.text).text(", which this library does not compile in; ignored\n");
  }
}

void print_options(int fd) {
  Writer out(fd);
  log_block_prefix(out);
  out.text("options in force:\n");
#define HA_OPTION(type, name, default_value, description) \
  out.text("  " #name "=");                               \
  print_value(out, g_options.name);                       \
  out.text("  (" description ")\n");
#include "hardening/options.inc"
#undef HA_OPTION
}

}  // namespace hardalloc

// Entry point for the options fuzzer (fuzz/): parses into a scratch table, warnings discarded.
extern "C" __attribute__((visibility("default"))) int ha_options_parse_for_fuzzing(const char* text, size_t length) {
  hardalloc::Options scratch;
  return static_cast<int>(hardalloc::parse_options(text, length, scratch, [](const char*, size_t) {}));
}
