// The two forms of an op stream say the same thing: binary -> ops -> binary -> ops and
// ops -> text -> ops are identities, and malformed text is rejected with its line number.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "op_binary.h"
#include "op_text.h"

namespace hafuzz {
namespace {

bool same_stream(const OpStream& a, const OpStream& b) {
  if (a.thread_count != b.thread_count || a.op_count != b.op_count) return false;
  for (unsigned i = 0; i < a.op_count; ++i) {
    if (!(a.ops[i] == b.ops[i])) return false;
  }
  return true;
}

class OpCodecTest : public ::testing::Test {
 protected:
  std::unique_ptr<OpStream> decoded = std::make_unique<OpStream>();
  std::unique_ptr<OpStream> again = std::make_unique<OpStream>();
};

TEST_F(OpCodecTest, EncodeInvertsDecodeAndTextInvertsPrint) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::uint8_t> bytes(random() % 600);
    for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random());
    decode_op_stream(bytes.data(), bytes.size(), decoded.get());

    const std::vector<std::uint8_t> encoded = encode_op_stream(*decoded);
    decode_op_stream(encoded.data(), encoded.size(), again.get());
    ASSERT_TRUE(same_stream(*decoded, *again)) << "binary round trip, round " << round;

    std::string error;
    ASSERT_TRUE(parse_op_text(print_op_text(*decoded), again.get(), &error)) << error;
    ASSERT_TRUE(same_stream(*decoded, *again)) << "text round trip, round " << round;
  }
}

TEST_F(OpCodecTest, DecodingBiasesSizesTowardTheEdges) {
  // header, kind malloc, thread 0, slot 5, size selector "2^12 + delta", delta byte 0 = -32
  const std::uint8_t boundary[] = {0, 0, 0, 5, 0x2C, 0};
  decode_op_stream(boundary, sizeof boundary, decoded.get());
  ASSERT_EQ(decoded->op_count, 1u);
  EXPECT_EQ(decoded->ops[0].kind, OpKind::MALLOC);
  EXPECT_EQ(decoded->ops[0].slot, 5u);
  EXPECT_EQ(decoded->ops[0].size, 4096u - 32u);

  const std::uint8_t near_max[] = {0, 0, 0, 1, 0xA0, 3};
  decode_op_stream(near_max, sizeof near_max, decoded.get());
  EXPECT_EQ(decoded->ops[0].size, SIZE_MAX - 3);
}

// Version 0 (the header's bits 2-7 zero) chooses among the 21 kinds it was defined with, in
// every later build: kind byte 25 is 25 % 21 = 4, aligned_alloc. An unknown version reads as 0.
TEST_F(OpCodecTest, KindBytesKeepTheMeaningOfTheirFormatVersion) {
  for (const std::uint8_t header : {std::uint8_t{0x01}, std::uint8_t{0xFD}}) {
    const std::uint8_t stream[] = {header, 25, 1, 7, 0, 0};  // kind 25, thread 1, slot 7, align 1, size 0
    decode_op_stream(stream, sizeof stream, decoded.get());
    ASSERT_EQ(decoded->op_count, 1u);
    EXPECT_EQ(decoded->thread_count, 2u);
    EXPECT_EQ(decoded->ops[0].kind, OpKind::ALIGNED_ALLOC) << "header " << unsigned{header};
    EXPECT_EQ(decoded->ops[0].thread, 1u);
    EXPECT_EQ(decoded->ops[0].slot, 7u);
  }
}

TEST_F(OpCodecTest, TextNamesTheBadLine) {
  std::string error;
  EXPECT_FALSE(parse_op_text("threads 2\nmalloc t0 s1 size=8\nmallock t0 s1\n", decoded.get(), &error));
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
  EXPECT_FALSE(parse_op_text("malloc t1 s1 size=8\n", decoded.get(), &error));  // one thread
  EXPECT_FALSE(parse_op_text("free t0 s1 size=8\n", decoded.get(), &error));    // free has no size
  EXPECT_FALSE(parse_op_text("malloc t0 s64 size=8\n", decoded.get(), &error));
}

TEST_F(OpCodecTest, TextAcceptsCommentsAndHex) {
  std::string error;
  ASSERT_TRUE(parse_op_text("# a comment\nthreads 3\n\ncalloc t2 s9 count=0x10 size=4 # tail\n", decoded.get(), &error))
      << error;
  ASSERT_EQ(decoded->op_count, 1u);
  EXPECT_EQ(decoded->thread_count, 3u);
  EXPECT_EQ(decoded->ops[0].count, 16u);
  EXPECT_EQ(decoded->ops[0].thread, 2u);
}

}  // namespace
}  // namespace hafuzz
