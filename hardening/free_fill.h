// hardening: the fill of free blocks (Mitigation::free_fill).
//
// Every block a page holds free (carved and never handed out, or freed) carries the fill byte
// in [LINK_BYTES, min(block bytes, FREE_FILL_BYTES)); its first word is the free-list link.
// Invariant: a block on a free list, or in the quarantine, has its fill intact. The quarantine
// checks all of it when the block leaves, and malloc its first bytes again before handing the
// block out, so a write after free is reported (write-after-free).
// With zero_on_free=1 the fill byte is 0, so freed data does not linger in the heap.
#pragma once
#include <cstddef>
#include <cstdint>

#include "base/bits.h"
#include "hardening/report.h"

namespace hardalloc {

class FreeFill {
 public:
  // Whole blocks up to this size (the sizes of most objects) are filled and checked; larger ones
  // only their first FREE_FILL_BYTES, where a stale pointer's fields mostly lie.
  static constexpr size_t FREE_FILL_BYTES = 256;
  static constexpr size_t LINK_BYTES = sizeof(uintptr_t);
  static constexpr uint8_t PATTERN = 0xDF;  // odd and high: a filled pointer is never valid

  // The fill byte in force (zero_on_free); set once at process initialisation.
  static void init(bool zero_on_free) { byte_ = zero_on_free ? 0 : PATTERN; }

  __attribute__((no_sanitize("address"))) static void fill(void* block, size_t block_bytes) {
    const uint64_t word = broadcast();
    auto* p = static_cast<uint64_t*>(block);
    for (size_t i = 1; i < words(block_bytes); ++i) p[i] = word;
  }

  // True when the first `check_bytes` of the block (all of the filled part by default) still
  // hold the fill; else reports write-after-free (the first changed byte's offset from the block
  // start) and returns false: the caller then leaks the block.
  static bool check(void* block, size_t block_bytes, size_t check_bytes = FREE_FILL_BYTES) {
    const uint8_t* bad = first_bad_byte(block, block_bytes < check_bytes ? block_bytes : check_bytes);
    if (HA_LIKELY(bad == nullptr)) return true;
    BlockFacts facts;
    facts.address = bad;
    facts.block = block;
    facts.block_bytes = block_bytes;
    facts.detail = "a free block was written after it was freed";
    facts.number_name = "first changed byte at offset";
    facts.number = static_cast<size_t>(bad - static_cast<const uint8_t*>(block));
    report_heap_error(ReportKind::write_after_free, facts);
    return false;
  }

  // The first byte (from the block start) that is not the fill, or nullptr. The common case
  // (intact) is one pass that ORs the differences together, which the compiler vectorizes.
  __attribute__((no_sanitize("address"))) static const uint8_t* first_bad_byte(const void* block, size_t block_bytes) {
    const uint64_t word = broadcast();
    const auto* p = static_cast<const uint64_t*>(block);
    const size_t n = words(block_bytes);
    uint64_t differences = 0;
    for (size_t i = 1; i < n; ++i) differences |= p[i] ^ word;
    if (HA_LIKELY(differences == 0)) return nullptr;
    for (size_t i = 1; i < n; ++i) {
      if (p[i] != word) {
        const auto* bytes = reinterpret_cast<const uint8_t*>(p + i);
        for (size_t b = 0;; ++b) {
          if (bytes[b] != byte_) return bytes + b;
        }
      }
    }
    return nullptr;
  }

 private:
  // Blocks are multiples of 16 bytes, so whole words cover them.
  static size_t words(size_t block_bytes) {
    return (block_bytes < FREE_FILL_BYTES ? block_bytes : FREE_FILL_BYTES) / sizeof(uint64_t);
  }
  static uint64_t broadcast() { return uint64_t{byte_} * 0x0101010101010101ull; }
  // Written once at process initialisation (published by its release), read-only afterwards.
  static inline uint8_t byte_ = PATTERN;
};

}  // namespace hardalloc
