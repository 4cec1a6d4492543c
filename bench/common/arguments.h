// Command line of a workload: a positive scale factor (at scale 1 a workload runs for well under
// 2 s under the system malloc; the driver's modes pick the factor), and for workloads 1 and 2
// "--callgrind", which runs their instruction-count phases instead.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "failure.h"

namespace bench {

struct Arguments {
  double scale = 1.0;
  bool callgrind_phases = false;  // "--callgrind": run the instruction-count phases instead
};

inline Arguments parse_arguments(int argc, char** argv) {
  Arguments arguments;
  for (int index = 1; index < argc; ++index) {
    if (std::strcmp(argv[index], "--callgrind") == 0) {
      arguments.callgrind_phases = true;
      continue;
    }
    char* end = nullptr;
    arguments.scale = std::strtod(argv[index], &end);
    if (end == argv[index] || *end != '\0' || !(arguments.scale > 0.0)) {
      fail("usage: %s [scale > 0] [--callgrind]; got '%s'", argv[0], argv[index]);
    }
  }
  return arguments;
}

// The scale of a workload without an instruction-count mode.
inline double parse_scale(int argc, char** argv) {
  const Arguments arguments = parse_arguments(argc, argv);
  if (arguments.callgrind_phases) fail("%s has no --callgrind mode", argv[0]);
  return arguments.scale;
}

// The main of a workload with an instruction-count mode.
inline int run_workload(int argc, char** argv, void (*run_timed)(double scale), void (*run_counted)()) {
  const Arguments arguments = parse_arguments(argc, argv);
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
