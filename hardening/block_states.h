// hardening: the allocated bit of every block of a segment, kept beside the pages in the segment
// header (never inside a block, where an overflow could forge it). One bit per block slot: a page
// holds at most MAX_BLOCKS_PER_PAGE blocks (64 KiB small pages of 16-byte blocks), so page i's
// bits are words [i * WORDS_PER_PAGE, (i + 1) * WORDS_PER_PAGE).
//
// Invariant: a block's bit is 1 exactly while the block is handed out to the program. malloc sets
// it and free clears it with one atomic read-modify-write each, so of two threads freeing one
// block exactly one sees the bit set; the other reports a double free.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace hardalloc {

inline constexpr size_t MAX_BLOCKS_PER_PAGE = (size_t{64} << 10) / 16;

template <size_t PAGE_COUNT>
class BlockStates {
 public:
  static constexpr size_t WORDS_PER_PAGE = MAX_BLOCKS_PER_PAGE / 64;

  // Marks block `index` of page `page` allocated; returns false when it already was (a block
  // handed out twice: the free list was corrupted).
  bool set_allocated(size_t page, size_t index) {
    // relaxed: the bit orders nothing; the block itself is handed over by the free lists' own
    // synchronisation. The RMW makes concurrent flips of other bits of the word safe.
    const uint64_t bit = uint64_t{1} << (index % 64);
    return (word(page, index).fetch_or(bit, std::memory_order_relaxed) & bit) == 0;
  }
  // Marks block `index` free; returns false when it was not allocated (a double free).
  bool set_free(size_t page, size_t index) {
    const uint64_t bit = uint64_t{1} << (index % 64);
    return (word(page, index).fetch_and(~bit, std::memory_order_relaxed) & bit) != 0;  // relaxed: as above
  }
  bool is_allocated(size_t page, size_t index) const {
    // relaxed: as above; a checker reads a block it was handed, ordered by that hand-off.
    return (words_[page * WORDS_PER_PAGE + index / 64].load(std::memory_order_relaxed) >> (index % 64)) & 1;
  }
  // A page taken into use starts with every block free.
  void clear_page(size_t page) {
    // relaxed: the page is free, so no other thread reads its bits until it is handed out.
    for (size_t i = 0; i < WORDS_PER_PAGE; ++i) words_[page * WORDS_PER_PAGE + i].store(0, std::memory_order_relaxed);
  }

 private:
  std::atomic<uint64_t>& word(size_t page, size_t index) { return words_[page * WORDS_PER_PAGE + index / 64]; }
  std::atomic<uint64_t> words_[PAGE_COUNT * WORDS_PER_PAGE];
};

// The member a Segment has when the mitigation is off: takes no space ([[no_unique_address]]).
struct NoBlockStates {};

}  // namespace hardalloc
