#include "fuzz_environment.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "finding_class.h"
#include "strict_number.h"
#include "target_registry.h"

extern char** environ;

namespace hafuzz {
namespace {

constexpr const char* PREFIX = "HARDALLOC_FUZZ_";
constexpr std::uint64_t MAX_LIVE_CAP_MB = std::uint64_t{1} << 20;  // 1 TiB: far above any real cap
constexpr std::uint64_t MAX_TIMEOUT_MS = 24ull * 3600 * 1000;
constexpr std::uint64_t MAX_DIFF_SAMPLE = 1u << 20;

// Every name the suite reads. HARDALLOC_FUZZ_CHANNEL is set by the preload runner for its child
// alone: in a tool's environment it is a mistake (read_fuzz_environment says so).
constexpr const char* KNOWN_NAMES[] = {
    "HARDALLOC_FUZZ_TARGET", "HARDALLOC_FUZZ_DIFF",        "HARDALLOC_FUZZ_DIFF_SAMPLE", "HARDALLOC_FUZZ_IGNORE",
    "HARDALLOC_FUZZ_MODE",   "HARDALLOC_FUZZ_LIVE_CAP_MB", "HARDALLOC_FUZZ_REUSE_CHILD", "HARDALLOC_FUZZ_TIMEOUT_MS",
    "HARDALLOC_FUZZ_CHILD",  "HARDALLOC_FUZZ_CHANNEL",     "HARDALLOC_FUZZ_MISUSE",
};

// The value of a set, non-empty variable, else null.
const char* value_of(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? value : nullptr;
}

bool fail(std::string* error, const char* name, const std::string& reason) {
  *error = std::string(name) + ": " + reason;
  return false;
}

bool check_names(std::string* error) {
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (std::strncmp(*variable, PREFIX, std::strlen(PREFIX)) != 0) continue;
    const std::string name(*variable, std::strcspn(*variable, "="));
    bool known = false;
    for (const char* known_name : KNOWN_NAMES) known = known || name == known_name;
    if (!known) {
      *error = "unknown variable " + name + " (see docs/fuzzing.md, Environment)";
      return false;
    }
  }
  return true;
}

bool read_number(const char* name, std::uint64_t min, std::uint64_t max, std::uint64_t* out, std::string* error) {
  const char* text = value_of(name);
  if (text == nullptr) return true;
  std::string reason;
  return parse_unsigned_strict(text, min, max, out, &reason) || fail(error, name, reason);
}

// A choice among words: the index of the value in choices, or an error listing them.
bool read_choice(const char* name, const char* const* choices, unsigned choice_count, unsigned* out,
                 std::string* error) {
  const char* text = value_of(name);
  if (text == nullptr) return true;
  std::string listed;
  for (unsigned i = 0; i < choice_count; ++i) {
    if (std::strcmp(text, choices[i]) == 0) {
      *out = i;
      return true;
    }
    if (i != 0) listed += ", ";
    listed += choices[i];
  }
  // (appended piece by piece: GCC 12 warns falsely of an overlapping memcpy in "'" + string)
  std::string reason = "'";
  reason.append(text).append("' is not one of ").append(listed);
  return fail(error, name, reason);
}

// A comma-separated list of finding class names (finding_class.h) as FindingClass bits.
bool read_finding_classes(const char* name, std::uint32_t* out, std::string* error) {
  const char* text = value_of(name);
  if (text == nullptr) return true;
  std::string list(text);
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string word = list.substr(start, comma - start);
    std::string known;
    bool found = false;
    for (const FindingClassName& entry : FINDING_CLASS_NAMES) {
      if (word == entry.name) {
        *out |= entry.finding_class;
        found = true;
      }
      known += known.empty() ? entry.name : std::string(", ") + entry.name;
    }
    if (!found) return fail(error, name, "'" + word + "' is no finding class (" + known + ")");
    start = comma + 1;
  }
  return true;
}

}  // namespace

bool read_fuzz_environment(FuzzEnvironment* out, std::string* error) {
  FuzzEnvironment environment;
  if (!check_names(error)) return false;
  if (value_of("HARDALLOC_FUZZ_CHANNEL") != nullptr) {
    return fail(error, "HARDALLOC_FUZZ_CHANNEL", "is set by the preload runner for ha_fuzz_child, never by hand");
  }
  const char* target = value_of("HARDALLOC_FUZZ_TARGET");
  environment.target_spec = target != nullptr ? target : default_target_spec();
  const char* second = value_of("HARDALLOC_FUZZ_DIFF");
  environment.second_spec = second != nullptr ? second : default_second_spec(environment.target_spec);
  if (environment.second_spec == "none") environment.second_spec.clear();

  std::uint64_t diff_sample = 0;
  if (!read_number("HARDALLOC_FUZZ_DIFF_SAMPLE", 1, MAX_DIFF_SAMPLE, &diff_sample, error)) return false;
  environment.diff_sample = static_cast<unsigned>(diff_sample);

  if (!read_finding_classes("HARDALLOC_FUZZ_IGNORE", &environment.ignored_findings, error)) return false;

  constexpr const char* MODES[] = {"lockstep", "free", "epochs"};  // ThreadMode's order
  unsigned mode = 0;
  if (!read_choice("HARDALLOC_FUZZ_MODE", MODES, 3, &mode, error)) return false;
  environment.thread_mode = static_cast<ThreadMode>(mode);

  constexpr const char* FLAGS[] = {"0", "1"};
  unsigned reuse = 0;
  if (!read_choice("HARDALLOC_FUZZ_REUSE_CHILD", FLAGS, 2, &reuse, error)) return false;
  if (value_of("HARDALLOC_FUZZ_REUSE_CHILD") != nullptr) environment.reuse_child = reuse == 1;
  constexpr const char* MISUSE_MODES[] = {"0", "1", "report"};
  unsigned misuse = 0;
  if (!read_choice("HARDALLOC_FUZZ_MISUSE", MISUSE_MODES, 3, &misuse, error)) return false;
  environment.misuse = static_cast<MisuseMode>(misuse);

  std::uint64_t cap_mb = environment.live_cap_bytes >> 20;
  if (!read_number("HARDALLOC_FUZZ_LIVE_CAP_MB", 1, MAX_LIVE_CAP_MB, &cap_mb, error)) return false;
  environment.live_cap_bytes = static_cast<std::size_t>(cap_mb) << 20;

  std::uint64_t timeout_ms = static_cast<std::uint64_t>(environment.timeout_ms);
  if (!read_number("HARDALLOC_FUZZ_TIMEOUT_MS", 1, MAX_TIMEOUT_MS, &timeout_ms, error)) return false;
  environment.timeout_ms = static_cast<int>(timeout_ms);

  if (const char* child = value_of("HARDALLOC_FUZZ_CHILD")) {
    if (access(child, X_OK) != 0) {
      return fail(error, "HARDALLOC_FUZZ_CHILD", "cannot run " + std::string(child) + ": " + std::strerror(errno));
    }
    environment.child_path = child;
  }
  *out = environment;
  return true;
}

}  // namespace hafuzz
