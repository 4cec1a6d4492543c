// Workload 6: realloc growth of many buffers at once, as vectors and strings grow.
//
// Each round, BUFFER_COUNT buffers grow in interleaved steps (so a neighbour is often in the
// way of growing in place): first by doubling up to a random capacity (a vector), then a second
// set by small appends up to a few KiB (a string builder), then all shrink by halving. Every
// byte a buffer gains is written with the buffer's pattern byte; each realloc checks the old
// contents' first and last byte, and each buffer is checked whole before it is freed.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "arguments.h"
#include "failure.h"
#include "rng.h"
#include "stamp.h"

namespace {

constexpr std::size_t BUFFER_COUNT = 512;
constexpr std::size_t INITIAL_BYTES = 16;
constexpr std::size_t MAX_DOUBLING_BYTES = std::size_t{64} << 10;
constexpr std::size_t MAX_APPEND_BYTES = 4096;
constexpr std::size_t MAX_APPEND_STEP_BYTES = 64;
constexpr std::size_t ROUNDS_AT_SCALE_ONE = 30;

struct Buffer {
  unsigned char* data = nullptr;
  std::size_t bytes = 0;
  std::size_t target_bytes = 0;
  unsigned char pattern = 0;
};

bool holds_pattern(const Buffer& buffer, std::size_t bytes) {
  for (std::size_t index = 0; index < bytes; ++index) {
    if (buffer.data[index] != buffer.pattern) return false;
  }
  return true;
}

// Resizes to new_bytes, checks what realloc kept and writes the pattern into any new bytes.
void resize(Buffer& buffer, std::size_t new_bytes) {
  void* moved = std::realloc(buffer.data, new_bytes);
  buffer.data = static_cast<unsigned char*>(bench::require_block(moved, new_bytes));
  const std::size_t kept_bytes = buffer.bytes < new_bytes ? buffer.bytes : new_bytes;
  if (buffer.data[0] != buffer.pattern || buffer.data[kept_bytes - 1] != buffer.pattern) {
    bench::fail("realloc from %zu to %zu bytes lost contents", buffer.bytes, new_bytes);
  }
  if (new_bytes > buffer.bytes) std::memset(buffer.data + buffer.bytes, buffer.pattern, new_bytes - buffer.bytes);
  buffer.bytes = new_bytes;
}

std::vector<Buffer> make_buffers(bench::Rng& rng, std::size_t max_target_bytes) {
  std::vector<Buffer> buffers(BUFFER_COUNT);
  for (Buffer& buffer : buffers) {
    buffer.pattern = static_cast<unsigned char>(rng.next());
    buffer.target_bytes = rng.between(INITIAL_BYTES, max_target_bytes);
    buffer.data = static_cast<unsigned char*>(bench::require_block(std::malloc(INITIAL_BYTES), INITIAL_BYTES));
    std::memset(buffer.data, buffer.pattern, INITIAL_BYTES);
    buffer.bytes = INITIAL_BYTES;
  }
  return buffers;
}

// Grows every buffer one step per pass, interleaved, until each has reached its target.
template <class NextBytes>
void grow_interleaved(std::vector<Buffer>& buffers, NextBytes next_bytes) {
  for (bool growing = true; growing;) {
    growing = false;
    for (Buffer& buffer : buffers) {
      if (buffer.bytes >= buffer.target_bytes) continue;
      resize(buffer, next_bytes(buffer));
      growing = true;
    }
  }
}

void shrink_and_free(std::vector<Buffer>& buffers) {
  for (Buffer& buffer : buffers) {
    while (buffer.bytes > INITIAL_BYTES) resize(buffer, buffer.bytes / 2);
    if (!holds_pattern(buffer, buffer.bytes)) bench::fail("buffer lost its contents while shrinking");
    std::free(buffer.data);
  }
}

void run_round(bench::Rng& rng) {
  std::vector<Buffer> vectors = make_buffers(rng, MAX_DOUBLING_BYTES);
  grow_interleaved(vectors, [](const Buffer& buffer) { return buffer.bytes * 2; });
  std::vector<Buffer> strings = make_buffers(rng, MAX_APPEND_BYTES);
  grow_interleaved(strings,
                   [&rng](const Buffer& buffer) { return buffer.bytes + rng.between(1, MAX_APPEND_STEP_BYTES); });
  for (const std::vector<Buffer>* set : {&vectors, &strings}) {
    for (const Buffer& buffer : *set) {
      if (!holds_pattern(buffer, buffer.bytes))
        bench::fail("a grown buffer of %zu bytes lost its contents", buffer.bytes);
    }
  }
  shrink_and_free(vectors);
  shrink_and_free(strings);
}

}  // namespace

constexpr const char* SUMMARY = "realloc growth of many buffers at once, as vectors and strings grow (workload 6).";

int main(int argc, char** argv) {
  const std::size_t round_count = bench::scaled(ROUNDS_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  bench::Rng rng(6);
  for (std::size_t round = 0; round < round_count; ++round) run_round(rng);
  return 0;
}
