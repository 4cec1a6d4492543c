// A three-stage pipeline on separate threads: producers allocate, resizers reallocate blocks
// they did not allocate, consumers check and free them. Blocks always die in a foreign thread.
#include <gtest/gtest.h>
#include <hardalloc.h>

#include <atomic>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "bounded_queue.h"
#include "integrity_counters.h"
#include "random_request.h"
#include "stress_scale.h"

namespace {

using namespace hardalloc_test;

constexpr std::size_t WORKERS_PER_STAGE = 2;
constexpr std::size_t QUEUE_CAPACITY = 256;
const std::size_t BLOCKS_PER_PRODUCER = scaled_for_build(300000);

// A null address in a queue tells the one worker that pops it to finish; the test pushes one
// per worker once the stage feeding that queue has finished.
constexpr void* END_OF_STREAM = nullptr;

struct Pipeline {
  BoundedQueue<QUEUE_CAPACITY> produced;
  BoundedQueue<QUEUE_CAPACITY> resized;
  IntegrityCounters integrity;
  std::atomic<std::size_t> consumed_blocks{0};  // relaxed: read after the consumers are joined
};

void produce(Pipeline& pipeline, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  for (std::size_t i = 0; i < BLOCKS_PER_PRODUCER; ++i) {
    if (void* block = pipeline.integrity.allocate_checked(draw_typical_size(random), random())) {
      pipeline.produced.push(block);
    }
  }
}

void resize(Pipeline& pipeline, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  for (void* block = pipeline.produced.pop(); block != END_OF_STREAM; block = pipeline.produced.pop()) {
    if (void* resized = pipeline.integrity.resize_checked(block, draw_typical_size(random), random())) {
      pipeline.resized.push(resized);
    }
  }
}

void consume(Pipeline& pipeline) {
  for (void* block = pipeline.resized.pop(); block != END_OF_STREAM; block = pipeline.resized.pop()) {
    pipeline.integrity.check_and_free(block);
    pipeline.consumed_blocks.fetch_add(1, std::memory_order_relaxed);
  }
}

void join_all(std::vector<std::thread>& workers) {
  for (std::thread& worker : workers) {
    worker.join();
  }
}

// Tells each worker of a stage, through the stage's input queue, to finish; then joins them.
template <typename Queue>
void stop_and_join(std::vector<std::thread>& workers, Queue& input) {
  for (std::size_t i = 0; i < workers.size(); ++i) {
    input.push(END_OF_STREAM);
  }
  join_all(workers);
}

TEST(Pipeline, BlocksSurviveProducerResizerConsumer) {
  Pipeline pipeline;
  std::vector<std::thread> producers;
  std::vector<std::thread> resizers;
  std::vector<std::thread> consumers;
  for (std::size_t index = 0; index < WORKERS_PER_STAGE; ++index) {
    producers.emplace_back(produce, std::ref(pipeline), 10 + index);
    resizers.emplace_back(resize, std::ref(pipeline), 20 + index);
    consumers.emplace_back(consume, std::ref(pipeline));
  }
  join_all(producers);
  stop_and_join(resizers, pipeline.produced);
  stop_and_join(consumers, pipeline.resized);
  EXPECT_EQ(pipeline.integrity.corrupt_blocks.load(), 0u);
  EXPECT_EQ(pipeline.integrity.failed_allocations.load(), 0u);
  EXPECT_EQ(pipeline.consumed_blocks.load(), WORKERS_PER_STAGE * BLOCKS_PER_PRODUCER);
}

}  // namespace
