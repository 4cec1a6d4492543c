// Workload 2: random sizes with random lifetimes, many blocks live, one thread.
//
// A compiler- or interpreter-like mix: most operations hit a small pool of short-lived
// temporaries, the rest a large pool of long-lived objects; sizes are mostly small with a long
// tail. Each operation picks a slot of a pool: an empty slot gets a fresh block, a full one has
// its block checked and freed, so lifetimes are geometric and about half the slots are live.
// With --callgrind it runs the same operation stream as instruction-count phases.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "arguments.h"
#include "callgrind_phase.h"
#include "heaps.h"
#include "rng.h"
#include "stamp.h"

namespace {

constexpr std::size_t HOT_SLOT_COUNT = 64;
constexpr std::size_t COLD_SLOT_COUNT = 16384;
constexpr std::size_t SLOT_COUNT = HOT_SLOT_COUNT + COLD_SLOT_COUNT;
constexpr std::size_t HOT_OPERATION_PERCENT = 80;
constexpr std::size_t MAX_BLOCK_BYTES = std::size_t{32} << 10;
constexpr std::size_t OPERATIONS_AT_SCALE_ONE = 16'000'000;
constexpr std::size_t WARMUP_OPERATION_COUNT = 100'000;
constexpr std::size_t COUNTED_OPERATION_COUNT = 400'000;
constexpr std::uint64_t SEED = 2;

// Mostly small, a long tail up to MAX_BLOCK_BYTES.
std::size_t draw_block_bytes(bench::Rng& rng) {
  const std::size_t percentile = rng.below(100);
  if (percentile < 60) return rng.between(8, 64);
  if (percentile < 85) return rng.between(65, 256);
  if (percentile < 97) return rng.between(257, 2048);
  return rng.between(2049, MAX_BLOCK_BYTES);
}

struct Slot {
  void* block = nullptr;
  std::size_t bytes = 0;
  std::uint64_t tag = 0;
};

// One operation stream over the slots; the same seed gives the same stream on every heap.
template <class Heap>
class Mix {
 public:
  explicit Mix(Heap& heap) : heap_(heap), slots_(SLOT_COUNT) {}
  Mix(const Mix&) = delete;
  Mix& operator=(const Mix&) = delete;
  ~Mix() {
    for (std::size_t index = 0; index < SLOT_COUNT; ++index) release_slot(index);
  }

  void run(std::size_t operation_count) {
    for (std::size_t operation = 0; operation < operation_count; ++operation) {
      const bool hot = rng_.below(100) < HOT_OPERATION_PERCENT;
      const std::size_t index = hot ? rng_.below(HOT_SLOT_COUNT) : HOT_SLOT_COUNT + rng_.below(COLD_SLOT_COUNT);
      if (slots_[index].block != nullptr) {
        release_slot(index);
      } else {
        fill_slot(index);
      }
    }
  }

 private:
  void fill_slot(std::size_t index) {
    Slot& slot = slots_[index];
    slot.bytes = draw_block_bytes(rng_);
    slot.tag = rng_.next();
    slot.block = bench::require_block(heap_.allocate(slot.bytes, index), slot.bytes);
    bench::stamp(slot.block, slot.bytes, slot.tag);
  }

  void release_slot(std::size_t index) {
    Slot& slot = slots_[index];
    if (slot.block == nullptr) return;
    bench::require_stamp(slot.block, slot.bytes, slot.tag);
    heap_.release(slot.block);
    slot.block = nullptr;
  }

  Heap& heap_;
  bench::Rng rng_{SEED};
  std::vector<Slot> slots_;
};

void run_timed(double scale) {
  bench::MallocHeap heap;
  Mix<bench::MallocHeap>(heap).run(bench::scaled(OPERATIONS_AT_SCALE_ONE, scale));
}

void run_counted() {
  bench::MallocHeap heap;
  bench::StandInHeap stand_in(SLOT_COUNT, MAX_BLOCK_BYTES);
  Mix<bench::MallocHeap> mix(heap);
  Mix<bench::StandInHeap> stand_in_mix(stand_in);
  // Warm both mixes to the same steady state first; the stand-in does the same bookkeeping.
  mix.run(WARMUP_OPERATION_COUNT);
  stand_in_mix.run(WARMUP_OPERATION_COUNT);
  bench::end_phase("warmup", "mixed", WARMUP_OPERATION_COUNT);
  mix.run(COUNTED_OPERATION_COUNT);
  bench::end_phase("measure", "mixed", COUNTED_OPERATION_COUNT);
  stand_in_mix.run(COUNTED_OPERATION_COUNT);
  bench::end_phase("baseline", "mixed", COUNTED_OPERATION_COUNT);
}

}  // namespace

constexpr const char* SUMMARY = "random sizes with random lifetimes, many blocks live, one thread (workload 2).";

int main(int argc, char** argv) { return bench::run_workload(argc, argv, SUMMARY, run_timed, run_counted); }
