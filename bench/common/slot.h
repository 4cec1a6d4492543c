// A slot holding one stamped block: the unit most workloads allocate into and free from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rng.h"
#include "stamp.h"

namespace bench {

struct Slot {
  void* block = nullptr;
  std::size_t bytes = 0;
  std::uint64_t tag = 0;
};

// Allocates a block of the given size into an empty slot and stamps it with a random tag.
inline void fill_slot(Slot& slot, std::size_t bytes, Rng& rng) {
  slot.bytes = bytes;
  slot.tag = rng.next();
  slot.block = require_block(std::malloc(bytes), bytes);
  stamp(slot.block, bytes, slot.tag);
}

// Checks the stamp of a full slot's block, frees it and empties the slot.
inline void empty_slot(Slot& slot) {
  require_stamp(slot.block, slot.bytes, slot.tag);
  std::free(slot.block);
  slot.block = nullptr;
}

}  // namespace bench
