// Workload 1: malloc/free pairs of one size at a time, 16 B .. 1 MiB, one thread.
//
// The allocator's fast path in its purest form: every iteration allocates a block, stamps its
// first and last bytes, checks them and frees it. Blocks above 1 KiB get proportionally fewer
// pairs (a program allocates big blocks less often), so no single size dominates the time.
// With --callgrind it runs 16 .. 1024 B as instruction-count phases (see callgrind_phase.h) for
// bench/run.py --instructions: each pair whole, then its malloc alone and its free alone.
#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "arguments.h"
#include "callgrind_phase.h"
#include "heaps.h"
#include "opaque.h"
#include "stamp.h"

namespace {

constexpr std::size_t MIN_BLOCK_BYTES = 16;
constexpr std::size_t MAX_BLOCK_BYTES = std::size_t{1} << 20;
// The fast-path sizes: they get the full pair count, and they are the ones counted under callgrind.
constexpr std::size_t MAX_SMALL_BLOCK_BYTES = 1024;
constexpr std::size_t SMALL_PAIRS_AT_SCALE_ONE = 5'000'000;
constexpr std::size_t WARMUP_PAIR_COUNT = 10'000;
constexpr std::size_t COUNTED_PAIR_COUNT = 200'000;

// Blocks of the measured size kept live around each loop: with none, an allocator with
// per-size pages sees its page empty on every free and the loop times the empty-page path
// instead of the fast path a program with other live blocks takes.
constexpr std::size_t RESIDENT_BLOCK_COUNT = 4;

// What callgrind counts of each pair: all of it, or only the allocate or the release call
// (collection is toggled on just around that call; see count_phase).
enum class Counted { PAIR, ALLOCATE, RELEASE };

template <Counted COUNTED = Counted::PAIR, class Heap>
void run_pairs(Heap& heap, std::size_t block_bytes, std::size_t pair_count) {
  for (std::size_t index = 0; index < pair_count; ++index) {
    if constexpr (COUNTED == Counted::ALLOCATE) bench::toggle_collection();
    void* block = heap.allocate(block_bytes, 0);
    if constexpr (COUNTED == Counted::ALLOCATE) bench::toggle_collection();
    bench::require_block(block, block_bytes);
    bench::stamp(block, block_bytes, index);
    bench::escape(block);
    bench::require_stamp(block, block_bytes, index);
    if constexpr (COUNTED == Counted::RELEASE) bench::toggle_collection();
    heap.release(block);
    if constexpr (COUNTED == Counted::RELEASE) bench::toggle_collection();
  }
}

// Keeps RESIDENT_BLOCK_COUNT blocks of one size live for the scope, allocated outside any
// measured phase.
class ResidentBlocks {
 public:
  explicit ResidentBlocks(std::size_t block_bytes) {
    for (void*& block : blocks_) block = bench::require_block(std::malloc(block_bytes), block_bytes);
  }
  ~ResidentBlocks() {
    for (void* block : blocks_) std::free(block);
  }
  ResidentBlocks(const ResidentBlocks&) = delete;
  ResidentBlocks& operator=(const ResidentBlocks&) = delete;

 private:
  void* blocks_[RESIDENT_BLOCK_COUNT] = {};
};

void run_timed(double scale) {
  bench::MallocHeap heap;
  for (std::size_t bytes = MIN_BLOCK_BYTES; bytes <= MAX_BLOCK_BYTES; bytes *= 2) {
    const std::size_t share = bytes <= MAX_SMALL_BLOCK_BYTES ? 1 : bytes / MAX_SMALL_BLOCK_BYTES;
    const ResidentBlocks residents(bytes);
    run_pairs(heap, bytes, bench::scaled(SMALL_PAIRS_AT_SCALE_ONE / share, scale));
  }
}

// One measure or baseline phase of COUNTED_PAIR_COUNT pairs. When only one call is counted,
// collection is off for the rest of the loop and back on for the dump.
template <Counted COUNTED, class Heap>
void count_phase(Heap& heap, std::size_t block_bytes, const char* kind, const char* label) {
  if constexpr (COUNTED != Counted::PAIR) bench::toggle_collection();
  run_pairs<COUNTED>(heap, block_bytes, COUNTED_PAIR_COUNT);
  if constexpr (COUNTED != Counted::PAIR) bench::toggle_collection();
  bench::end_phase(kind, label, COUNTED_PAIR_COUNT);
}

template <Counted COUNTED>
void count_case(std::size_t block_bytes, const char* suffix) {
  bench::MallocHeap heap;
  bench::StandInHeap stand_in(1, MAX_SMALL_BLOCK_BYTES);
  char label[32];
  std::snprintf(label, sizeof label, "%zu%s", block_bytes, suffix);
  run_pairs(heap, block_bytes, WARMUP_PAIR_COUNT);
  bench::end_phase("warmup", label, WARMUP_PAIR_COUNT);
  count_phase<COUNTED>(heap, block_bytes, "measure", label);
  count_phase<COUNTED>(stand_in, block_bytes, "baseline", label);
}

void run_counted() {
  for (std::size_t bytes = MIN_BLOCK_BYTES; bytes <= MAX_SMALL_BLOCK_BYTES; bytes *= 2) {
    const ResidentBlocks residents(bytes);
    count_case<Counted::PAIR>(bytes, "");
    count_case<Counted::ALLOCATE>(bytes, ".malloc");
    count_case<Counted::RELEASE>(bytes, ".free");
  }
}

}  // namespace

constexpr const char* SUMMARY = "malloc/free pairs of one size at a time, 16 B .. 1 MiB, one thread (workload 1).";

int main(int argc, char** argv) { return bench::run_workload(argc, argv, SUMMARY, run_timed, run_counted); }
