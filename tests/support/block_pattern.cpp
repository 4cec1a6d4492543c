#include "block_pattern.h"

#include <cstring>

namespace hardalloc_test {
namespace {

constexpr std::uint64_t ODD_STEP = 0x9e3779b97f4a7c15;
constexpr std::size_t WORD_BYTES = sizeof(std::uint64_t);

std::uint64_t pattern_word(std::uint64_t seed, std::size_t word_index) { return seed + word_index * ODD_STEP; }

}  // namespace

void fill_pattern(void* block, std::size_t size_bytes, std::uint64_t seed) {
  auto* bytes = static_cast<unsigned char*>(block);
  const std::size_t whole_words = size_bytes / WORD_BYTES;
  for (std::size_t word_index = 0; word_index < whole_words; ++word_index) {
    const std::uint64_t word = pattern_word(seed, word_index);
    std::memcpy(bytes + word_index * WORD_BYTES, &word, WORD_BYTES);
  }
  const std::uint64_t tail = pattern_word(seed, whole_words);
  std::memcpy(bytes + whole_words * WORD_BYTES, &tail, size_bytes % WORD_BYTES);
}

std::size_t first_pattern_mismatch(const void* block, std::size_t size_bytes, std::uint64_t seed) {
  const auto* bytes = static_cast<const unsigned char*>(block);
  for (std::size_t offset = 0; offset < size_bytes; offset += WORD_BYTES) {
    const std::uint64_t expected = pattern_word(seed, offset / WORD_BYTES);
    const std::size_t compared_bytes = size_bytes - offset < WORD_BYTES ? size_bytes - offset : WORD_BYTES;
    if (std::memcmp(bytes + offset, &expected, compared_bytes) != 0) {
      const auto* expected_bytes = reinterpret_cast<const unsigned char*>(&expected);
      std::size_t byte = 0;
      while (bytes[offset + byte] == expected_bytes[byte]) {
        ++byte;
      }
      return offset + byte;
    }
  }
  return size_bytes;
}

}  // namespace hardalloc_test
