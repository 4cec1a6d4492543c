// Command line of a workload: a positive scale factor (at scale 1 a workload runs for well under
// 2 s under the system malloc; the driver's modes pick the factor), and for workloads 1 and 2
// "--callgrind", which runs their instruction-count phases instead. Parsed with CLI11
// (arguments.cpp): --help prints the usage on stdout with exit status 0; a bad scale or an
// unknown option is one line on stderr ("bench_pairs: error: ...") with exit status 2, apart
// from the exit status 1 of a workload that finds a wrong answer (failure.h).
#pragma once

#include <cstddef>

namespace bench {

struct Arguments {
  double scale = 1.0;
  bool callgrind_phases = false;  // "--callgrind": run the instruction-count phases instead
};

// summary: one line saying what the workload does, for --help.
Arguments parse_arguments(int argc, char** argv, const char* summary, bool has_callgrind_phases);

// The scale of a workload without an instruction-count mode.
inline double parse_scale(int argc, char** argv, const char* summary) {
  return parse_arguments(argc, argv, summary, false).scale;
}

// The main of a workload with an instruction-count mode.
inline int run_workload(int argc, char** argv, const char* summary, void (*run_timed)(double scale),
                        void (*run_counted)()) {
  const Arguments arguments = parse_arguments(argc, argv, summary, true);
  if (arguments.callgrind_phases) {
    run_counted();
  } else {
    run_timed(arguments.scale);
  }
  return 0;
}

// A work count scaled by the factor, never below one so the smallest scale still runs every path.
inline std::size_t scaled(std::size_t count_at_scale_one, double scale) {
  const double count = static_cast<double>(count_at_scale_one) * scale;
  return count < 1.0 ? 1 : static_cast<std::size_t>(count);
}

}  // namespace bench
