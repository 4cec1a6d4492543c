// Structure-aware mutation of op streams (op_binary.h) for coverage-guided engines: mutations
// at the level of ops, so that an engine is never weaker than the random generator
// (random_streams.h) even where it sees no coverage (an allocator library in a child process).
//
// Each mutation decodes its input, changes the ops and encodes them again, so every output is
// in canonical form (decode(encode(s)) == s, and its encoding is itself) and at most max_size
// bytes: ops are dropped from the end until it fits. A given seed (and byte mutator) always
// gives the same output.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hafuzz {

// libFuzzer's LLVMFuzzerMutate: mutates data[0, size) in place within max_size bytes and
// returns the new size. Passed in, so this file does not depend on an engine.
using ByteMutator = std::size_t (*)(std::uint8_t* data, std::size_t size, std::size_t max_size);

// Mutates data[0, size) in place into one of: a fresh swarm stream (swarm_generator.h); the
// input with a short swarm run inserted at an op boundary; the input with one op's operands
// changed (a size moved to a neighbouring size-class boundary, by a small delta or to a power
// of two; the alignment, slot, thread or allocating kind) or the stream's thread count; the
// input with a span of ops deleted or duplicated; or, when byte_mutator is not null, the
// input mutated byte by byte. Returns the new size (<= max_size; 0 only when max_size is 0).
std::size_t mutate_op_stream(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                             ByteMutator byte_mutator);

// Writes to out a prefix of the ops of `first` followed by a suffix of those of `second`, the
// cut points chosen by the seed; the result names the larger of their thread counts. Returns
// its size (<= max_out_size; 0 only when max_out_size is 0).
std::size_t cross_over_op_streams(const std::uint8_t* first, std::size_t first_size, const std::uint8_t* second,
                                  std::size_t second_size, std::uint8_t* out, std::size_t max_out_size, unsigned seed);

}  // namespace hafuzz
