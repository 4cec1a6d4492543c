// The allocator's statistics as ha_stats_get reports them. Header-only: the call binds to the
// hardalloc library the test program links.
#pragma once

#include <hardalloc.h>

namespace hardalloc_test {

// ha_stats_get fails only for a null output (checked by the stats tests), never here.
inline ha_stats current_stats() {
  ha_stats stats{};
  ha_stats_get(&stats);
  return stats;
}

inline std::size_t in_use_bytes() { return current_stats().in_use_bytes; }

}  // namespace hardalloc_test
