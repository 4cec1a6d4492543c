// Workload 12: Larson and Krishnan's server simulation ("Memory allocation for long-running
// server applications", ISMM 1998), with its thread replacement.
//
// LANE_COUNT lanes each own a table of slots holding blocks of random sizes. A lane runs one
// thread at a time: the thread replaces random slots (checks and frees the block there,
// allocates one of a random size), then starts its successor, which inherits the table, and
// exits. So nearly every free is of a block a thread that has since exited allocated: the
// allocator must reclaim an exited thread's pages without leaving them scattered, and free
// into pages another heap owns.
#include <cstddef>
#include <functional>
#include <latch>
#include <thread>
#include <vector>

#include "arguments.h"
#include "rng.h"
#include "slot.h"

namespace {

constexpr std::size_t LANE_COUNT = 4;
constexpr std::size_t SLOTS_PER_LANE = 4000;
constexpr std::size_t REPLACEMENTS_PER_THREAD = 20000;
constexpr std::size_t THREADS_PER_LANE_AT_SCALE_ONE = 60;
constexpr std::size_t MIN_BLOCK_BYTES = 8;
constexpr std::size_t MAX_BLOCK_BYTES = 1000;

// Invariant: a lane's table is touched by one thread at a time; starting the successor orders
// the predecessor's writes before the successor's reads (std::thread's constructor
// synchronizes-with the start of the new thread), and `done` orders the last thread's before
// main's.
struct Lane {
  std::vector<bench::Slot> table = std::vector<bench::Slot>(SLOTS_PER_LANE);
  std::size_t threads_left = 0;
};

void fill(bench::Slot& slot, bench::Rng& rng) {
  bench::fill_slot(slot, rng.between(MIN_BLOCK_BYTES, MAX_BLOCK_BYTES), rng);
}

// One thread of a lane: its share of replacements, then its successor (or, as the lane's last
// thread, the count-down that lets main finish). Threads are detached: in Larson's program a
// thread's successor does not wait for it to exit either.
void live(Lane& lane, std::latch& done, std::uint64_t seed) {
  bench::Rng rng(seed);
  for (std::size_t replacement = 0; replacement < REPLACEMENTS_PER_THREAD; ++replacement) {
    bench::Slot& slot = lane.table[rng.below(SLOTS_PER_LANE)];
    bench::empty_slot(slot);
    fill(slot, rng);
  }
  if (--lane.threads_left == 0) {
    done.count_down();
    return;
  }
  std::thread(live, std::ref(lane), std::ref(done), rng.next()).detach();
}

}  // namespace

constexpr const char* SUMMARY =
    "Larson's server simulation: threads replace random slots, then hand them to a new thread (workload 12).";

int main(int argc, char** argv) {
  const std::size_t threads_per_lane =
      bench::scaled(THREADS_PER_LANE_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  std::vector<Lane> lanes(LANE_COUNT);
  bench::Rng setup_rng(12);
  for (Lane& lane : lanes) {
    lane.threads_left = threads_per_lane;
    for (bench::Slot& slot : lane.table) fill(slot, setup_rng);
  }
  std::latch done(static_cast<std::ptrdiff_t>(LANE_COUNT));
  for (std::size_t lane = 0; lane < LANE_COUNT; ++lane) {
    std::thread(live, std::ref(lanes[lane]), std::ref(done), 1200 + lane).detach();
  }
  done.wait();
  for (Lane& lane : lanes) {
    for (bench::Slot& slot : lane.table) bench::empty_slot(slot);
  }
  return 0;
}
