// Workload 10: many live large blocks, then a mass free.
//
// Rounds of: allocate 2,000 blocks of 64 KiB .. 1 MiB (and 1 in 10 an over-aligned block of
// 64 B at 4 .. 64 KiB), one byte written per 64 KiB as a program touches a buffer it fills
// lazily; check and free them all in random order, with a 15 ms pause after the first eighth
// (so purge passes run in the middle of the mass free). Allocators that give each large or
// over-aligned block its own mapping, or purge by walking every free segment, fall behind here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <thread>
#include <utility>
#include <vector>

#include "arguments.h"
#include "failure.h"
#include "rng.h"
#include "slot.h"

namespace {

constexpr std::size_t KIB = 1024;
constexpr std::size_t MIB = 1024 * KIB;
constexpr std::size_t LIVE_COUNT = 2'000;
constexpr std::size_t ROUNDS_AT_SCALE_ONE = 4;
constexpr std::size_t TOUCH_STRIDE_BYTES = 64 * KIB;
constexpr const char* SUMMARY = "many live large and over-aligned blocks, then a mass free";

void fill_aligned(bench::Slot& slot, bench::Rng& rng) {
  const std::size_t alignment = std::size_t{4} * KIB << rng.below(5);
  slot.bytes = 64;
  slot.tag = rng.next();
  void* block = nullptr;
  if (posix_memalign(&block, alignment, slot.bytes) != 0) bench::fail("posix_memalign(%zu, 64) failed", alignment);
  if (reinterpret_cast<std::uintptr_t>(block) % alignment != 0)
    bench::fail("%p is not aligned to %zu", block, alignment);
  slot.block = block;
  bench::stamp(slot.block, slot.bytes, slot.tag);
}

void run_round(std::vector<bench::Slot>& live, bench::Rng& rng) {
  for (bench::Slot& slot : live) {
    if (rng.below(10) == 0) {
      fill_aligned(slot, rng);
      continue;
    }
    bench::fill_slot(slot, rng.between(64 * KIB, 1 * MIB), rng);
    auto* bytes = static_cast<unsigned char*>(slot.block);
    for (std::size_t offset = TOUCH_STRIDE_BYTES; offset + 16 < slot.bytes; offset += TOUCH_STRIDE_BYTES)
      bytes[offset] = 1;
  }
  for (std::size_t i = live.size() - 1; i > 0; --i) std::swap(live[i], live[rng.below(i + 1)]);
  for (std::size_t i = 0; i < live.size(); ++i) {
    if (i == live.size() / 8) std::this_thread::sleep_for(std::chrono::milliseconds(15));
    bench::empty_slot(live[i]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const double scale = bench::parse_scale(argc, argv, SUMMARY);
  bench::Rng rng(10);
  std::vector<bench::Slot> live(LIVE_COUNT);
  const std::size_t rounds = bench::scaled(ROUNDS_AT_SCALE_ONE, scale);
  for (std::size_t round = 0; round < rounds; ++round) run_round(live, rng);
  return 0;
}
