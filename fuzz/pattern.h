// The bytes the harness writes into a block and later expects to find there.
//
// A block's pattern is keyed by a seed that is unique per block (OpRunner hands out a new one
// for every fill), so a block whose contents moved to, or were swapped with, another block's no
// longer matches; and it is a function of the byte offset, never of the address, so a block
// moved by realloc keeps the pattern of its prefix. Seed 0 is the all-zero pattern of a
// calloc'd block. Word k (bytes 8k .. 8k+7, little-endian) is a mix of the seed and k, so
// writing and checking run word by word at memory speed.
//
// Coverage: blocks up to FULL_PATTERN_BYTES carry the pattern everywhere; larger ones on both
// EDGE_BYTES edges and up to MAX_SAMPLES_PER_BLOCK evenly spaced SAMPLE_BYTES spots, so a
// 32 MiB block costs tens of page faults, not thousands (page faults dominate run time).
//
// Slack: the bytes between the request and the usable size (shadow_model.h, LiveBlock) are
// covered on SLACK_EDGE_BYTES at each end, or all of them when there are fewer than twice that,
// by every check, full or quick: just past the request is where an allocator keeps a canary or
// the next header, and at the usable end a neighbouring block begins. A bound, because a size
// class may leave kilobytes of slack: covering all of it took 22% more instructions per stream
// on hardalloc.
//
// Depth: a FULL check reads every covered byte (at free, before and after realloc, at the end of
// a stream); a QUICK check (write, verify, verify_all) reads both QUICK_EDGE_BYTES edges and
// QUICK_SPOT_COUNT covered spots in between, chosen by a salt (the op index), so repeated checks
// of one block look at different places and the same input always looks at the same ones.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hafuzz {

inline constexpr std::size_t FULL_PATTERN_BYTES = 64 * 1024;
inline constexpr std::size_t EDGE_BYTES = 1024;
inline constexpr std::size_t SAMPLE_STRIDE_BYTES = 4096;
inline constexpr std::size_t SAMPLE_BYTES = 16;
inline constexpr std::size_t MAX_SAMPLES_PER_BLOCK = 8;
inline constexpr std::size_t QUICK_EDGE_BYTES = 128;
inline constexpr unsigned QUICK_SPOT_COUNT = 4;
inline constexpr std::size_t SLACK_EDGE_BYTES = 64;

enum class CheckDepth : std::uint8_t { QUICK, FULL };

// The pattern's byte at offset (for reports; the checks compare whole words).
std::uint8_t pattern_byte(std::uint64_t seed, std::size_t offset);

// Fills the covered ranges of a block of request_bytes with usable_bytes (>= request_bytes),
// from offset from_bytes on (a calloc'd block gets the zero pattern beyond its zeroed request).
void write_pattern(void* block, std::size_t request_bytes, std::size_t usable_bytes, std::uint64_t seed,
                   std::size_t from_bytes = 0);

// Returns the first offset below limit_bytes, among those the depth reads, whose byte differs
// from the pattern a block of request_bytes and usable_bytes was written with, or SIZE_MAX. The
// limit checks the prefix realloc must keep.
std::size_t find_pattern_mismatch(const void* block, std::size_t request_bytes, std::size_t usable_bytes,
                                  std::uint64_t seed, CheckDepth depth, std::uint64_t salt,
                                  std::size_t limit_bytes = SIZE_MAX);

}  // namespace hafuzz
