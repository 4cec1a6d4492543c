// Workload 12: Larson and Krishnan's server simulation ("Memory allocation for long-running
// server applications", ISMM 1998), with its thread replacement.
//
// LANE_COUNT lanes each own a table of slots holding blocks of random sizes. A lane runs one
// thread at a time: the thread replaces random slots (checks and frees the block there,
// allocates one of a random size) and exits; main joins it and starts the lane's next thread,
// which inherits the table. So nearly every free is of a block a thread that has exited
// allocated: the allocator must reclaim an exited thread's pages without leaving them
// scattered, and free into pages another heap owns.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
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

// Invariant: a lane's table is touched by one thread at a time; joining a thread orders its
// writes before main starts the next (and before main's own reads at the end).
struct Lane {
  std::vector<bench::Slot> table = std::vector<bench::Slot>(SLOTS_PER_LANE);
  std::thread thread;
  std::size_t threads_started = 0;
};

// The lanes whose thread has finished its replacements, for main to join and replace.
struct Finished {
  std::mutex lock;
  std::condition_variable changed;
  std::vector<std::size_t> lanes;  // under lock
};

void fill(bench::Slot& slot, bench::Rng& rng) {
  bench::fill_slot(slot, rng.between(MIN_BLOCK_BYTES, MAX_BLOCK_BYTES), rng);
}

// One thread of a lane: its share of replacements, then the note that it is done.
void live(Lane& lane, std::size_t lane_index, Finished& finished, std::uint64_t seed) {
  bench::Rng rng(seed);
  for (std::size_t replacement = 0; replacement < REPLACEMENTS_PER_THREAD; ++replacement) {
    bench::Slot& slot = lane.table[rng.below(SLOTS_PER_LANE)];
    bench::empty_slot(slot);
    fill(slot, rng);
  }
  {
    const std::lock_guard guard(finished.lock);
    finished.lanes.push_back(lane_index);
  }
  finished.changed.notify_one();
}

}  // namespace

constexpr const char* SUMMARY =
    "Larson's server simulation: threads replace random slots, then a new thread takes them over (workload 12).";

int main(int argc, char** argv) {
  const std::size_t threads_per_lane =
      bench::scaled(THREADS_PER_LANE_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  std::vector<Lane> lanes(LANE_COUNT);
  bench::Rng setup_rng(12);
  for (Lane& lane : lanes) {
    for (bench::Slot& slot : lane.table) fill(slot, setup_rng);
  }
  Finished finished;
  const auto start = [&](std::size_t index) {
    Lane& lane = lanes[index];
    lane.thread = std::thread(live, std::ref(lane), index, std::ref(finished), setup_rng.next());
    ++lane.threads_started;
  };
  for (std::size_t index = 0; index < LANE_COUNT; ++index) start(index);
  for (std::size_t running = LANE_COUNT; running > 0;) {
    std::size_t index;
    {
      std::unique_lock guard(finished.lock);
      finished.changed.wait(guard, [&] { return !finished.lanes.empty(); });
      index = finished.lanes.back();
      finished.lanes.pop_back();
    }
    lanes[index].thread.join();  // the thread has exited: its heap is gone
    if (lanes[index].threads_started < threads_per_lane) {
      start(index);
    } else {
      --running;
    }
  }
  for (Lane& lane : lanes) {
    for (bench::Slot& slot : lane.table) bench::empty_slot(slot);
  }
  return 0;
}
