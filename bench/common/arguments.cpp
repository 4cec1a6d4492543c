#include "arguments.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bench {
namespace {

constexpr double MAX_SCALE = 1e6;

// Leaves without running static destructors: the peak RSS report (peak_rss_report.cpp) is for
// runs, not for --help or a usage error.
[[noreturn]] void leave(int status) {
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(status);
}

[[noreturn]] void usage_error(const std::string& program, std::string reason) {
  for (char& c : reason) {
    if (c == '\n') c = ' ';
  }
  std::fprintf(stderr, "%s: error: %s\n", program.c_str(), reason.c_str());
  leave(2);
}

}  // namespace

Arguments parse_arguments(int argc, char** argv, const char* summary, bool has_callgrind_phases) {
  std::string program = argc > 0 ? argv[0] : "bench";
  program = program.substr(program.rfind('/') + 1);
  CLI::App app{std::string(summary) +
                   "\nSelf-checking: a wrong answer exits 1. At scale 1 it runs for well under 2 s under the "
                   "system malloc;\nbench/run.py runs every workload under every allocator.",
               program};
  app.footer("Exit status: 0 done, 1 a wrong answer, 2 bad usage.\n");
  Arguments arguments;
  app.add_option_function<std::string>(
         "scale",
         [&](const std::string& text) {
           char* end = nullptr;
           const double value = std::strtod(text.c_str(), &end);
           if (text.empty() || *end != '\0' || !std::isfinite(value) || !(value > 0) || value > MAX_SCALE) {
             throw CLI::ValidationError("scale", "'" + text + "' is not a number above 0 and at most 1e6");
           }
           arguments.scale = value;
         },
         "work factor (default 1)")
      ->type_name("SCALE");
  if (has_callgrind_phases) {
    app.add_flag("--callgrind", arguments.callgrind_phases, "run the instruction-count phases (under callgrind)");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    leave(0);
  } catch (const CLI::ParseError& error) {
    usage_error(program, error.what());
  }
  return arguments;
}

}  // namespace bench
