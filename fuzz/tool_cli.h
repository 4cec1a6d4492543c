// Command lines of the suite's tools (ha_fuzz_replay, ha_diff), on CLI11, configured so that
// every mistake is one line on stderr, "TOOL: error: REASON", with exit status 2, never the
// usage block after it; --help prints the usage on stdout and exits 0. Numbers are parsed
// strictly (strict_number.h): "abc", "-1" and "12x" are errors, not 0 or 2^64 - 1.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace hafuzz {

inline constexpr int EXIT_USAGE = 2;

// Prints "TOOL: error: REASON" (newlines folded) on stderr and exits with status 2.
[[noreturn]] void exit_usage_error(const std::string& tool, const std::string& reason);

// Parses the command line: --help prints the help on stdout and exits 0, an error exits
// through exit_usage_error.
void parse_command_line(CLI::App& app, int argc, char** argv);

// An option whose value is an integer in [min, max].
CLI::Option* add_unsigned_option(CLI::App& app, const std::string& name, std::uint64_t* value, std::uint64_t min,
                                 std::uint64_t max, const std::string& description);

// An option whose value is a positive decimal number of seconds, at most max.
CLI::Option* add_seconds_option(CLI::App& app, const std::string& name, double* value, double max,
                                const std::string& description);

}  // namespace hafuzz
