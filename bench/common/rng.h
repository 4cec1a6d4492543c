// A small, fast, seeded generator (xorshift64*), so every run of a workload replays the same
// sequence of sizes and choices under every allocator.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bench {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}

  std::uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }

  // Uniform in [0, bound) for bound > 0; the tiny modulo bias does not matter for workloads.
  std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

  // Uniform in [low, high].
  std::size_t between(std::size_t low, std::size_t high) { return low + below(high - low + 1); }

 private:
  std::uint64_t state_;  // never zero: the seed mapping above keeps it odd-ish and non-zero
};

}  // namespace bench
