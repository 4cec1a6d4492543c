// The random inputs of ha_fuzz_replay --random and ha_diff --seconds: from one seed, random
// bytes (every op kind, the decoder's edge sizes) and swarm streams (swarm_generator.h, few
// kinds and size classes, deep) in turn, so that the same seed gives the same inputs in every
// tool and a finding's seed and index name its input.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "op.h"

namespace hafuzz {

class RandomStreams {
 public:
  // max_bytes >= 1: the largest input in bytes (a swarm stream gets up to max_bytes / 4 ops).
  // thread_count 0 keeps each input's own thread count; 1..MAX_THREADS sets every input's.
  RandomStreams(std::uint64_t seed, std::uint64_t max_bytes, unsigned thread_count = 0);

  // The next input, encoded (op_binary.h); valid until the next call.
  const std::vector<std::uint8_t>& next();

 private:
  std::mt19937_64 random_;
  std::uint64_t max_bytes_;
  unsigned thread_count_;
  std::uint64_t index_ = 0;
  std::vector<std::uint8_t> bytes_;
  std::unique_ptr<OpStream> stream_ = std::make_unique<OpStream>();
};

}  // namespace hafuzz
