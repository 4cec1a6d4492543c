// A slot holding one stamped block: the unit most workloads allocate into and free from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "rng.h"
#include "stamp.h"

namespace bench {

struct Slot {
  void* block = nullptr;
  std::size_t bytes = 0;
  std::uint64_t tag = 0;
};

// How much of a new block a workload writes: the stamp only, or every byte (as a program
// filling a buffer does, which costs the page faults and cache misses of the whole block).
enum class Write { stamp_only, whole_block };

// Allocates a block of the given size into an empty slot and stamps it with a random tag.
inline void fill_slot(Slot& slot, std::size_t bytes, Rng& rng, Write write = Write::stamp_only) {
  slot.bytes = bytes;
  slot.tag = rng.next();
  slot.block = require_block(std::malloc(bytes), bytes);
  if (write == Write::whole_block) std::memset(slot.block, static_cast<int>(slot.tag & 0xff), bytes);
  stamp(slot.block, bytes, slot.tag);
}

// Checks the stamp of a full slot's block, frees it and empties the slot.
inline void empty_slot(Slot& slot) {
  require_stamp(slot.block, slot.bytes, slot.tag);
  std::free(slot.block);
  slot.block = nullptr;
}

}  // namespace bench
