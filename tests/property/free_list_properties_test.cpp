// The free list's laws (hardening/free_list_codec.h, Page::is_block_or_null in src/mem/page.h),
// on random values: an encoded link decodes to what was stored, from the slot it was stored in
// and from no other; and the check every validated link passes accepts exactly null and the
// starts of the blocks a page has carved, for every block size, so a corrupted link is caught
// whatever it points at.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstdlib>

#include "hardening/free_list_codec.h"
#include "mem/config.h"
#include "mem/page.h"

namespace hardalloc {
namespace {

rc::Gen<EncodedFreeList::Keys> keys() {
  return rc::gen::construct<EncodedFreeList::Keys>(rc::gen::arbitrary<std::uintptr_t>(),
                                                   rc::gen::arbitrary<std::uintptr_t>());
}

RC_GTEST_PROP(FreeListProperties, EncodedLinksRoundTripFromTheirSlotOnly, ()) {
  const auto k = *keys();
  const auto next = *rc::gen::arbitrary<std::uintptr_t>();
  const auto slot = *rc::gen::arbitrary<std::uintptr_t>();
  const auto other = *rc::gen::distinctFrom(slot);
  const void* at = reinterpret_cast<const void*>(slot);
  const std::uintptr_t stored = EncodedFreeList::encode(next, at, k);
  RC_ASSERT(EncodedFreeList::decode(stored, at, k) == next);
  // Copied into another block, the same word decodes to another address.
  RC_ASSERT(EncodedFreeList::decode(stored, reinterpret_cast<const void*>(other), k) != next);
}

RC_GTEST_PROP(FreeListProperties, PlainLinksAreTheAddress, ()) {
  const auto next = *rc::gen::arbitrary<std::uintptr_t>();
  RC_ASSERT(PlainFreeList::encode(next, nullptr, {}) == next);
  RC_ASSERT(PlainFreeList::decode(next, nullptr, {}) == next);
}

constexpr std::size_t PAGE_BYTES = 64 * KiB;

// A hardened page over memory of its own, `carved` blocks of `block_bytes` carved.
struct CarvedPage {
  CarvedPage(std::size_t block_bytes, std::uint32_t carved)
      : memory(static_cast<std::uint8_t*>(std::aligned_alloc(PAGE_BYTES, PAGE_BYTES))) {
    page.area = memory;
    page.set_block_size(block_bytes);
    page.reserved = static_cast<std::uint32_t>(PAGE_BYTES / block_bytes);
    page.capacity.set(carved);
  }
  ~CarvedPage() { std::free(memory); }
  CarvedPage(const CarvedPage&) = delete;
  CarvedPage& operator=(const CarvedPage&) = delete;
  std::uint8_t* memory;
  Page<HardenedConfig> page;
};

RC_GTEST_PROP(FreeListProperties, ValidationAcceptsNullAndCarvedBlockStartsOnly, ()) {
  const std::size_t block_bytes = 16 * *rc::gen::inRange<std::size_t>(1, PAGE_BYTES / 16 / 2 + 1);
  const auto reserved = static_cast<std::uint32_t>(PAGE_BYTES / block_bytes);
  const auto carved = *rc::gen::inRange<std::uint32_t>(0, reserved + 1);
  CarvedPage t(block_bytes, carved);
  const auto first = reinterpret_cast<std::uintptr_t>(t.memory);
  // Around the page, inside it, and anywhere: a link an overflow or a use-after-free wrote.
  const std::uintptr_t link = *rc::gen::oneOf(
      rc::gen::just<std::uintptr_t>(0), rc::gen::inRange<std::uintptr_t>(first - 4096, first + PAGE_BYTES + 4096),
      rc::gen::map(rc::gen::inRange<std::uint32_t>(0, reserved),
                   [first, block_bytes](std::uint32_t i) { return first + i * block_bytes; }),
      rc::gen::arbitrary<std::uintptr_t>());
  const bool carved_start =
      link >= first && link - first < std::uintptr_t{carved} * block_bytes && (link - first) % block_bytes == 0;
  RC_ASSERT(t.page.is_block_or_null(link) == (link == 0 || carved_start));
}

}  // namespace
}  // namespace hardalloc
