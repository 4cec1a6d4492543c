// hardening: how a free-list link is stored. Two codecs with one interface; a Config picks one.
//
// Threat (EncodedFreeList): after a use-after-free write or an overflow into a free block, the
// attacker controls the link word; with plain links the next malloc returns an address of their
// choice. Encoded links decode to garbage unless the attacker knows both per-page keys, and the
// slot address is mixed in so that an encoded value copied to another block decodes wrongly too.
#pragma once
#include <cstdint>

namespace hardalloc {

struct PlainFreeList {
  struct Keys {};  // empty: takes no space in a Page ([[no_unique_address]])
  static constexpr uintptr_t encode(uintptr_t next, const void*, const Keys&) { return next; }
  static constexpr uintptr_t decode(uintptr_t stored, const void*, const Keys&) { return stored; }
};

struct EncodedFreeList {
  struct Keys {
    uintptr_t xor_key;
    uintptr_t add_key;  // also gives the rotation amount
  };
  static constexpr uintptr_t rotate_left(uintptr_t x, unsigned r) { return r == 0 ? x : (x << r) | (x >> (64 - r)); }
  static constexpr uintptr_t rotate_right(uintptr_t x, unsigned r) { return r == 0 ? x : (x >> r) | (x << (64 - r)); }
  static uintptr_t encode(uintptr_t next, const void* slot, const Keys& k) {
    return rotate_left(next ^ k.xor_key ^ reinterpret_cast<uintptr_t>(slot), k.add_key & 63) + k.add_key;
  }
  static uintptr_t decode(uintptr_t stored, const void* slot, const Keys& k) {
    return rotate_right(stored - k.add_key, k.add_key & 63) ^ k.xor_key ^ reinterpret_cast<uintptr_t>(slot);
  }
};

}  // namespace hardalloc
