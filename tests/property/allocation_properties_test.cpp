// Properties that must hold for any request: results aligned and large enough, realloc keeps
// the prefix, calloc zeroes, and a random sequence of allocations and frees keeps every live
// block disjoint from the others and intact, up to its usable size.
#include <gtest/gtest.h>
#include <hardalloc.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "block_pattern.h"

namespace {

using hardalloc_test::fill_pattern;
using hardalloc_test::first_pattern_mismatch;

constexpr std::size_t MAX_REQUEST_BYTES = std::size_t{8} << 20;
constexpr int MAX_ALIGNMENT_SHIFT = 22;  // 4 MiB, the largest alignment hardalloc promises

// Request sizes biased toward small blocks, as programs make them, with some up to 8 MiB.
rc::Gen<std::size_t> request_size() {
  return rc::gen::weightedOneOf<std::size_t>({{6, rc::gen::inRange<std::size_t>(0, 1025)},
                                              {3, rc::gen::inRange<std::size_t>(1025, 128 * 1024)},
                                              {1, rc::gen::inRange<std::size_t>(128 * 1024, MAX_REQUEST_BYTES)}});
}

bool is_aligned(const void* address, std::size_t alignment) {
  return reinterpret_cast<std::uintptr_t>(address) % alignment == 0;
}

// rapidcheck prints the operands of a failed assertion; it cannot print a void*.
bool allocated(const void* block) { return block != nullptr; }

std::uintptr_t address_of(const void* block) { return reinterpret_cast<std::uintptr_t>(block); }

RC_GTEST_PROP(AllocationProperties, AlignedFormsAreAlignedAndLargeEnough, ()) {
  const std::size_t alignment = std::size_t{1} << *rc::gen::inRange(3, MAX_ALIGNMENT_SHIFT + 1);
  const std::size_t size_bytes = *request_size();
  void* from_posix = nullptr;
  RC_ASSERT(ha_posix_memalign(&from_posix, alignment, size_bytes) == 0);
  void* from_aligned_alloc = ha_aligned_alloc(alignment, size_bytes);
  void* from_memalign = ha_memalign(alignment, size_bytes);
  for (void* block : {from_posix, from_aligned_alloc, from_memalign}) {
    RC_ASSERT(allocated(block));
    RC_ASSERT(is_aligned(block, alignment));
    RC_ASSERT(ha_malloc_usable_size(block) >= size_bytes);
    ha_free(block);
  }
}

RC_GTEST_PROP(AllocationProperties, ReallocKeepsThePrefix, ()) {
  const auto sizes = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::size_t>>(request_size()));
  std::size_t old_size_bytes = sizes.front();
  void* block = ha_malloc(old_size_bytes);
  RC_ASSERT(allocated(block));
  fill_pattern(block, old_size_bytes, old_size_bytes);
  std::uint64_t seed = old_size_bytes;
  for (std::size_t new_size_bytes : sizes) {
    new_size_bytes = std::max<std::size_t>(new_size_bytes, 1);  // realloc(p, 0) frees
    void* resized = ha_realloc(block, new_size_bytes);
    RC_ASSERT(allocated(resized));
    const std::size_t kept_bytes = std::min(old_size_bytes, new_size_bytes);
    RC_ASSERT(first_pattern_mismatch(resized, kept_bytes, seed) == kept_bytes);
    RC_ASSERT(ha_malloc_usable_size(resized) >= new_size_bytes);
    block = resized;
    seed = new_size_bytes * 31 + 7;
    fill_pattern(block, new_size_bytes, seed);
    old_size_bytes = new_size_bytes;
  }
  ha_free(block);
}

RC_GTEST_PROP(AllocationProperties, CallocZeroesRecycledMemory, ()) {
  const std::size_t count = *rc::gen::inRange<std::size_t>(0, 4096);
  const std::size_t element_bytes = *rc::gen::inRange<std::size_t>(0, 256);
  const std::size_t size_bytes = count * element_bytes;
  void* dirty = ha_malloc(size_bytes);
  RC_ASSERT(allocated(dirty));
  fill_pattern(dirty, ha_malloc_usable_size(dirty), 0xffffffffffffffff);
  ha_free(dirty);
  auto* zeroed = static_cast<const unsigned char*>(ha_calloc(count, element_bytes));
  RC_ASSERT(allocated(zeroed));
  RC_ASSERT(std::all_of(zeroed, zeroed + size_bytes, [](unsigned char byte) { return byte == 0; }));
  ha_free(const_cast<unsigned char*>(zeroed));
}

struct LiveBlock {
  char* address;
  std::size_t usable_bytes;  // what malloc_usable_size reports: the block's range
  std::uint64_t seed;
};

bool overlap(const LiveBlock& a, const LiveBlock& b) {
  return address_of(a.address) < address_of(b.address) + b.usable_bytes &&
         address_of(b.address) < address_of(a.address) + a.usable_bytes;
}

bool intact(const LiveBlock& block) {
  return first_pattern_mismatch(block.address, block.usable_bytes, block.seed) == block.usable_bytes;
}

RC_GTEST_PROP(AllocationProperties, LiveBlocksStayDisjointAndIntact, ()) {
  // Each step allocates a block of the given size or frees the live block at that index
  // (modulo the live count). Every block is used up to its usable size, as malloc_usable_size
  // allows a program to (glibc's manual: the bytes may be written), so the usable ranges are what
  // must not overlap and what must stay intact: a new block must overlap no live one, and a
  // block must still hold its pattern when it is freed, so a stray write anywhere is caught.
  const auto steps = *rc::gen::container<std::vector<std::pair<bool, std::size_t>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(), request_size()));
  std::vector<LiveBlock> live;
  std::uint64_t seed = 1;
  for (const auto& [allocate, value] : steps) {
    if (allocate || live.empty()) {
      char* address = static_cast<char*>(ha_malloc(value));
      RC_ASSERT(allocated(address));
      const std::size_t usable_bytes = ha_malloc_usable_size(address);
      RC_ASSERT(usable_bytes >= value);
      const LiveBlock block{address, usable_bytes, ++seed};
      RC_ASSERT(std::none_of(live.begin(), live.end(), [&](const LiveBlock& other) { return overlap(block, other); }));
      fill_pattern(block.address, block.usable_bytes, block.seed);
      live.push_back(block);
    } else {
      const std::size_t index = value % live.size();
      RC_ASSERT(intact(live[index]));
      ha_free(live[index].address);
      live[index] = live.back();
      live.pop_back();
    }
  }
  for (const LiveBlock& block : live) {
    RC_ASSERT(intact(block));
    ha_free(block.address);
  }
}

}  // namespace
