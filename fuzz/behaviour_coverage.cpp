#include "behaviour_coverage.h"

#include <algorithm>
#include <bit>

#include "untraced.h"

namespace hafuzz {
namespace {

static_assert(std::has_single_bit(BEHAVIOUR_COUNTERS), "the hash indexes by its top bits");

// relaxed: counters of a coverage map; a count lost between racing threads only blurs which
// bucket an input reaches, and nothing is ordered by them.
std::atomic<std::uint8_t> g_counters[BEHAVIOUR_COUNTERS];

unsigned log2_bucket(std::size_t value) {
  return value == 0 ? 0 : 1 + static_cast<unsigned>(std::bit_width(value) - 1);
}

}  // namespace

void note_block_behaviour(OpKind kind, std::size_t request_bytes, std::size_t usable_bytes, std::uintptr_t address) {
  constexpr unsigned PAGE_ALIGNMENT_LOG2 = 12;
  // Only for an aligned request: a plain small block's alignment follows its index in its page,
  // which the earlier inputs' heap state chooses.
  const unsigned alignment_log2 = !takes_alignment(kind) ? 0
                                  : address == 0
                                      ? PAGE_ALIGNMENT_LOG2
                                      : std::min(static_cast<unsigned>(std::countr_zero(address)), PAGE_ALIGNMENT_LOG2);
  std::uint64_t key = static_cast<std::uint64_t>(kind);
  key = key * 65 + log2_bucket(request_bytes);
  key = key * 65 + log2_bucket(usable_bytes - request_bytes);
  key = key * 13 + alignment_log2;
  key *= 0x9E3779B97F4A7C15ull;  // Fibonacci hashing spreads the packed key over the table
  std::atomic<std::uint8_t>& counter = g_counters[key >> (64 - std::bit_width(BEHAVIOUR_COUNTERS - 1))];
  const std::uint8_t count = counter.load(std::memory_order_relaxed);
  if (count != UINT8_MAX) counter.store(static_cast<std::uint8_t>(count + 1), std::memory_order_relaxed);
}

HA_FUZZ_UNTRACED void clear_behaviour_counters() {
  for (std::atomic<std::uint8_t>& counter : g_counters) counter.store(0, std::memory_order_relaxed);
}

HA_FUZZ_UNTRACED void copy_behaviour_counters(std::uint8_t* out) {
  for (std::size_t i = 0; i < BEHAVIOUR_COUNTERS; ++i) out[i] = g_counters[i].load(std::memory_order_relaxed);
}

}  // namespace hafuzz
