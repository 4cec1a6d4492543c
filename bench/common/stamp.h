// Content checks for workload blocks. A stamp is a 64-bit tag written over the first and the last
// bytes of a block (8 bytes each, or half the block each below 16 bytes, so the two copies never
// overlap); checking it at free time catches an allocator that handed the same memory out twice,
// lost contents on realloc, or returned a block smaller than asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "failure.h"

namespace bench {

inline constexpr std::size_t STAMP_BYTES = sizeof(std::uint64_t);

inline std::size_t stamp_width(std::size_t block_bytes) {
  return block_bytes < 2 * STAMP_BYTES ? block_bytes / 2 : STAMP_BYTES;
}

inline void stamp(void* block, std::size_t block_bytes, std::uint64_t tag) {
  const std::size_t width = stamp_width(block_bytes);
  auto* bytes = static_cast<unsigned char*>(block);
  std::memcpy(bytes, &tag, width);
  std::memcpy(bytes + block_bytes - width, &tag, width);
}

inline bool stamp_intact(const void* block, std::size_t block_bytes, std::uint64_t tag) {
  const std::size_t width = stamp_width(block_bytes);
  const auto* bytes = static_cast<const unsigned char*>(block);
  return std::memcmp(bytes, &tag, width) == 0 && std::memcmp(bytes + block_bytes - width, &tag, width) == 0;
}

inline void require_stamp(const void* block, std::size_t block_bytes, std::uint64_t tag) {
  if (!stamp_intact(block, block_bytes, tag)) {
    fail("block %p of %zu bytes lost its stamp %016llx", block, block_bytes, static_cast<unsigned long long>(tag));
  }
}

// Every block a workload gets must be usable memory; from 16 bytes up it must be aligned for any
// fundamental type (C requires that only of blocks large enough to hold one).
inline void* require_block(void* block, std::size_t block_bytes) {
  if (block == nullptr) fail("allocation of %zu bytes returned NULL", block_bytes);
  if (block_bytes >= alignof(std::max_align_t) &&
      reinterpret_cast<std::uintptr_t>(block) % alignof(std::max_align_t) != 0) {
    fail("block %p of %zu bytes is not aligned to %zu", block, block_bytes, alignof(std::max_align_t));
  }
  return block;
}

}  // namespace bench
