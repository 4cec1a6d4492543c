// The one binary form of an op stream, read by every engine (libFuzzer, AFL++, replay).
//
// Layout: one header byte (bits 0-1: thread count - 1; bits 2-7: the format version, which
// fixes how many op kinds a kind byte chooses among: op_binary.cpp), then ops: a kind byte, a thread byte, and the
// operands the kind reads (op.h, OpInfo::fields) in the order slot, count, align, size,
// to_thread. Sizes and alignments use a selector byte that biases random bytes toward the
// values where allocators break (size-class boundaries 2^k +- 32, large and huge sizes,
// 0, values near SIZE_MAX, invalid alignments); selector 0xE0 (size) and 0xFF (alignment)
// carry the raw 8-byte value, which is what the encoder writes, so
// decode(encode(stream)) == stream for every stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "op.h"

namespace hafuzz {

// Never fails: every byte string is a stream. Allocates nothing.
void decode_op_stream(const std::uint8_t* data, std::size_t size_bytes, OpStream* out);

std::vector<std::uint8_t> encode_op_stream(const OpStream& stream);

}  // namespace hafuzz
