// An AFL++ custom mutator (AFL_CUSTOM_MUTATOR_LIBRARY) for fuzz_ops inputs: afl-fuzz's own
// mutations run as well, and this adds op_mutator.h's, so AFL++ too gets fresh swarm streams
// and changes op by op. Built only by the afl preset, without AFL++ instrumentation: it is
// loaded into afl-fuzz, not into the target. tools/campaign.sh uses it for fuzz_ops.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "op_mutator.h"

namespace {

constexpr unsigned CROSS_OVER_ONE_IN = 4;  // of the mutations when afl-fuzz offers a second input
// libFuzzer's default -max_len: afl-fuzz offers up to 1 MiB, and longer streams run slower.
constexpr std::size_t MAX_INPUT_BYTES = 4096;

// One per afl-fuzz instance. Invariant: the last output stays in `output` until the next call,
// as afl-fuzz reads it through *out_buf.
struct AflOpMutator {
  std::mt19937 seeds;
  std::vector<std::uint8_t> output;
};

}  // namespace

extern "C" void* afl_custom_init(void* /*afl*/, unsigned int seed) { return new AflOpMutator{std::mt19937(seed), {}}; }

extern "C" std::size_t afl_custom_fuzz(void* data, std::uint8_t* buf, std::size_t buf_size, std::uint8_t** out_buf,
                                       std::uint8_t* add_buf, std::size_t add_buf_size, std::size_t max_size) {
  auto* mutator = static_cast<AflOpMutator*>(data);
  std::size_t size = 0;
  max_size = std::min(max_size, MAX_INPUT_BYTES);
  mutator->output.resize(std::max(max_size, buf_size));
  if (add_buf != nullptr && mutator->seeds() % CROSS_OVER_ONE_IN == 0) {
    size = hafuzz::cross_over_op_streams(buf, buf_size, add_buf, add_buf_size, mutator->output.data(), max_size,
                                         mutator->seeds());
  } else {
    std::copy(buf, buf + buf_size, mutator->output.begin());
    size = hafuzz::mutate_op_stream(mutator->output.data(), buf_size, max_size, mutator->seeds(), nullptr);
  }
  *out_buf = mutator->output.data();
  return size;
}

extern "C" void afl_custom_deinit(void* data) { delete static_cast<AflOpMutator*>(data); }
