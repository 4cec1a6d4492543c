// Workload 4: producer/consumer. One thread allocates and stamps blocks, another checks and
// frees them, so every free is a cross-thread free. Blocks pass through a bounded ring in
// order; the consumer knows each block's size and tag by replaying the producer's generator.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "arguments.h"
#include "rng.h"
#include "spsc_ring.h"
#include "stamp.h"

namespace {

constexpr std::uint32_t RING_CAPACITY = 1024;
constexpr std::size_t BLOCKS_AT_SCALE_ONE = 4'000'000;
constexpr std::size_t MIN_BLOCK_BYTES = 16;
constexpr std::size_t MAX_BLOCK_BYTES = 1024;
constexpr std::uint64_t SEED = 4;

struct BlockPlan {
  std::size_t bytes;
  std::uint64_t tag;
};

BlockPlan plan_next(bench::Rng& rng) {
  const std::size_t bytes = rng.between(MIN_BLOCK_BYTES, MAX_BLOCK_BYTES);
  return {bytes, rng.next()};
}

}  // namespace

constexpr const char* SUMMARY = "one thread allocates, another frees: every free is cross-thread (workload 4).";

int main(int argc, char** argv) {
  const std::size_t block_count = bench::scaled(BLOCKS_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  auto* ring = new bench::SpscRing<RING_CAPACITY>;

  std::thread producer([&] {
    bench::Rng rng(SEED);
    for (std::size_t index = 0; index < block_count; ++index) {
      const BlockPlan plan = plan_next(rng);
      void* block = bench::require_block(std::malloc(plan.bytes), plan.bytes);
      bench::stamp(block, plan.bytes, plan.tag);
      ring->push(block);
    }
    ring->flush();
  });
  std::thread consumer([&] {
    bench::Rng rng(SEED);
    for (std::size_t index = 0; index < block_count; ++index) {
      const BlockPlan plan = plan_next(rng);
      void* block = ring->pop();
      bench::require_stamp(block, plan.bytes, plan.tag);
      std::free(block);
    }
  });
  producer.join();
  consumer.join();
  delete ring;
  return 0;
}
