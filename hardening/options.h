// hardening: the runtime options (options.inc), parsed from HARDALLOC_OPTIONS without allocating.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hardening/mitigations.h"

namespace hardalloc {

// The value of a path option: a copy, so that it outlives changes to the environment.
struct OptionPath {
  static constexpr size_t CAPACITY = 1024;
  char text[CAPACITY]{};
  constexpr OptionPath(const char* initial = "") {  // NOLINT(google-explicit-constructor): the table's defaults
    for (size_t i = 0; initial[i] != '\0' && i + 1 < CAPACITY; ++i) text[i] = initial[i];
  }
};

// Which side of a guarded block touches its guard page (hardening/guarded_pool.h).
enum class GuardSide : uint8_t { right, left, alternate };

struct Options {
  using side = GuardSide;
  using flag = bool;
  using count = uint64_t;
  using path = OptionPath;
#define HA_OPTION(type, name, default_value, description) type name = default_value;
#include "hardening/options.inc"
#undef HA_OPTION
};

// Receives one complete warning line (without the newline) about an entry that was ignored.
using OptionWarningSink = void (*)(const char* message, size_t length);

// Parses "name=value:name=value" of `length` bytes into `out`. Entries are separated by ':' or
// ','; spaces and tabs around an entry, its name and its value are ignored; a value in single or
// double quotes may contain separators. Every unknown name or malformed entry produces exactly one
// call of `warn` (a line starting "warning: ") and is otherwise ignored. Returns how many entries
// were applied.
size_t parse_options(const char* text, size_t length, Options& out, OptionWarningSink warn);

// The options in force: read from the environment the first time this is called (thread-safe,
// no allocation). Opens the log sink (log_path) before anything is printed; warnings and the
// verbose table go there.
const Options& options();

// Warns once on the log sink about each option set away from its default that tunes a
// mitigation `compiled` lacks (e.g. quarantine_blocks in the fast library): it has no effect.
void warn_about_missing_mitigations(Mitigations compiled, const Options& o);

// Prints the table of options in force to fd, as one block (hardening/log_sink.h).
void print_options(int fd);

}  // namespace hardalloc
