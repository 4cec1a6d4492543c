// Workload 7: large blocks, huge blocks and aligned blocks.
//
// Three phases, each over a small window of live blocks replaced at random: large blocks
// (64 KiB .. 1 MiB) with every page written, as a program uses them; huge blocks (16 .. 64 MiB)
// with one write every 64 KiB; and aligned blocks of 16 B .. 8 KiB at alignments 32 B .. 4 MiB
// (mostly small ones) from aligned_alloc and posix_memalign. Each block is stamped and checked
// before it is freed, and aligned blocks are checked for their alignment.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "arguments.h"
#include "failure.h"
#include "rng.h"
#include "slot.h"

namespace {

constexpr std::size_t KIB = 1024;
constexpr std::size_t MIB = 1024 * KIB;

struct Phase {
  std::size_t window_count;  // blocks live at once
  std::size_t operations_at_scale_one;
  std::size_t min_bytes;
  std::size_t max_bytes;
  std::size_t write_stride_bytes;  // one byte written per stride, as a program touches memory
};

constexpr Phase LARGE{8, 20'000, 64 * KIB, 1 * MIB, 4 * KIB};
constexpr Phase HUGE{2, 40, 16 * MIB, 64 * MIB, 64 * KIB};

constexpr std::size_t ALIGNED_WINDOW_COUNT = 64;
constexpr std::size_t ALIGNED_OPERATIONS_AT_SCALE_ONE = 800'000;
constexpr std::size_t ALIGNED_MIN_BYTES = 16;
constexpr std::size_t ALIGNED_MAX_BYTES = 8 * KIB;
constexpr std::size_t MAX_SMALL_ALIGNMENT_SHIFT = 12;  // up to 4 KiB: 90% of requests
constexpr std::size_t MAX_ALIGNMENT_SHIFT = 22;        // up to 4 MiB

void touch(bench::Slot& slot, std::size_t stride_bytes) {
  auto* bytes = static_cast<unsigned char*>(slot.block);
  for (std::size_t offset = 0; offset < slot.bytes; offset += stride_bytes) bytes[offset] = 1;
  bench::stamp(slot.block, slot.bytes, slot.tag);
}

void run_sized_phase(const Phase& phase, double scale, bench::Rng& rng) {
  std::vector<bench::Slot> window(phase.window_count);
  const std::size_t operation_count = bench::scaled(phase.operations_at_scale_one, scale);
  for (std::size_t operation = 0; operation < operation_count; ++operation) {
    bench::Slot& slot = window[rng.below(phase.window_count)];
    if (slot.block != nullptr) bench::empty_slot(slot);
    bench::fill_slot(slot, rng.between(phase.min_bytes, phase.max_bytes), rng);
    touch(slot, phase.write_stride_bytes);
  }
  for (bench::Slot& slot : window) {
    if (slot.block != nullptr) bench::empty_slot(slot);
  }
}

std::size_t draw_alignment(bench::Rng& rng) {
  const std::size_t max_shift = rng.below(10) == 0 ? MAX_ALIGNMENT_SHIFT : MAX_SMALL_ALIGNMENT_SHIFT;
  return std::size_t{1} << rng.between(5, max_shift);
}

// aligned_alloc for alignments up to a page (with the size a multiple of the alignment, which
// strict implementations demand), posix_memalign for the rest.
void* allocate_aligned(std::size_t alignment, std::size_t bytes) {
  if (alignment <= 4 * KIB) return std::aligned_alloc(alignment, bytes);
  void* block = nullptr;
  return posix_memalign(&block, alignment, bytes) == 0 ? block : nullptr;
}

void run_aligned_phase(double scale, bench::Rng& rng) {
  std::vector<bench::Slot> window(ALIGNED_WINDOW_COUNT);
  const std::size_t operation_count = bench::scaled(ALIGNED_OPERATIONS_AT_SCALE_ONE, scale);
  for (std::size_t operation = 0; operation < operation_count; ++operation) {
    bench::Slot& slot = window[rng.below(ALIGNED_WINDOW_COUNT)];
    if (slot.block != nullptr) bench::empty_slot(slot);
    const std::size_t alignment = draw_alignment(rng);
    const std::size_t requested_bytes = rng.between(ALIGNED_MIN_BYTES, ALIGNED_MAX_BYTES);
    slot.bytes = (requested_bytes + alignment - 1) / alignment * alignment;
    slot.tag = rng.next();
    slot.block = bench::require_block(allocate_aligned(alignment, slot.bytes), slot.bytes);
    if (reinterpret_cast<std::uintptr_t>(slot.block) % alignment != 0) {
      bench::fail("block %p is not aligned to %zu", slot.block, alignment);
    }
    bench::stamp(slot.block, slot.bytes, slot.tag);
  }
  for (bench::Slot& slot : window) {
    if (slot.block != nullptr) bench::empty_slot(slot);
  }
}

}  // namespace

constexpr const char* SUMMARY = "large, huge and aligned blocks replaced at random (workload 7).";

int main(int argc, char** argv) {
  const double scale = bench::parse_scale(argc, argv, SUMMARY);
  bench::Rng rng(7);
  run_sized_phase(LARGE, scale, rng);
  run_sized_phase(HUGE, scale, rng);
  run_aligned_phase(scale, rng);
  return 0;
}
