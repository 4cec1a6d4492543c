// Workload 5: thread churn. Generation after generation of short-lived threads each allocate a
// batch of blocks, free most of them and leave the rest behind; a thread of the next generation
// checks and frees what a dead thread left (the allocator must reclaim a dead thread's memory).
#include <array>
#include <cstddef>
#include <thread>

#include "arguments.h"
#include "rng.h"
#include "slot.h"

namespace {

constexpr std::size_t LANE_COUNT = 2;  // threads alive at once in each generation
constexpr std::size_t BLOCKS_PER_THREAD = 256;
constexpr std::size_t LEFT_BEHIND_PER_THREAD = 64;
constexpr std::size_t GENERATIONS_AT_SCALE_ONE = 2000;
constexpr std::size_t MIN_BLOCK_BYTES = 16;
constexpr std::size_t MAX_BLOCK_BYTES = 2048;

using Batch = std::array<bench::Slot, BLOCKS_PER_THREAD>;
using LeftBehind = std::array<bench::Slot, LEFT_BEHIND_PER_THREAD>;

// One thread's life: free what the previous generation's thread of the neighbouring lane left,
// allocate a batch, free all of it but the blocks it leaves behind for the next generation.
void live(LeftBehind& inherited, LeftBehind& bequeathed, std::size_t seed) {
  bench::Rng rng(seed);
  for (bench::Slot& slot : inherited) {
    if (slot.block != nullptr) bench::empty_slot(slot);
  }
  Batch batch;
  for (bench::Slot& slot : batch) {
    bench::fill_slot(slot, rng.between(MIN_BLOCK_BYTES, MAX_BLOCK_BYTES), rng);
  }
  for (std::size_t index = 0; index < BLOCKS_PER_THREAD; ++index) {
    if (index < LEFT_BEHIND_PER_THREAD) {
      bequeathed[index] = batch[index];
    } else {
      bench::empty_slot(batch[index]);
    }
  }
}

}  // namespace

constexpr const char* SUMMARY = "generations of short-lived threads; the next frees what a dead one left (workload 5).";

int main(int argc, char** argv) {
  const std::size_t generation_count = bench::scaled(GENERATIONS_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  // Invariant: in generation g, lane L bequeaths into left_behind[g % 2][L] and inherits from
  // left_behind[(g + 1) % 2][(L + 1) % LANE_COUNT]; joining a generation orders the two.
  std::array<std::array<LeftBehind, LANE_COUNT>, 2> left_behind{};
  for (std::size_t generation = 0; generation < generation_count; ++generation) {
    std::array<std::thread, LANE_COUNT> threads;
    for (std::size_t lane = 0; lane < LANE_COUNT; ++lane) {
      threads[lane] = std::thread(live, std::ref(left_behind[(generation + 1) % 2][(lane + 1) % LANE_COUNT]),
                                  std::ref(left_behind[generation % 2][lane]), generation * LANE_COUNT + lane);
    }
    for (std::thread& thread : threads) thread.join();
  }
  for (auto& generation : left_behind) {
    for (LeftBehind& lane : generation) {
      for (bench::Slot& slot : lane) {
        if (slot.block != nullptr) bench::empty_slot(slot);
      }
    }
  }
  return 0;
}
