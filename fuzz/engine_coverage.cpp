#include "engine_coverage.h"

#include "child_channel.h"

namespace hafuzz {

namespace {

// libFuzzer finds this section through the linker's __start_/__stop_ symbols (Linux only);
// in other builds nothing reads it.
__attribute__((used, section("__libfuzzer_extra_counters")))
std::uint8_t g_extra_counters[CHILD_EDGE_COUNTERS + BEHAVIOUR_COUNTERS];

}  // namespace

void add_engine_coverage(CoverageSource source, const std::uint8_t* counters, std::size_t count) {
  const bool edges = source == CoverageSource::CHILD_EDGES;
  std::uint8_t* const share = g_extra_counters + (edges ? 0 : CHILD_EDGE_COUNTERS);
  const std::size_t share_size = edges ? CHILD_EDGE_COUNTERS : BEHAVIOUR_COUNTERS;
  for (std::size_t i = 0; i < count && i < share_size; ++i) {
    if (counters[i] == 0) continue;
    std::uint8_t& counter = share[i];
    const unsigned sum = unsigned{counter} + counters[i];
    counter = static_cast<std::uint8_t>(sum > UINT8_MAX ? UINT8_MAX : sum);
  }
}

}  // namespace hafuzz
