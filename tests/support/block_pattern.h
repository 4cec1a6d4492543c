// A byte pattern derived from a seed, written into a block when it is handed out and checked
// when it is freed, so that any overlap, lost byte or stray write shows up as a mismatch.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hardalloc_test {

// The pattern is a sequence of 64-bit words, word k being seed + k * ODD_STEP, laid out in
// native byte order from the block's first byte; blocks with different seeds differ in every
// word, so overlapping blocks never both check out.
void fill_pattern(void* block, std::size_t size_bytes, std::uint64_t seed);

// Offset of the first byte that differs from the pattern, or size_bytes when all match.
std::size_t first_pattern_mismatch(const void* block, std::size_t size_bytes, std::uint64_t seed);

}  // namespace hardalloc_test
