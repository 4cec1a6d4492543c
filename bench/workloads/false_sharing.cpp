// Workload 9: false sharing. Threads each write a small block of their own many times; if the
// allocator hands two threads blocks on one cache line, every write bounces the line between
// cores. Two phases, after Hoard's cache-thrash and cache-scratch: in the first each thread
// allocates its own blocks (active false sharing); in the second the main thread allocates one
// block per thread back to back and each thread frees its block before allocating its own
// (passive: an allocator that reuses the freed block keeps the threads on one line). A block
// whose counter ends wrong overlapped another thread's block.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "arguments.h"
#include "failure.h"
#include "opaque.h"
#include "stamp.h"

namespace {

constexpr std::size_t THREAD_COUNT = 2;
constexpr std::size_t BLOCK_BYTES = 16;
constexpr std::size_t WRITES_PER_BLOCK = 10'000;
constexpr std::size_t BLOCKS_PER_THREAD_AT_SCALE_ONE = 30'000;

void write_blocks(std::size_t block_count) {
  for (std::size_t index = 0; index < block_count; ++index) {
    auto* counter = static_cast<volatile std::uint64_t*>(bench::require_block(std::malloc(BLOCK_BYTES), BLOCK_BYTES));
    *counter = 0;
    for (std::size_t write = 0; write < WRITES_PER_BLOCK; ++write) *counter = *counter + 1;
    if (*counter != WRITES_PER_BLOCK) bench::fail("a block shared memory with another thread's block");
    std::free(const_cast<std::uint64_t*>(counter));
  }
}

// Runs write_blocks on every thread; each first frees the block handed to it, if any.
void run_phase(const std::array<void*, THREAD_COUNT>& handed, std::size_t block_count) {
  std::array<std::thread, THREAD_COUNT> threads;
  for (std::size_t thread = 0; thread < THREAD_COUNT; ++thread) {
    threads[thread] = std::thread([&handed, thread, block_count] {
      std::free(handed[thread]);
      write_blocks(block_count);
    });
  }
  for (std::thread& thread : threads) thread.join();
}

}  // namespace

constexpr const char* SUMMARY = "threads write their own small blocks: cache lines shared by accident (workload 9).";

int main(int argc, char** argv) {
  const std::size_t block_count =
      bench::scaled(BLOCKS_PER_THREAD_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  run_phase({}, block_count);
  std::array<void*, THREAD_COUNT> handed{};
  for (void*& block : handed) {
    block = bench::require_block(std::malloc(BLOCK_BYTES), BLOCK_BYTES);
    bench::escape(block);
  }
  run_phase(handed, block_count);
  return 0;
}
