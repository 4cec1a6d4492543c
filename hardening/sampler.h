// hardening: which allocations go to the guarded pool (Mitigation::guarded_sampling): a
// per-thread countdown, decremented once per allocation, that hits zero one allocation in
// `rate` on average. Each interval is drawn uniformly from [1, 2 * rate - 1] (mean `rate`), so
// the pattern cannot be predicted and, summed over many intervals, the count of sampled
// allocations is close to allocations / rate. guard_all makes every interval 1.
// Invariant: countdown_ >= 1 between calls; owner thread only.
#pragma once
#include <cstdint>

#include "base/bits.h"

namespace hardalloc {

class Sampler {
 public:
  // rate 0 and !all: never (the countdown starts at UINT64_MAX and is never reloaded lower).
  void configure(uint64_t rate, bool all, uint64_t seed) {
    constexpr uint64_t MAX_RATE = uint64_t{1} << 62;  // 2 * rate - 1 must not overflow
    rate_ = all ? 1 : rate > MAX_RATE ? MAX_RATE : rate;
    random_state_ = seed;
    countdown_ = next_interval();
  }

  // One call per allocation: true when this one is to be guarded.
  HA_ALWAYS_INLINE bool should_sample() {
    if (HA_LIKELY(--countdown_ != 0)) return false;
    countdown_ = next_interval();
    return true;
  }

 private:
  uint64_t next_interval() {
    if (rate_ == 0) return UINT64_MAX;
    if (rate_ == 1) return 1;
    return 1 + splitmix64_next(random_state_) % (2 * rate_ - 1);
  }

  uint64_t countdown_ = UINT64_MAX;
  uint64_t rate_ = 0;
  uint64_t random_state_ = 0;
};

// The sampler of a configuration without guarded_sampling: never samples, holds nothing.
struct NoSampler {
  void configure(uint64_t, bool, uint64_t) {}
  static bool should_sample() { return false; }
};

}  // namespace hardalloc
