#include "op_binary.h"

#include <cstdint>

namespace hafuzz {
namespace {

// How many op kinds (op.h, in OpKind order) each version of the format decodes, by version.
// A kind byte means kind (byte % count) of its input's version, so adding an op never changes
// what an existing input means: append OP_KIND_COUNT here (a new version) when adding one.
constexpr unsigned KIND_COUNT_OF_VERSION[] = {21, 22, 28};
constexpr unsigned FORMAT_VERSION = sizeof(KIND_COUNT_OF_VERSION) / sizeof(KIND_COUNT_OF_VERSION[0]) - 1;
static_assert(KIND_COUNT_OF_VERSION[FORMAT_VERSION] == OP_KIND_COUNT,
              "a new op kind needs a new format version: append OP_KIND_COUNT to KIND_COUNT_OF_VERSION");
constexpr unsigned THREAD_BITS = 2;  // the header's low bits: thread count - 1
static_assert(MAX_THREADS == 1u << THREAD_BITS);

constexpr std::uint8_t SIZE_RAW_SELECTOR = 0xE0;  // mode 7, parameter 0
constexpr std::uint8_t ALIGN_RAW_SELECTOR = 0xFF;
constexpr std::uint8_t ALIGN_SPECIAL_FIRST = 0xC0;
constexpr unsigned MAX_ALIGN_SHIFT = 22;     // 1 << 22 = 4 MiB
constexpr unsigned MAX_BOUNDARY_SHIFT = 25;  // 2^25 = 32 MiB
constexpr std::size_t PAGE_BYTES = 4096;

// Alignments that are invalid, odd, or too large to be required (op.h).
constexpr std::size_t SPECIAL_ALIGNMENTS[] = {
    0,
    3,
    24,
    48,
    96,
    100,
    4095,
    4097,
    65535,
    3u << 20,
    8u << 20,
    std::size_t{1} << 30,
    std::size_t{1} << 62,
    std::size_t{1} << 63,
    SIZE_MAX,
};

// Reads bytes; past the end it yields zeros, so a truncated op still decodes.
class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size_bytes) : data_(data), size_(size_bytes) {}
  bool exhausted() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    for (unsigned i = 0; i < 8; ++i) value |= std::uint64_t{byte()} << (8 * i);
    return value;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

std::size_t decode_size(ByteReader& in) {
  const std::uint8_t selector = in.byte();
  const unsigned param = selector & 31u;
  switch (selector >> 5) {
    case 0:
      return param;
    case 1: {  // 2^k - 32 .. 2^k + 32
      const std::int64_t power = std::int64_t{1} << (param % (MAX_BOUNDARY_SHIFT + 1));
      const std::int64_t delta = static_cast<std::int64_t>(in.byte() % 65) - 32;
      return power + delta < 0 ? 0 : static_cast<std::size_t>(power + delta);
    }
    case 2:
      return param * 256u + in.byte();
    case 3: {
      const unsigned low = in.byte();
      return (std::size_t{param} << 16) | (std::size_t{in.byte()} << 8) | low;
    }
    case 4:  // large: 1..256 pages, times 1, 2, 4 or 8 (up to 8 MiB)
      return (in.byte() + 1u) * PAGE_BYTES << (param % 4);
    case 5:  // impossible: just below SIZE_MAX
      return SIZE_MAX - ((std::size_t{param} << 8) | in.byte());
    case 6:  // powers of two from 2^32: products of two overflow
      return std::size_t{1} << (32 + param);
    default:
      return param == 0 ? in.u64() : (std::size_t{param} << 16);  // else up to 2 MiB
  }
}

std::size_t decode_align(ByteReader& in) {
  const std::uint8_t selector = in.byte();
  if (selector < ALIGN_SPECIAL_FIRST) return std::size_t{1} << (selector % (MAX_ALIGN_SHIFT + 1));
  if (selector == ALIGN_RAW_SELECTOR) return in.u64();
  constexpr unsigned special_count = sizeof(SPECIAL_ALIGNMENTS) / sizeof(SPECIAL_ALIGNMENTS[0]);
  return SPECIAL_ALIGNMENTS[(selector - ALIGN_SPECIAL_FIRST) % special_count];
}

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t value) {
  for (unsigned i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

}  // namespace

void decode_op_stream(const std::uint8_t* data, std::size_t size_bytes, OpStream* out) {
  ByteReader in(data, size_bytes);
  const std::uint8_t header = in.byte();
  out->thread_count = 1 + header % MAX_THREADS;
  // A version this build does not know (a mutated header) reads as version 0: only inputs
  // whose version gets defined later change meaning, never those written by the encoder.
  const unsigned version = header >> THREAD_BITS;
  const unsigned kind_count = KIND_COUNT_OF_VERSION[version <= FORMAT_VERSION ? version : 0];
  out->op_count = 0;
  while (!in.exhausted() && out->op_count < MAX_OPS) {
    Op op{};
    op.kind = static_cast<OpKind>(in.byte() % kind_count);
    op.thread = static_cast<std::uint8_t>(in.byte() % out->thread_count);
    const std::uint8_t fields = op_info(op.kind).fields;
    if (fields & FIELD_SLOT) op.slot = static_cast<std::uint8_t>(in.byte() % SLOT_COUNT);
    if (fields & FIELD_COUNT) op.count = decode_size(in);
    if (fields & FIELD_ALIGN) op.align = decode_align(in);
    if (fields & FIELD_SIZE) op.size = decode_size(in);
    if (fields & FIELD_TO_THREAD) {
      op.to_thread = static_cast<std::uint8_t>(in.byte() % out->thread_count);
    }
    out->ops[out->op_count++] = op;
  }
}

std::vector<std::uint8_t> encode_op_stream(const OpStream& stream) {
  std::vector<std::uint8_t> out;
  out.push_back(static_cast<std::uint8_t>(FORMAT_VERSION << THREAD_BITS | (stream.thread_count - 1)));
  for (unsigned i = 0; i < stream.op_count; ++i) {
    const Op& op = stream.ops[i];
    out.push_back(static_cast<std::uint8_t>(op.kind));
    out.push_back(op.thread);
    const std::uint8_t fields = op_info(op.kind).fields;
    if (fields & FIELD_SLOT) out.push_back(op.slot);
    if (fields & FIELD_COUNT) {
      out.push_back(SIZE_RAW_SELECTOR);
      put_u64(out, op.count);
    }
    if (fields & FIELD_ALIGN) {
      out.push_back(ALIGN_RAW_SELECTOR);
      put_u64(out, op.align);
    }
    if (fields & FIELD_SIZE) {
      out.push_back(SIZE_RAW_SELECTOR);
      put_u64(out, op.size);
    }
    if (fields & FIELD_TO_THREAD) out.push_back(op.to_thread);
  }
  return out;
}

}  // namespace hafuzz
