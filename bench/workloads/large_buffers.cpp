// Workload 11: large buffers of 5 .. 25 MiB allocated, filled and freed in a loop.
//
// A program that reads files or messages into a fresh buffer each time: every round allocates
// one buffer of a random size, writes one byte in every 4 KiB (as a read() into it would touch
// every page), checks the stamp and frees it, keeping the two previous buffers live (a pipeline
// of three). An allocator that maps and unmaps each buffer takes a page fault for every page of
// every round; one that keeps recently freed mappings a while reuses them warm.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "arguments.h"
#include "failure.h"
#include "rng.h"
#include "slot.h"

namespace {

constexpr std::size_t MIB = std::size_t{1} << 20;
constexpr std::size_t MIN_BUFFER_BYTES = 5 * MIB;
constexpr std::size_t MAX_BUFFER_BYTES = 25 * MIB;
constexpr std::size_t PAGE_BYTES = 4096;
constexpr std::size_t PIPELINE_DEPTH = 3;
constexpr std::size_t ROUNDS_AT_SCALE_ONE = 60;
constexpr const char* SUMMARY = "large buffers of 5-25 MiB allocated, written page by page and freed in a loop";

// Writes one byte per page after the stamp's bytes, derived from the page index and the tag.
void touch_pages(const bench::Slot& slot) {
  auto* bytes = static_cast<unsigned char*>(slot.block);
  for (std::size_t offset = PAGE_BYTES; offset + PAGE_BYTES < slot.bytes; offset += PAGE_BYTES)
    bytes[offset] = static_cast<unsigned char>(slot.tag + offset / PAGE_BYTES);
}

void check_pages(const bench::Slot& slot) {
  const auto* bytes = static_cast<const unsigned char*>(slot.block);
  for (std::size_t offset = PAGE_BYTES; offset + PAGE_BYTES < slot.bytes; offset += PAGE_BYTES) {
    if (bytes[offset] != static_cast<unsigned char>(slot.tag + offset / PAGE_BYTES))
      bench::fail("buffer of %zu bytes lost the byte at offset %zu", slot.bytes, offset);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const double scale = bench::parse_scale(argc, argv, SUMMARY);
  bench::Rng rng(11);
  std::vector<bench::Slot> pipeline(PIPELINE_DEPTH);
  const std::size_t rounds = bench::scaled(ROUNDS_AT_SCALE_ONE, scale);
  for (std::size_t round = 0; round < rounds; ++round) {
    bench::Slot& slot = pipeline[round % PIPELINE_DEPTH];
    if (slot.block != nullptr) {
      check_pages(slot);
      bench::empty_slot(slot);
    }
    bench::fill_slot(slot, rng.between(MIN_BUFFER_BYTES, MAX_BUFFER_BYTES), rng);
    touch_pages(slot);
  }
  for (bench::Slot& slot : pipeline) {
    if (slot.block == nullptr) continue;
    check_pages(slot);
    bench::empty_slot(slot);
  }
  return 0;
}
