// Workload 8: fragmentation. Allocate a peak of small blocks, free nineteen in twenty of them in
// a scattered pattern, then allocate blocks of other (larger) sizes, which cannot reuse the small
// holes in an allocator that segregates sizes. Prints, for the driver, the RSS at the end and
// the bytes live then ("rss_end_kib=", "live_end_kib="); the driver adds the peak RSS.
#include <cstddef>
#include <cstdio>
#include <vector>

#include "arguments.h"
#include "rng.h"
#include "rss.h"
#include "slot.h"

namespace {

constexpr std::size_t PEAK_BYTES_AT_SCALE_ONE = 128u << 20;
constexpr std::size_t SURVIVOR_ONE_IN = 20;
constexpr std::size_t SMALL_MIN_BYTES = 16;
constexpr std::size_t SMALL_MAX_BYTES = 512;
constexpr std::size_t OTHER_MIN_BYTES = 600;
constexpr std::size_t OTHER_MAX_BYTES = 3000;
constexpr std::size_t OTHER_SHARE_OF_PEAK = 4;  // the later sizes total a quarter of the peak

// Fills slots with blocks of random sizes in [min_bytes, max_bytes] until total_bytes.
std::vector<bench::Slot> allocate_until(std::size_t total_bytes, std::size_t min_bytes, std::size_t max_bytes,
                                        bench::Rng& rng) {
  std::vector<bench::Slot> slots;
  for (std::size_t allocated = 0; allocated < total_bytes;) {
    bench::Slot slot;
    bench::fill_slot(slot, rng.between(min_bytes, max_bytes), rng);
    allocated += slot.bytes;
    slots.push_back(slot);
  }
  return slots;
}

std::size_t live_bytes(const std::vector<bench::Slot>& slots) {
  std::size_t total = 0;
  for (const bench::Slot& slot : slots) total += slot.block != nullptr ? slot.bytes : 0;
  return total;
}

void empty_all(std::vector<bench::Slot>& slots) {
  for (bench::Slot& slot : slots) {
    if (slot.block != nullptr) bench::empty_slot(slot);
  }
}

}  // namespace

constexpr const char* SUMMARY = "free most small blocks, then allocate larger ones: the RSS left (workload 8).";

int main(int argc, char** argv) {
  const std::size_t peak_bytes = bench::scaled(PEAK_BYTES_AT_SCALE_ONE, bench::parse_scale(argc, argv, SUMMARY));
  bench::Rng rng(8);
  std::vector<bench::Slot> small = allocate_until(peak_bytes, SMALL_MIN_BYTES, SMALL_MAX_BYTES, rng);
  for (bench::Slot& slot : small) {
    if (rng.below(SURVIVOR_ONE_IN) != 0) bench::empty_slot(slot);
  }
  std::vector<bench::Slot> other =
      allocate_until(peak_bytes / OTHER_SHARE_OF_PEAK, OTHER_MIN_BYTES, OTHER_MAX_BYTES, rng);

  std::printf("rss_end_kib=%zu\nlive_end_kib=%zu\n", bench::resident_kib(),
              (live_bytes(small) + live_bytes(other)) / 1024);
  empty_all(small);
  empty_all(other);
  return 0;
}
