// "No block lost", as the allocator's own statistics see it. Once a test's threads are joined
// and it has freed every block it allocated, a forced collect on the calling thread (which
// adopts the segments exited threads left and collects every remote free made into them) must
// bring the census back to what it was before the test: a block still counted is one the
// allocator lost (a remote free never collected, a page never reclaimed). Header-only: the ha_*
// calls bind to the hardalloc library the test program links.
#pragma once

#include <hardalloc.h>

#include <cstddef>
#include <ostream>

#include "stats_snapshot.h"

namespace hardalloc_test {

struct LiveBlockCensus {
  std::size_t paged_blocks = 0;        // live blocks over every size class (ha_stats.size_classes)
  std::size_t dedicated_blocks = 0;    // blocks mapped on their own (ha_stats.huge_blocks)
  std::size_t guarded_blocks = 0;      // hardened builds' guarded pool (ha_stats.guarded_live)
  std::size_t abandoned_segments = 0;  // segments no live thread has adopted yet

  bool operator==(const LiveBlockCensus&) const = default;
};

inline std::ostream& operator<<(std::ostream& out, const LiveBlockCensus& census) {
  return out << "{paged " << census.paged_blocks << ", dedicated " << census.dedicated_blocks << ", guarded "
             << census.guarded_blocks << ", abandoned segments " << census.abandoned_segments << "}";
}

// Collects (forced: the calling thread adopts what exited threads left) and counts. The calling
// thread gets its heap first, since a thread that never allocated has none to adopt into.
inline LiveBlockCensus settled_census() {
  ha_free(ha_malloc(1));
  ha_collect(1);
  const ha_stats stats = current_stats();
  LiveBlockCensus census;
  for (std::size_t i = 0; i < stats.size_class_count; ++i) census.paged_blocks += stats.size_classes[i].live_blocks;
  census.dedicated_blocks = stats.huge_blocks;
  census.guarded_blocks = stats.guarded_live;
  census.abandoned_segments = stats.abandoned_segments;
  return census;
}

}  // namespace hardalloc_test
