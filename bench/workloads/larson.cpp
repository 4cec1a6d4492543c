// Workload 3: server-like churn where each thread frees blocks other threads allocated
// (after Larson and Krishnan's server benchmark).
//
// THREAD_COUNT threads share THREAD_COUNT tables of slots. In each epoch every thread works on
// one table, replacing random slots: it checks and frees the block there and allocates a new one
// of a random small size. Between epochs the tables rotate to the next thread, so almost every
// free is of a block another thread allocated (the allocator's cross-thread free path).
#include <barrier>
#include <cstddef>
#include <thread>
#include <vector>

#include "arguments.h"
#include "rng.h"
#include "slot.h"

namespace {

constexpr std::size_t THREAD_COUNT = 4;
constexpr std::size_t SLOTS_PER_TABLE = 2000;
constexpr std::size_t REPLACEMENTS_PER_EPOCH = 5000;
constexpr std::size_t EPOCHS_AT_SCALE_ONE = 600;
constexpr std::size_t MIN_BLOCK_BYTES = 16;
constexpr std::size_t MAX_BLOCK_BYTES = 512;

using Table = std::vector<bench::Slot>;

void fill(bench::Slot& slot, bench::Rng& rng) {
  bench::fill_slot(slot, rng.between(MIN_BLOCK_BYTES, MAX_BLOCK_BYTES), rng);
}

void replace_random_slots(Table& table, bench::Rng& rng) {
  for (std::size_t replacement = 0; replacement < REPLACEMENTS_PER_EPOCH; ++replacement) {
    bench::Slot& slot = table[rng.below(SLOTS_PER_TABLE)];
    bench::empty_slot(slot);
    fill(slot, rng);
  }
}

}  // namespace

constexpr const char* SUMMARY = "server-like churn: each thread frees blocks other threads allocated (workload 3).";

int main(int argc, char** argv) {
  const std::size_t epoch_count = bench::scaled(EPOCHS_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  std::vector<Table> tables(THREAD_COUNT, Table(SLOTS_PER_TABLE));
  bench::Rng setup_rng(3);
  for (Table& table : tables) {
    for (bench::Slot& slot : table) fill(slot, setup_rng);
  }

  // Invariant: during an epoch, table (thread + epoch) % THREAD_COUNT belongs to that thread
  // alone; the barrier hands it on, and orders its slots' writes before the next owner's reads.
  std::barrier epoch_end(static_cast<std::ptrdiff_t>(THREAD_COUNT));
  std::vector<std::thread> threads;
  for (std::size_t thread = 0; thread < THREAD_COUNT; ++thread) {
    threads.emplace_back([&, thread] {
      bench::Rng rng(100 + thread);
      for (std::size_t epoch = 0; epoch < epoch_count; ++epoch) {
        replace_random_slots(tables[(thread + epoch) % THREAD_COUNT], rng);
        epoch_end.arrive_and_wait();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (Table& table : tables) {
    for (bench::Slot& slot : table) bench::empty_slot(slot);
  }
  return 0;
}
