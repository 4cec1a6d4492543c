#include "op_mutator.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "op_binary.h"
#include "swarm_generator.h"

namespace hafuzz {
namespace {

constexpr std::size_t SWARM_BYTES_PER_OP = 4;  // a fresh stream gets up to max_size / 4 ops, as in random_streams.cpp
constexpr unsigned MIN_INSERTED_OPS = 2;       // a contention run is pairs: allocate, hand off
constexpr unsigned MAX_INSERTED_OPS = 16;
constexpr unsigned MAX_SPAN_OPS = 16;
constexpr unsigned MAX_SIZE_DELTA = 16;
constexpr unsigned MAX_POWER_SHIFT = 25;  // 32 MiB, the decoder's largest size-class boundary
constexpr unsigned MAX_ALIGN_SHIFT = 22;  // 4 MiB, the largest alignment required (op.h)
constexpr std::size_t MIN_CLASS_STEP_BYTES = 16;
constexpr std::size_t DEFAULT_ALIGN_BYTES = 16;

// Fresh swarm streams are the random generator's strength, so they weigh most.
enum class Mutation { FRESH_STREAM, INSERT_RUN, CHANGE_OPERAND, DELETE_SPAN, DUPLICATE_SPAN, BYTES };
constexpr struct {
  Mutation mutation;
  unsigned weight;
} MUTATION_WEIGHTS[] = {
    {Mutation::FRESH_STREAM, 6}, {Mutation::INSERT_RUN, 2},     {Mutation::CHANGE_OPERAND, 3},
    {Mutation::DELETE_SPAN, 1},  {Mutation::DUPLICATE_SPAN, 1}, {Mutation::BYTES, 2},
};

enum class Operand { SIZE, COUNT, ALIGN, SLOT, THREAD, KIND, THREAD_COUNT };
constexpr unsigned OPERAND_CHOICES = static_cast<unsigned>(Operand::THREAD_COUNT) + 1;

constexpr OpKind ALLOCATING_KINDS[] = {
    OpKind::MALLOC,         OpKind::CALLOC,      OpKind::REALLOC,     OpKind::REALLOCARRAY, OpKind::ALIGNED_ALLOC,
    OpKind::POSIX_MEMALIGN, OpKind::MEMALIGN,    OpKind::VALLOC,      OpKind::PVALLOC,      OpKind::NEW,
    OpKind::NEW_ARRAY,      OpKind::NEW_ALIGNED, OpKind::NEW_NOTHROW,
};
constexpr unsigned ALLOCATING_KIND_COUNT = sizeof ALLOCATING_KINDS / sizeof ALLOCATING_KINDS[0];

bool is_allocating(OpKind kind) {
  return std::find(ALLOCATING_KINDS, ALLOCATING_KINDS + ALLOCATING_KIND_COUNT, kind) !=
         ALLOCATING_KINDS + ALLOCATING_KIND_COUNT;
}

class Mutator {
 public:
  explicit Mutator(unsigned seed) : random_(seed) {}

  std::size_t below(std::size_t bound) { return bound <= 1 ? 0 : static_cast<std::size_t>(random_() % bound); }

  Mutation choose_mutation(bool have_byte_mutator) {
    unsigned total = 0;
    for (const auto& entry : MUTATION_WEIGHTS) {
      if (entry.mutation != Mutation::BYTES || have_byte_mutator) total += entry.weight;
    }
    std::size_t pick = below(total);
    for (const auto& entry : MUTATION_WEIGHTS) {
      if (entry.mutation == Mutation::BYTES && !have_byte_mutator) continue;
      if (pick < entry.weight) return entry.mutation;
      pick -= entry.weight;
    }
    return Mutation::FRESH_STREAM;  // not reached: pick < total
  }

  // Its length is log-uniform up to what max_size holds: as many short streams as long ones
  // per doubling, so most inputs stay short (cheap to run, and libFuzzer's length control keeps
  // its meaning) while long ones, which a bug confined to one size class needs, still come.
  void fresh_stream(std::size_t max_size, OpStream* stream) {
    const auto longest = static_cast<unsigned>(std::bit_width(max_size / SWARM_BYTES_PER_OP + 1));
    const std::size_t limit = std::size_t{1} << below(longest + 1);
    const std::size_t op_count = 1 + below(std::min(limit, max_size / SWARM_BYTES_PER_OP + 1));
    generate_swarm_stream(random_, static_cast<unsigned>(std::min<std::size_t>(op_count, MAX_OPS)), stream);
  }

  // Ops from a stream of their own configuration, their threads reduced to the stream's.
  void insert_run(OpStream* stream, OpStream* run) {
    generate_swarm_stream(random_, static_cast<unsigned>(MIN_INSERTED_OPS + below(MAX_INSERTED_OPS - 1)), run);
    for (unsigned i = 0; i < run->op_count; ++i) reduce_threads(run->ops[i], stream->thread_count);
    insert_ops(stream, static_cast<unsigned>(below(stream->op_count + 1)), run->ops, run->op_count);
  }

  void delete_span(OpStream* stream) {
    const unsigned length = span_length(stream->op_count);
    const unsigned start = static_cast<unsigned>(below(stream->op_count - length + 1));
    std::copy(stream->ops + start + length, stream->ops + stream->op_count, stream->ops + start);
    stream->op_count -= length;
  }

  void duplicate_span(OpStream* stream) {
    const unsigned length = span_length(stream->op_count);
    const unsigned start = static_cast<unsigned>(below(stream->op_count - length + 1));
    std::vector<Op> copy(stream->ops + start, stream->ops + start + length);
    insert_ops(stream, start + length, copy.data(), length);
  }

  // Changes one operand of one op (or the stream's thread count) to a different value.
  void change_operand(OpStream* stream) {
    Op& op = stream->ops[below(stream->op_count)];
    const std::uint8_t fields = op_info(op.kind).fields;
    for (;;) {
      switch (static_cast<Operand>(below(OPERAND_CHOICES))) {
        case Operand::SIZE:
          if (!(fields & FIELD_SIZE)) continue;
          op.size = nearby_size(op.size);
          return;
        case Operand::COUNT:
          if (!(fields & FIELD_COUNT)) continue;
          op.count = nearby_size(op.count);
          return;
        case Operand::ALIGN:
          if (!(fields & FIELD_ALIGN)) continue;
          op.align = other_power_of_two(op.align, MAX_ALIGN_SHIFT);
          return;
        case Operand::SLOT:
          if (!(fields & FIELD_SLOT)) continue;
          op.slot = static_cast<std::uint8_t>((op.slot + 1 + below(SLOT_COUNT - 1)) % SLOT_COUNT);
          return;
        case Operand::THREAD:
          if (stream->thread_count == 1) continue;
          op.thread =
              static_cast<std::uint8_t>((op.thread + 1 + below(stream->thread_count - 1)) % stream->thread_count);
          return;
        case Operand::KIND:
          if (!is_allocating(op.kind)) continue;
          change_allocating_kind(op);
          return;
        case Operand::THREAD_COUNT:
          change_thread_count(stream);
          return;
      }
    }
  }

 private:
  unsigned span_length(unsigned op_count) {
    return static_cast<unsigned>(1 + below(std::min<unsigned>(MAX_SPAN_OPS, op_count)));
  }

  // Keeps the stream's invariant op_count <= MAX_OPS by dropping what does not fit.
  static void insert_ops(OpStream* stream, unsigned at, const Op* ops, unsigned count) {
    count = std::min(count, MAX_OPS - stream->op_count);
    std::copy_backward(stream->ops + at, stream->ops + stream->op_count, stream->ops + stream->op_count + count);
    std::copy(ops, ops + count, stream->ops + at);
    stream->op_count += count;
  }

  static void reduce_threads(Op& op, unsigned thread_count) {
    op.thread = static_cast<std::uint8_t>(op.thread % thread_count);
    if (op_info(op.kind).fields & FIELD_TO_THREAD)
      op.to_thread = static_cast<std::uint8_t>(op.to_thread % thread_count);
  }

  // A neighbouring size-class boundary (multiples of 16 up to 64 bytes, then four classes per
  // doubling, as in jemalloc and mimalloc), a small step, or a power of two; never `size`.
  std::size_t nearby_size(std::size_t size) {
    std::size_t next = size;
    switch (below(3)) {
      case 0: {
        const unsigned width = size == 0 ? 0 : 64 - static_cast<unsigned>(__builtin_clzll(size));
        const std::size_t step = std::max(MIN_CLASS_STEP_BYTES, width < 3 ? 0 : std::size_t{1} << (width - 3));
        next = below(2) == 0 ? (size / step + 1) * step : (size == 0 ? 0 : (size - 1) / step * step);
        break;
      }
      case 1: {
        const std::size_t delta = 1 + below(MAX_SIZE_DELTA);
        next = below(2) == 0 ? size + delta : (size > delta ? size - delta : 0);
        break;
      }
      default:
        next = other_power_of_two(size, MAX_POWER_SHIFT);
        break;
    }
    return next != size ? next : size + 1;
  }

  std::size_t other_power_of_two(std::size_t value, unsigned max_shift) {
    const std::size_t next = std::size_t{1} << below(max_shift + 1);
    return next != value ? next : (next == 1 ? 2 : next / 2);
  }

  // A new kind reads the operands its allocation needs; those it does not read become zero (op.h).
  void change_allocating_kind(Op& op) {
    unsigned index = 0;
    while (ALLOCATING_KINDS[index] != op.kind) ++index;
    op.kind = ALLOCATING_KINDS[(index + 1 + below(ALLOCATING_KIND_COUNT - 1)) % ALLOCATING_KIND_COUNT];
    const std::uint8_t fields = op_info(op.kind).fields;
    if (!(fields & FIELD_COUNT)) op.count = 0;
    if (fields & FIELD_COUNT && op.count == 0) op.count = 1;
    if (!(fields & FIELD_ALIGN)) op.align = 0;
    if (fields & FIELD_ALIGN && op.align == 0) op.align = DEFAULT_ALIGN_BYTES;
  }

  void change_thread_count(OpStream* stream) {
    stream->thread_count = 1 + (stream->thread_count + below(MAX_THREADS - 1)) % MAX_THREADS;
    for (unsigned i = 0; i < stream->op_count; ++i) reduce_threads(stream->ops[i], stream->thread_count);
  }

  std::mt19937_64 random_;
};

// Two streams of 128 KiB each, kept across calls: allocating and zeroing them cost more than
// a mutation. One set per thread, so concurrent callers never share one.
struct Scratch {
  OpStream first;
  OpStream second;
};

Scratch& scratch() {
  thread_local const std::unique_ptr<Scratch> instance = std::make_unique<Scratch>();
  return *instance;
}

// Encodes the stream into out, dropping ops from its end until the encoding fits.
std::size_t encode_to_fit(OpStream* stream, std::uint8_t* out, std::size_t max_size) {
  if (max_size == 0) return 0;
  std::vector<std::uint8_t> bytes = encode_op_stream(*stream);
  while (bytes.size() > max_size) {
    const std::size_t scaled = stream->op_count * max_size / bytes.size();
    stream->op_count = static_cast<unsigned>(std::min<std::size_t>(stream->op_count - 1, scaled));
    bytes = encode_op_stream(*stream);
  }
  std::memcpy(out, bytes.data(), bytes.size());
  return bytes.size();
}

}  // namespace

std::size_t mutate_op_stream(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed,
                             ByteMutator byte_mutator) {
  Mutator mutator(seed);
  OpStream* stream = &scratch().first;
  size = std::min(size, max_size);
  Mutation mutation = mutator.choose_mutation(byte_mutator != nullptr);
  if (mutation == Mutation::BYTES) size = byte_mutator(data, size, max_size);
  decode_op_stream(data, size, stream);
  // An empty stream has no op to change or span to take: it grows instead.
  if (stream->op_count == 0 && mutation != Mutation::FRESH_STREAM && mutation != Mutation::BYTES) {
    mutation = Mutation::INSERT_RUN;
  }
  switch (mutation) {
    case Mutation::FRESH_STREAM:
      mutator.fresh_stream(max_size, stream);
      break;
    case Mutation::INSERT_RUN:
      mutator.insert_run(stream, &scratch().second);
      break;
    case Mutation::CHANGE_OPERAND:
      mutator.change_operand(stream);
      break;
    case Mutation::DELETE_SPAN:
      mutator.delete_span(stream);
      break;
    case Mutation::DUPLICATE_SPAN:
      mutator.duplicate_span(stream);
      break;
    case Mutation::BYTES:  // done before decoding
      break;
  }
  return encode_to_fit(stream, data, max_size);
}

std::size_t cross_over_op_streams(const std::uint8_t* first, std::size_t first_size, const std::uint8_t* second,
                                  std::size_t second_size, std::uint8_t* out, std::size_t max_out_size, unsigned seed) {
  Mutator mutator(seed);
  OpStream* prefix = &scratch().first;
  OpStream* suffix = &scratch().second;
  decode_op_stream(first, first_size, prefix);
  decode_op_stream(second, second_size, suffix);
  prefix->op_count = static_cast<unsigned>(mutator.below(prefix->op_count + 1));
  const unsigned cut = static_cast<unsigned>(mutator.below(suffix->op_count + 1));
  const unsigned taken = std::min(suffix->op_count - cut, MAX_OPS - prefix->op_count);
  std::copy(suffix->ops + cut, suffix->ops + cut + taken, prefix->ops + prefix->op_count);
  prefix->op_count += taken;
  prefix->thread_count = std::max(prefix->thread_count, suffix->thread_count);
  return encode_to_fit(prefix, out, max_out_size);
}

}  // namespace hafuzz
