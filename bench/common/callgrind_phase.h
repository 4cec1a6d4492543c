// Instruction-count phases. Under `valgrind --tool=callgrind`, end_phase writes the instructions
// counted since the previous phase to a dump and resets the count, so the driver reads
// per-phase totals free of start-up costs. Outside valgrind it does nothing.
//
// A dump is labelled "KIND:LABEL:COUNT": KIND is "warmup" (ignored), "measure" (the allocator
// under test) or "baseline" (the same loop on the stand-in heap); LABEL names the case (a block
// size, "SIZE.malloc" or "SIZE.free" when only that call was counted, or a workload); COUNT is the number of operations
// the phase ran. bench/run.py reads this.
#pragma once

#include <valgrind/callgrind.h>

#include <cstddef>
#include <cstdio>

namespace bench {

// Switches callgrind's collection off if on, on if off (it starts on). A phase that toggles
// around one call counts only that call (plus the toggles, which its baseline repeats).
inline void toggle_collection() { CALLGRIND_TOGGLE_COLLECT; }

inline void end_phase(const char* kind, const char* label, std::size_t operation_count) {
  char name[128];
  std::snprintf(name, sizeof name, "%s:%s:%zu", kind, label, operation_count);
  CALLGRIND_DUMP_STATS_AT(name);
}

}  // namespace bench
