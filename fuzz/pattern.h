// The bytes the harness writes into a block and later expects to find there.
//
// A block's pattern is a function of a seed and the byte offset, never of the address, so a
// block moved by realloc keeps the pattern of its prefix. Seed 0 is the all-zero pattern of a
// calloc'd block. Blocks above FULL_CHECK_BYTES are written and checked only on sampled ranges
// (both edges and a few bytes of evenly spaced pages) so that huge blocks stay cheap.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hafuzz {

inline constexpr std::size_t FULL_CHECK_BYTES = 64 * 1024;
inline constexpr std::size_t EDGE_CHECK_BYTES = 4096;
inline constexpr std::size_t SAMPLE_STRIDE_BYTES = 4096;
inline constexpr std::size_t SAMPLE_BYTES = 16;

inline std::uint8_t pattern_byte(std::uint64_t seed, std::size_t offset) {
  if (seed == 0) return 0;
  return static_cast<std::uint8_t>((seed * 0x9E3779B97F4A7C15ull + offset * 0xBF58476D1CE4E5B9ull) >> 56);
}

// Pages of a large block that are sampled: enough to catch a lost page, few enough that a
// 32 MiB block costs tens of page faults, not thousands (page faults dominate run time).
inline constexpr std::size_t MAX_SAMPLES_PER_BLOCK = 64;

// Calls fn(offset, length) for each range of a size_bytes block that the pattern covers.
template <class Fn>
void for_each_pattern_range(std::size_t size_bytes, Fn&& fn) {
  if (size_bytes <= FULL_CHECK_BYTES) {
    fn(std::size_t{0}, size_bytes);
    return;
  }
  std::size_t stride = SAMPLE_STRIDE_BYTES;
  while (size_bytes / stride > MAX_SAMPLES_PER_BLOCK) stride *= 2;
  fn(std::size_t{0}, EDGE_CHECK_BYTES);
  for (std::size_t offset = stride; offset < size_bytes - EDGE_CHECK_BYTES; offset += stride) {
    fn(offset, SAMPLE_BYTES);
  }
  fn(size_bytes - EDGE_CHECK_BYTES, EDGE_CHECK_BYTES);
}

inline void write_pattern(void* block, std::size_t size_bytes, std::uint64_t seed) {
  auto* bytes = static_cast<volatile std::uint8_t*>(block);
  for_each_pattern_range(size_bytes, [&](std::size_t offset, std::size_t length) {
    for (std::size_t i = offset; i < offset + length; ++i) bytes[i] = pattern_byte(seed, i);
  });
}

// Returns the first offset below limit_bytes whose byte differs from the pattern a block of
// size_bytes was written with, or SIZE_MAX. The limit checks the prefix realloc must keep.
inline std::size_t find_pattern_mismatch(const void* block, std::size_t size_bytes, std::uint64_t seed,
                                         std::size_t limit_bytes = SIZE_MAX) {
  const auto* bytes = static_cast<const volatile std::uint8_t*>(block);
  std::size_t mismatch = SIZE_MAX;
  for_each_pattern_range(size_bytes, [&](std::size_t offset, std::size_t length) {
    const std::size_t end = offset + length < limit_bytes ? offset + length : limit_bytes;
    for (std::size_t i = offset; i < end && mismatch == SIZE_MAX; ++i) {
      if (bytes[i] != pattern_byte(seed, i)) mismatch = i;
    }
  });
  return mismatch;
}

}  // namespace hafuzz
