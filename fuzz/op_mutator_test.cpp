// The op-level mutator keeps every output a canonical stream within the size limit, is a
// function of its seed, and does each of its mutations: a fresh stream, ops inserted,
// deleted or duplicated, one operand changed, bytes mutated, and two streams spliced.
#include "op_mutator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "op_binary.h"
#include "swarm_generator.h"

namespace hafuzz {
namespace {

constexpr std::size_t MAX_SIZE = 4096;
constexpr unsigned MARKED_OPS = 40;
constexpr unsigned SEEDS = 3000;

unsigned byte_mutator_calls = 0;

// Stands in for LLVMFuzzerMutate: deterministic, and it counts its calls.
std::size_t flip_last_byte(std::uint8_t* data, std::size_t size, std::size_t max_size) {
  ++byte_mutator_calls;
  if (size == 0) return max_size == 0 ? 0 : (data[0] = 1, 1);
  data[size - 1] ^= 0x5A;
  return size;
}

// An op a swarm stream almost never makes (one size in 8192 of its class, in its last slot):
// which mutation ran shows in how many of these survive.
Op marker_op() {
  Op op{};
  op.kind = OpKind::MALLOC;
  op.slot = 63;
  op.size = 12345;
  return op;
}

std::vector<std::uint8_t> marked_input(unsigned thread_count) {
  auto stream = std::make_unique<OpStream>();
  stream->thread_count = thread_count;
  stream->op_count = MARKED_OPS;
  std::fill(stream->ops, stream->ops + MARKED_OPS, marker_op());
  return encode_op_stream(*stream);
}

unsigned count_markers(const OpStream& stream) {
  return static_cast<unsigned>(std::count(stream.ops, stream.ops + stream.op_count, marker_op()));
}

std::vector<std::uint8_t> mutated(const std::vector<std::uint8_t>& input, std::size_t max_size, unsigned seed) {
  std::vector<std::uint8_t> buffer(std::max(max_size, input.size()));
  std::copy(input.begin(), input.end(), buffer.begin());
  buffer.resize(mutate_op_stream(buffer.data(), input.size(), max_size, seed, flip_last_byte));
  return buffer;
}

class OpMutatorTest : public ::testing::Test {
 protected:
  void expect_canonical(const std::vector<std::uint8_t>& bytes, std::size_t max_size, unsigned seed) {
    ASSERT_LE(bytes.size(), max_size) << "seed " << seed;
    ASSERT_GE(bytes.size(), 1u) << "seed " << seed;
    decode_op_stream(bytes.data(), bytes.size(), decoded.get());
    ASSERT_EQ(encode_op_stream(*decoded), bytes) << "not canonical, seed " << seed;
  }

  std::unique_ptr<OpStream> decoded = std::make_unique<OpStream>();
};

TEST_F(OpMutatorTest, OutputsAreCanonicalStreamsWithinTheLimit) {
  std::mt19937_64 random(11);
  auto swarm = std::make_unique<OpStream>();
  for (unsigned seed = 0; seed < SEEDS; ++seed) {
    std::vector<std::uint8_t> input;
    switch (seed % 4) {
      case 0:  // random bytes, not canonical
        input.resize(random() % 600);
        for (auto& byte : input) byte = static_cast<std::uint8_t>(random());
        break;
      case 1:
        generate_swarm_stream(random, 1 + random() % 300, swarm.get());
        input = encode_op_stream(*swarm);
        break;
      case 2:
        input = marked_input(1 + seed % MAX_THREADS);
        break;
      default:
        break;  // empty
    }
    for (const std::size_t max_size : {MAX_SIZE, std::size_t{64}, std::size_t{1}}) {
      const std::size_t limit = std::max(max_size, input.size());  // the engine's input never exceeds it
      expect_canonical(mutated(input, limit, seed), limit, seed);
    }
  }
}

TEST_F(OpMutatorTest, TheSameSeedGivesTheSameOutput) {
  const std::vector<std::uint8_t> input = marked_input(2);
  unsigned distinct = 0;
  for (unsigned seed = 0; seed < 200; ++seed) {
    const std::vector<std::uint8_t> once = mutated(input, MAX_SIZE, seed);
    EXPECT_EQ(once, mutated(input, MAX_SIZE, seed)) << "seed " << seed;
    if (once != mutated(input, MAX_SIZE, seed + 1)) ++distinct;
  }
  EXPECT_GT(distinct, 150u);
}

// Each mutation shows in the markers and ops it leaves: a fresh stream keeps no marker, an
// inserted run adds other ops, a deleted span leaves fewer markers only, a duplicated span
// more, an operand change one op's operand (to a size near 12345: the byte mutator's flip of
// the raw size's top byte makes a huge one) or the thread count, and the byte mutator is called.
TEST_F(OpMutatorTest, EveryMutationHappens) {
  const std::vector<std::uint8_t> input = marked_input(1);
  unsigned fresh = 0, inserted = 0, deleted = 0, duplicated = 0, operand = 0;
  byte_mutator_calls = 0;
  for (unsigned seed = 0; seed < SEEDS; ++seed) {
    const std::vector<std::uint8_t> output = mutated(input, MAX_SIZE, seed);
    decode_op_stream(output.data(), output.size(), decoded.get());
    const unsigned markers = count_markers(*decoded);
    const unsigned ops = decoded->op_count;
    if (markers == 0 && ops > 0) ++fresh;
    if (markers == MARKED_OPS && ops > MARKED_OPS) ++inserted;
    if (markers == ops && ops < MARKED_OPS) ++deleted;
    if (markers > MARKED_OPS && markers == ops) ++duplicated;
    const Op* changed =
        std::find_if(decoded->ops, decoded->ops + ops, [](const Op& op) { return !(op == marker_op()); });
    const bool one_changed = markers == MARKED_OPS - 1 && ops == MARKED_OPS && changed->size < (std::size_t{1} << 32);
    if (one_changed || (markers == ops && decoded->thread_count != 1)) ++operand;
  }
  // Each is chosen with weight 1 to 6 of 15; a third of the least is plenty of margin.
  const unsigned at_least = SEEDS / 15 / 3;
  EXPECT_GE(fresh, at_least);
  EXPECT_GE(inserted, at_least);
  EXPECT_GE(deleted, at_least);
  EXPECT_GE(duplicated, at_least);
  EXPECT_GE(operand, at_least);
  EXPECT_GE(byte_mutator_calls, at_least);
}

TEST_F(OpMutatorTest, OperandChangesKeepUnreadOperandsZero) {
  const std::vector<std::uint8_t> input = marked_input(3);
  unsigned kinds_changed = 0;
  for (unsigned seed = 0; seed < SEEDS; ++seed) {
    const std::vector<std::uint8_t> output = mutated(input, MAX_SIZE, seed);
    decode_op_stream(output.data(), output.size(), decoded.get());
    for (unsigned i = 0; i < decoded->op_count; ++i) {
      const Op& op = decoded->ops[i];
      const std::uint8_t fields = op_info(op.kind).fields;
      if (!(fields & FIELD_COUNT)) {
        ASSERT_EQ(op.count, 0u) << "seed " << seed;
      }
      if (!(fields & FIELD_ALIGN)) {
        ASSERT_EQ(op.align, 0u) << "seed " << seed;
      }
      if (op.slot == 63 && op.size == 12345 && op.kind != OpKind::MALLOC) ++kinds_changed;
    }
  }
  EXPECT_GT(kinds_changed, 0u);
}

TEST_F(OpMutatorTest, CrossOverSplicesAPrefixOfOneWithASuffixOfTheOther) {
  const std::vector<std::uint8_t> first = marked_input(1);
  auto stream = std::make_unique<OpStream>();
  stream->thread_count = 3;
  stream->op_count = MARKED_OPS;
  Op other = marker_op();
  other.kind = OpKind::FREE;
  other.size = 0;
  other.thread = 2;
  std::fill(stream->ops, stream->ops + MARKED_OPS, other);
  const std::vector<std::uint8_t> second = encode_op_stream(*stream);

  unsigned spliced = 0;
  for (unsigned seed = 0; seed < 500; ++seed) {
    for (const std::size_t max_size : {MAX_SIZE, std::size_t{100}}) {
      std::vector<std::uint8_t> out(max_size);
      out.resize(
          cross_over_op_streams(first.data(), first.size(), second.data(), second.size(), out.data(), max_size, seed));
      expect_canonical(out, max_size, seed);
      ASSERT_EQ(decoded->thread_count, 3u);
      // Every marker comes before every free.
      const Op* first_free = std::find(decoded->ops, decoded->ops + decoded->op_count, other);
      ASSERT_EQ(count_markers(*decoded), static_cast<unsigned>(first_free - decoded->ops)) << "seed " << seed;
      if (first_free != decoded->ops && first_free != decoded->ops + decoded->op_count) ++spliced;
    }
  }
  EXPECT_GT(spliced, 300u);
}

}  // namespace
}  // namespace hafuzz
