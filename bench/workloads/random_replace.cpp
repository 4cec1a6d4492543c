// Workloads 13 and 14: random replacement in a large slot array, one thread (random_replace)
// and THREAD_COUNT threads (random_replace_mt; the build sets BENCH_THREAD_COUNT).
//
// 2^18 slots are split evenly between the threads; each thread alone owns its share, fills it,
// then replaces random slots with new blocks of up to 1 KiB (mostly small), writing every byte
// of each. No block crosses threads. Random frees leave many partly used pages of every size
// class, so the allocator's page selection, not its fast path, decides the cost.
#include <cstddef>
#include <thread>
#include <vector>

#include "arguments.h"
#include "rng.h"
#include "slot.h"

#ifndef BENCH_THREAD_COUNT
#error "the build defines BENCH_THREAD_COUNT"
#endif

namespace {

constexpr std::size_t THREAD_COUNT = BENCH_THREAD_COUNT;
constexpr std::size_t TOTAL_SLOTS = std::size_t{1} << 18;
constexpr std::size_t SLOTS_PER_THREAD = TOTAL_SLOTS / THREAD_COUNT;
constexpr std::size_t REPLACEMENTS_AT_SCALE_ONE = 4'000'000;
constexpr std::size_t SMALL_PERCENT = 80;  // of new blocks, 8 .. 128 bytes; the rest up to 1 KiB
constexpr std::size_t SMALL_MAX_BYTES = 128;
constexpr std::size_t MAX_BLOCK_BYTES = 1024;

std::size_t block_bytes(bench::Rng& rng) {
  return rng.below(100) < SMALL_PERCENT ? rng.between(8, SMALL_MAX_BYTES)
                                        : rng.between(SMALL_MAX_BYTES + 1, MAX_BLOCK_BYTES);
}

void fill(bench::Slot& slot, bench::Rng& rng) {
  bench::fill_slot(slot, block_bytes(rng), rng, bench::Write::whole_block);
}

void run_thread(std::size_t replacements, std::uint64_t seed) {
  bench::Rng rng(seed);
  std::vector<bench::Slot> slots(SLOTS_PER_THREAD);
  for (bench::Slot& slot : slots) fill(slot, rng);
  for (std::size_t replacement = 0; replacement < replacements; ++replacement) {
    bench::Slot& slot = slots[rng.below(SLOTS_PER_THREAD)];
    bench::empty_slot(slot);
    fill(slot, rng);
  }
  for (bench::Slot& slot : slots) bench::empty_slot(slot);
}

}  // namespace

constexpr const char* SUMMARY =
    "random replacement over 2^18 slots split between threads, every block written (workloads 13, 14).";

int main(int argc, char** argv) {
  const std::size_t replacements =
      bench::scaled(REPLACEMENTS_AT_SCALE_ONE / THREAD_COUNT, bench::parse_scale(argc, argv, SUMMARY));
  if constexpr (THREAD_COUNT == 1) {
    run_thread(replacements, 13);
  } else {
    std::vector<std::thread> threads;
    for (std::size_t thread = 0; thread < THREAD_COUNT; ++thread)
      threads.emplace_back(run_thread, replacements, 1400 + thread);
    for (std::thread& thread : threads) thread.join();
  }
  return 0;
}
