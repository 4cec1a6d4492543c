// hardening: the runtime options (options.inc), parsed from HARDALLOC_OPTIONS without allocating.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hardalloc {

struct Options {
  using flag = bool;
  using count = uint64_t;
#define HA_OPTION(type, name, default_value, description) type name = default_value;
#include "hardening/options.inc"
#undef HA_OPTION
};

// Receives one complete warning line (without the newline) about an entry that was ignored.
using OptionWarningSink = void (*)(const char* message, size_t length);

// Parses "name=value:name=value" of `length` bytes into `out`. Every unknown name or malformed
// entry produces exactly one call of `warn` and is otherwise ignored. Returns how many entries
// were applied.
size_t parse_options(const char* text, size_t length, Options& out, OptionWarningSink warn);

// The options in force: read from the environment the first time this is called (thread-safe,
// no allocation); warnings go to stderr.
const Options& options();

// Prints the table of options in force to fd.
void print_options(int fd);

}  // namespace hardalloc
