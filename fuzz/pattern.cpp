#include "pattern.h"

#include <cstring>

#include "untraced.h"

namespace hafuzz {
namespace {

constexpr std::size_t WORD_BYTES = 8;

std::uint64_t pattern_word(std::uint64_t seed, std::size_t word_index) {
  if (seed == 0) return 0;
  const std::uint64_t mixed =
      (seed * 0xD6E8FEB86659FD93ull ^ word_index * 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull;
  return mixed ^ (mixed >> 31);
}

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t mixed = (a ^ (b * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
  return mixed ^ (mixed >> 29);
}

// Spacing of a sampled block's spots: evenly spaced, at most MAX_SAMPLES_PER_BLOCK of them.
std::size_t sample_stride(std::size_t size_bytes) {
  std::size_t stride = SAMPLE_STRIDE_BYTES;
  while (size_bytes / stride > MAX_SAMPLES_PER_BLOCK) stride *= 2;
  return stride;
}

// Calls fn(offset, length) for each range of a size_bytes block that the pattern covers.
template <class Fn>
void for_each_covered_range(std::size_t size_bytes, Fn&& fn) {
  if (size_bytes <= FULL_PATTERN_BYTES) {
    fn(std::size_t{0}, size_bytes);
    return;
  }
  const std::size_t stride = sample_stride(size_bytes);
  fn(std::size_t{0}, EDGE_BYTES);
  for (std::size_t offset = stride; offset < size_bytes - EDGE_BYTES; offset += stride) fn(offset, SAMPLE_BYTES);
  fn(size_bytes - EDGE_BYTES, EDGE_BYTES);
}

// The ranges a QUICK check reads: both edges and QUICK_SPOT_COUNT covered spots chosen by salt.
template <class Fn>
void for_each_quick_range(std::size_t size_bytes, std::uint64_t seed, std::uint64_t salt, Fn&& fn) {
  if (size_bytes <= 4 * QUICK_EDGE_BYTES) {
    fn(std::size_t{0}, size_bytes);
    return;
  }
  fn(std::size_t{0}, QUICK_EDGE_BYTES);
  for (unsigned spot = 0; spot < QUICK_SPOT_COUNT; ++spot) {
    const std::uint64_t choice = mix(mix(seed, salt), spot);
    if (size_bytes <= FULL_PATTERN_BYTES) {
      fn(choice % (size_bytes - QUICK_EDGE_BYTES), QUICK_EDGE_BYTES);
    } else {
      const std::size_t stride = sample_stride(size_bytes);
      const std::size_t spot_count = (size_bytes - EDGE_BYTES - 1) / stride;  // spots at stride * (1..count)
      fn(stride * (1 + choice % spot_count), SAMPLE_BYTES);
    }
  }
  fn(size_bytes - QUICK_EDGE_BYTES, QUICK_EDGE_BYTES);
}

// The slack's ranges: SLACK_EDGE_BYTES after the request and before the usable end (pattern.h).
template <class Fn>
void for_each_slack_range(std::size_t request_bytes, std::size_t usable_bytes, Fn&& fn) {
  const std::size_t slack_bytes = usable_bytes - request_bytes;
  if (slack_bytes <= 2 * SLACK_EDGE_BYTES) {
    if (slack_bytes != 0) fn(request_bytes, slack_bytes);
    return;
  }
  fn(request_bytes, SLACK_EDGE_BYTES);
  fn(usable_bytes - SLACK_EDGE_BYTES, SLACK_EDGE_BYTES);
}

std::uint8_t byte_of(std::uint64_t word, std::size_t offset) {
  return static_cast<std::uint8_t>(word >> (8 * (offset % WORD_BYTES)));
}

HA_FUZZ_UNTRACED void write_range(std::uint8_t* bytes, std::size_t offset, std::size_t end, std::uint64_t seed) {
  for (; offset < end && offset % WORD_BYTES != 0; ++offset) bytes[offset] = pattern_byte(seed, offset);
  for (; offset + WORD_BYTES <= end; offset += WORD_BYTES) {
    const std::uint64_t word = pattern_word(seed, offset / WORD_BYTES);
    std::memcpy(bytes + offset, &word, WORD_BYTES);
  }
  for (; offset < end; ++offset) bytes[offset] = pattern_byte(seed, offset);
}

HA_FUZZ_UNTRACED std::size_t find_in_range(const std::uint8_t* bytes, std::size_t offset, std::size_t end,
                                           std::uint64_t seed) {
  for (; offset < end && offset % WORD_BYTES != 0; ++offset) {
    if (bytes[offset] != pattern_byte(seed, offset)) return offset;
  }
  for (; offset + WORD_BYTES <= end; offset += WORD_BYTES) {
    std::uint64_t word;
    std::memcpy(&word, bytes + offset, WORD_BYTES);
    const std::uint64_t difference = word ^ pattern_word(seed, offset / WORD_BYTES);
    if (difference != 0) return offset + static_cast<std::size_t>(__builtin_ctzll(difference)) / 8;
  }
  for (; offset < end; ++offset) {
    if (bytes[offset] != pattern_byte(seed, offset)) return offset;
  }
  return SIZE_MAX;
}

}  // namespace

std::uint8_t pattern_byte(std::uint64_t seed, std::size_t offset) {
  return byte_of(pattern_word(seed, offset / WORD_BYTES), offset);
}

void write_pattern(void* block, std::size_t request_bytes, std::size_t usable_bytes, std::uint64_t seed,
                   std::size_t from_bytes) {
  auto* bytes = static_cast<std::uint8_t*>(block);
  const auto write = [&](std::size_t offset, std::size_t length) {
    const std::size_t end = offset + length;
    if (end > from_bytes) write_range(bytes, offset > from_bytes ? offset : from_bytes, end, seed);
  };
  for_each_covered_range(request_bytes, write);
  for_each_slack_range(request_bytes, usable_bytes, write);
}

std::size_t find_pattern_mismatch(const void* block, std::size_t request_bytes, std::size_t usable_bytes,
                                  std::uint64_t seed, CheckDepth depth, std::uint64_t salt, std::size_t limit_bytes) {
  const auto* bytes = static_cast<const std::uint8_t*>(block);
  std::size_t mismatch = SIZE_MAX;
  const auto check = [&](std::size_t offset, std::size_t length) {
    const std::size_t end = offset + length < limit_bytes ? offset + length : limit_bytes;
    if (mismatch == SIZE_MAX && offset < end) mismatch = find_in_range(bytes, offset, end, seed);
  };
  if (depth == CheckDepth::FULL) {
    for_each_covered_range(request_bytes, check);
  } else {
    for_each_quick_range(request_bytes, seed, salt, check);
  }
  for_each_slack_range(request_bytes, usable_bytes, check);
  return mismatch;
}

}  // namespace hafuzz
