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
  // Bytes of a free block's fill checked again when malloc hands it out (check_head).
  static constexpr size_t HEAD_BYTES = 64;
  static constexpr uint8_t PATTERN = 0xDF;  // odd and high: a filled pointer is never valid

  // The fill byte in force (zero_on_free); set once at process initialisation.
  static void init(bool zero_on_free) {
    byte_ = zero_on_free ? 0 : PATTERN;
    word_ = uint64_t{byte_} * 0x0101010101010101ull;
  }

  __attribute__((no_sanitize("address"))) static void fill(void* block, size_t block_bytes) {
    auto* p = static_cast<uint8_t*>(block);
    const uint64_t word = broadcast();
    const Vec pattern = {word, word};
    __builtin_memcpy(p + LINK_BYTES, &word, sizeof(word));
    if (HA_LIKELY(block_bytes >= FREE_FILL_BYTES)) {  // the usual case: one unrolled run
#pragma GCC unroll 16
      for (size_t offset = sizeof(Vec); offset < FREE_FILL_BYTES; offset += sizeof(Vec))
        __builtin_memcpy(p + offset, &pattern, sizeof(Vec));
      return;
    }
    for (size_t offset = sizeof(Vec); offset < block_bytes; offset += sizeof(Vec))
      __builtin_memcpy(p + offset, &pattern, sizeof(Vec));
  }

  // True when all of the block's filled part still holds the fill (the quarantine's check, and
  // ha_check_heap's); else reports write-after-free (the first changed byte's offset from the
  // block start) and returns false: the caller then leaks the block.
  static bool check(void* block, size_t block_bytes) {
    return report_if_bad(block, block_bytes, first_bad_byte<FREE_FILL_BYTES>(block, block_bytes));
  }

  // The same for the block's first HEAD_BYTES, where a stale pointer's writes land first (the
  // check when malloc hands a block out again).
  static bool check_head(void* block, size_t block_bytes) {
    return report_if_bad(block, block_bytes, first_bad_byte<HEAD_BYTES>(block, block_bytes));
  }

  // The first byte (from the block start) among its first LIMIT that is not the fill, or
  // nullptr. The common case (intact) is one pass of 16-byte loads that ORs the differences
  // together, unrolled when the block has LIMIT bytes.
  template <size_t LIMIT = FREE_FILL_BYTES>
  __attribute__((no_sanitize("address"))) static const uint8_t* first_bad_byte(const void* block, size_t block_bytes) {
    static_assert(LIMIT % sizeof(Vec) == 0 && LIMIT <= FREE_FILL_BYTES);
    const auto* p = static_cast<const uint8_t*>(block);
    const uint64_t word = broadcast();
    const Vec pattern = {word, word};
    uint64_t link_half;
    __builtin_memcpy(&link_half, p + LINK_BYTES, sizeof(link_half));
    Vec differences = {link_half ^ word, 0};
    const size_t n = block_bytes < LIMIT ? block_bytes : LIMIT;
    if (HA_LIKELY(n == LIMIT)) {
#pragma GCC unroll 16
      for (size_t offset = sizeof(Vec); offset < LIMIT; offset += sizeof(Vec))
        differences |= load(p + offset) ^ pattern;
    } else {
      for (size_t offset = sizeof(Vec); offset < n; offset += sizeof(Vec)) differences |= load(p + offset) ^ pattern;
    }
    if (HA_LIKELY((differences[0] | differences[1]) == 0)) return nullptr;
    for (size_t offset = LINK_BYTES; offset < n; ++offset) {
      if (p[offset] != byte_) return p + offset;
    }
    return nullptr;
  }

 private:
  // Two words: the unit of fill and check. Blocks are multiples of 16 bytes, so whole vectors
  // cover them (the first vector's low word is the link).
  using Vec = uint64_t __attribute__((vector_size(16)));
  __attribute__((no_sanitize("address"))) static Vec load(const uint8_t* p) {
    Vec v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
  }

  static bool report_if_bad(void* block, size_t block_bytes, const uint8_t* bad) {
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
  static uint64_t broadcast() { return word_; }
  // Written once at process initialisation (published by its release), read-only afterwards.
  static inline uint8_t byte_ = PATTERN;
  static inline uint64_t word_ = uint64_t{PATTERN} * 0x0101010101010101ull;  // byte_ in every byte
};

}  // namespace hardalloc
