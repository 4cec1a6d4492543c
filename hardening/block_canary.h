// hardening: the canary at the end of every block (Mitigation::canaries).
//
// Layout of a block of BLOCK bytes starting at S, handed out at U (S, or an aligned address
// inside the block) for a request of N bytes:
//   [S .. U)                 alignment padding (aligned blocks only)
//   [U .. U+N)               the program's bytes
//   [U+N .. S+BLOCK-8)       slack: its first FILLER_BYTES (16) hold the block's keyed filler
//                            byte (the rest, up to an eighth of a large block, is left alone)
//   [S+BLOCK-8 .. S+BLOCK)   the tail word: 4-byte canary, then 4-byte delta = S+BLOCK - (U+N)
// The canary is keyed with a process secret, the block's end address and delta, so neither the
// word nor the size it records can be forged or moved between blocks; the filler catches a linear
// overflow that stops short of the tail word. Invariant: a live block's tail word and filler are
// intact. Every request therefore needs TAIL_BYTES more than it asks for.
#pragma once
#include <cstddef>
#include <cstdint>

#include "base/bits.h"

namespace hardalloc {

class BlockCanary {
 public:
  static constexpr size_t TAIL_BYTES = 8;
  // Bytes of slack after the request that hold the filler (and are checked): a linear overflow
  // starts there. Bounded, so a large block's canary costs what a small one's does.
  static constexpr ptrdiff_t FILLER_BYTES = 16;

  // Draws the process secret; called once, before the first block is handed out.
  static void init_secret();

  // Writes filler and tail word for a request ending at `user_end` inside the block.
  __attribute__((no_sanitize("address"))) static void write(uint8_t* block_end, uint8_t* user_end) {
    const uint32_t delta = static_cast<uint32_t>(block_end - user_end);
    const uint64_t key = key_of(block_end, delta);
    const uint64_t filler = filler_word(key);
    uint8_t* const end = filler_end(block_end, user_end);
    if (end - user_end >= static_cast<ptrdiff_t>(sizeof(filler))) {  // two word stores, overlapping when short
      __builtin_memcpy(user_end, &filler, sizeof(filler));
      __builtin_memcpy(end - sizeof(filler), &filler, sizeof(filler));
    } else {
      for (uint8_t* p = user_end; p < end; ++p) *p = static_cast<uint8_t>(filler);
    }
    auto* tail = reinterpret_cast<uint32_t*>(block_end - TAIL_BYTES);
    tail[0] = static_cast<uint32_t>(key);
    tail[1] = delta;
  }

  // Where the program's bytes end, read from an intact tail word; nullptr when the tail word is
  // not one this block could have (overwritten).
  static uint8_t* user_end(uint8_t* block_end, size_t block_bytes) {
    uint64_t key;
    return decode_tail(block_end, block_bytes, &key);
  }

  // The first byte after the program's bytes that is not as written, or nullptr when filler
  // and tail word are intact. When the tail word itself is overwritten its first byte is
  // returned (the request's end is then unknown). `*request_end` (when given) receives
  // user_end(), so that a caller does not decode the tail word twice.
  __attribute__((no_sanitize("address"))) static uint8_t* first_bad_byte(uint8_t* block_end, size_t block_bytes,
                                                                         uint8_t** request_end = nullptr) {
    uint64_t key;
    uint8_t* end = decode_tail(block_end, block_bytes, &key);
    if (request_end != nullptr) *request_end = end;
    if (end == nullptr) return block_end - TAIL_BYTES;
    const uint64_t filler = filler_word(key);
    uint8_t* const stop = filler_end(block_end, end);
    if (stop - end >= static_cast<ptrdiff_t>(sizeof(filler))) {  // the usual case: two word loads
      uint64_t first, last;
      __builtin_memcpy(&first, end, sizeof(first));
      __builtin_memcpy(&last, stop - sizeof(last), sizeof(last));
      if (HA_LIKELY(((first ^ filler) | (last ^ filler)) == 0)) return nullptr;
    }
    for (uint8_t* p = end; p < stop; ++p) {
      if (*p != static_cast<uint8_t>(filler)) return p;
    }
    return nullptr;
  }

 private:
  // The request's end from the tail word, and the key it was written with; nullptr when the
  // word is not one this block could have.
  __attribute__((no_sanitize("address"))) static uint8_t* decode_tail(uint8_t* block_end, size_t block_bytes,
                                                                      uint64_t* key) {
    const auto* tail = reinterpret_cast<const uint32_t*>(block_end - TAIL_BYTES);
    const uint32_t delta = tail[1];
    *key = key_of(block_end, delta);
    if (delta < TAIL_BYTES || delta > block_bytes || tail[0] != static_cast<uint32_t>(*key)) return nullptr;
    return block_end - delta;
  }
  // The filler byte (the key's fifth), in every byte of a word.
  static uint64_t filler_word(uint64_t key) { return ((key >> 32) & 0xFF) * 0x0101010101010101ull; }
  static uint8_t* filler_end(uint8_t* block_end, uint8_t* user_end) {
    uint8_t* tail = block_end - TAIL_BYTES;
    return tail - user_end > FILLER_BYTES ? user_end + FILLER_BYTES : tail;
  }
  static uint64_t key_of(const uint8_t* block_end, uint32_t delta) {
    uint64_t z = secret_ ^ reinterpret_cast<uintptr_t>(block_end) ^ (uint64_t{delta} << 40);
    z = (z ^ (z >> 31)) * 0x7FB5D329728EA185ull;
    return z ^ (z >> 27);
  }
  // Written by init_secret before any block exists (process initialisation: once, or again in a
  // fork child that reruns it, and published by its release), read-only afterwards.
  static inline uint64_t secret_ = 0;
};

}  // namespace hardalloc
