// Coverage the fuzzing engine cannot collect itself, handed to it after each input.
//
// libFuzzer sees the edges of its own process only. A library target runs in a child
// process, and no target's behaviour is an edge, so after each run of the fuzzed target the
// runner hands over the child's edge counters and the behaviour counters
// (behaviour_coverage.h). In libFuzzer builds they go into libFuzzer's extra counters (the
// `__libfuzzer_extra_counters` section, which it clears before each input and reads after it,
// as it reads its own edges); other builds have no engine to take them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "behaviour_coverage.h"

namespace hafuzz {

// Defined by fuzz/CMakeLists.txt in libFuzzer builds.
inline constexpr bool ENGINE_TAKES_COVERAGE = HA_FUZZ_LIBFUZZER_COVERAGE;

// Which share of the extra counters: CHILD_EDGE_COUNTERS for a child's edges, then
// BEHAVIOUR_COUNTERS.
enum class CoverageSource : std::uint8_t { CHILD_EDGES, BEHAVIOUR };

// Adds counters[0, count) to the engine's extra counters of `source` (saturating at 255);
// counters beyond the share are left out (the child never sends more). Callers skip it unless
// ENGINE_TAKES_COVERAGE.
void add_engine_coverage(CoverageSource source, const std::uint8_t* counters, std::size_t count);

}  // namespace hafuzz
