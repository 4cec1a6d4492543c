#include "random_streams.h"

#include "op_binary.h"
#include "swarm_generator.h"

namespace hafuzz {
namespace {

constexpr std::uint64_t SWARM_BYTES_PER_OP = 4;

}  // namespace

RandomStreams::RandomStreams(std::uint64_t seed, std::uint64_t max_bytes, unsigned thread_count)
    : random_(seed), max_bytes_(max_bytes), thread_count_(thread_count) {}

const std::vector<std::uint8_t>& RandomStreams::next() {
  const bool swarm = index_++ % 2 == 1;
  if (swarm) {
    generate_swarm_stream(random_, 1 + random_() % (max_bytes_ / SWARM_BYTES_PER_OP + 1), stream_.get());
  } else {
    bytes_.resize(1 + random_() % max_bytes_);
    for (std::uint8_t& byte : bytes_) byte = static_cast<std::uint8_t>(random_());
    if (thread_count_ == 0) return bytes_;
    decode_op_stream(bytes_.data(), bytes_.size(), stream_.get());
  }
  if (thread_count_ != 0) {  // every op's threads reduced modulo the count, as the decoder does
    stream_->thread_count = thread_count_;
    for (unsigned i = 0; i < stream_->op_count; ++i) {
      stream_->ops[i].thread = static_cast<std::uint8_t>(stream_->ops[i].thread % thread_count_);
      if (op_info(stream_->ops[i].kind).fields & FIELD_TO_THREAD) {
        stream_->ops[i].to_thread = static_cast<std::uint8_t>(stream_->ops[i].to_thread % thread_count_);
      }
    }
  }
  bytes_ = encode_op_stream(*stream_);
  return bytes_;
}

}  // namespace hafuzz
