// Workload 15: short-lived threads exchanging blocks through a shared buffer.
//
// Generation after generation of LANE_COUNT threads run at once. Each allocates blocks and
// swaps each into a random slot of one shared buffer (under a mutex), freeing the block it took
// out: a block another thread, most often one that has exited, allocated. About 1 MB is in use
// at any time; the threads' heaps are abandoned and adopted many times over. Peak RSS is the
// figure to watch: memory the exited threads' pages hold must not pile up.
#include <array>
#include <cstddef>
#include <mutex>
#include <thread>

#include "arguments.h"
#include "rng.h"
#include "slot.h"

namespace {

constexpr std::size_t LANE_COUNT = 2;  // threads alive at once in each generation
constexpr std::size_t SHARED_SLOTS = 2048;
constexpr std::size_t SWAPS_PER_THREAD = 2000;
constexpr std::size_t GENERATIONS_AT_SCALE_ONE = 400;
constexpr std::size_t MIN_BLOCK_BYTES = 16;
constexpr std::size_t MAX_BLOCK_BYTES = 1024;

// Invariant: a slot of the buffer is read or written only under `lock`.
struct SharedBuffer {
  std::mutex lock;
  std::array<bench::Slot, SHARED_SLOTS> slots{};
};

// One thread's life: SWAPS_PER_THREAD times, a new block into a random slot, and the block that
// was there checked and freed (outside the lock, as a program would).
void live(SharedBuffer& buffer, std::uint64_t seed) {
  bench::Rng rng(seed);
  for (std::size_t swap = 0; swap < SWAPS_PER_THREAD; ++swap) {
    bench::Slot fresh;
    bench::fill_slot(fresh, rng.between(MIN_BLOCK_BYTES, MAX_BLOCK_BYTES), rng);
    bench::Slot taken;
    {
      const std::lock_guard guard(buffer.lock);
      bench::Slot& slot = buffer.slots[rng.below(SHARED_SLOTS)];
      taken = slot;
      slot = fresh;
    }
    if (taken.block != nullptr) bench::empty_slot(taken);
  }
}

}  // namespace

constexpr const char* SUMMARY =
    "generations of short-lived threads swapping blocks through a shared buffer (workload 15).";

int main(int argc, char** argv) {
  const std::size_t generation_count = bench::scaled(GENERATIONS_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  SharedBuffer buffer;
  for (std::size_t generation = 0; generation < generation_count; ++generation) {
    std::array<std::thread, LANE_COUNT> threads;
    for (std::size_t lane = 0; lane < LANE_COUNT; ++lane) {
      threads[lane] = std::thread(live, std::ref(buffer), generation * LANE_COUNT + lane);
    }
    for (std::thread& thread : threads) thread.join();
  }
  for (bench::Slot& slot : buffer.slots) {
    if (slot.block != nullptr) bench::empty_slot(slot);
  }
  return 0;
}
