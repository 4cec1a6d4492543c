// A block allocated through hardalloc's prefixed API that describes itself: a header with its
// size and seed, then the seed's pattern. Any thread can check and free it knowing only its
// address, so blocks can be handed between threads through a single pointer. Header-only: the
// ha_* calls bind to the hardalloc library the test program links.
#pragma once

#include <hardalloc.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "block_pattern.h"

namespace hardalloc_test {

struct PatternedHeader {
  std::size_t size_bytes;
  std::uint64_t seed;
  std::uint64_t check_word;  // size ^ seed ^ HEADER_MAGIC: a torn header is caught before use
};

constexpr std::uint64_t HEADER_MAGIC = 0x9e3779b97f4a7c15;
constexpr std::size_t MIN_PATTERNED_BYTES = sizeof(PatternedHeader);

struct PatternCheck {
  std::size_t size_bytes;    // as the header says, or 1 when the header is corrupt
  std::size_t intact_bytes;  // bytes before the first mismatch; equal to size_bytes when intact
  bool intact() const { return intact_bytes == size_bytes; }
};

// Writes the header and the pattern into the first size_bytes (>= MIN_PATTERNED_BYTES) bytes.
inline void write_patterned(void* block, std::size_t size_bytes, std::uint64_t seed) {
  auto* header = static_cast<PatternedHeader*>(block);
  *header = PatternedHeader{size_bytes, seed, size_bytes ^ seed ^ HEADER_MAGIC};
  fill_pattern(header + 1, size_bytes - sizeof(PatternedHeader), seed);
}

// Returns null when the allocation fails; sizes below MIN_PATTERNED_BYTES are rounded up.
inline void* allocate_patterned(std::size_t size_bytes, std::uint64_t seed) {
  size_bytes = std::max(size_bytes, MIN_PATTERNED_BYTES);
  void* block = ha_malloc(size_bytes);
  if (block != nullptr) {
    write_patterned(block, size_bytes, seed);
  }
  return block;
}

// Checks the first limit_bytes bytes (all when limit_bytes is larger than the block).
inline PatternCheck check_patterned(const void* block, std::size_t limit_bytes = SIZE_MAX) {
  const auto* header = static_cast<const PatternedHeader*>(block);
  if ((header->size_bytes ^ header->seed ^ HEADER_MAGIC) != header->check_word) {
    return PatternCheck{1, 0};
  }
  const std::size_t checked_bytes = std::min(header->size_bytes, limit_bytes);
  const std::size_t body_bytes = checked_bytes - sizeof(PatternedHeader);
  const std::size_t intact_body_bytes = first_pattern_mismatch(header + 1, body_bytes, header->seed);
  return PatternCheck{checked_bytes, sizeof(PatternedHeader) + intact_body_bytes};
}

inline PatternCheck free_patterned(void* block) {
  const PatternCheck check = check_patterned(block);
  ha_free(block);
  return check;
}

// Reallocates to new_size_bytes, checks the prefix realloc must keep, then rewrites the block
// with new_seed. Returns null (and leaves the block alone) when realloc fails.
inline void* resize_patterned(void* block, std::size_t new_size_bytes, std::uint64_t new_seed, PatternCheck* kept) {
  new_size_bytes = std::max(new_size_bytes, MIN_PATTERNED_BYTES);
  void* resized = ha_realloc(block, new_size_bytes);
  if (resized != nullptr) {
    *kept = check_patterned(resized, new_size_bytes);
    write_patterned(resized, new_size_bytes, new_seed);
  }
  return resized;
}

}  // namespace hardalloc_test
