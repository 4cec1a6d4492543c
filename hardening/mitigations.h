// hardening: every mitigation is a named bit. A Config (src/mem/config.h) names the set it
// compiles in; code asks `if constexpr (Config::MITIGATIONS.has(...))`, so a build without a
// mitigation pays nothing for it. Runtime options may only tune or switch off what is compiled in.
#pragma once
#include <cstdint>
#include <initializer_list>

namespace hardalloc {

enum class Mitigation : uint32_t {
  // Free-list links are stored encoded with per-page secret keys, so a use-after-free write or a
  // heap overflow into a free block cannot plant an arbitrary pointer for malloc to return.
  encoded_free_list = 1u << 0,
  // The last OS page of every page area, and the page after every block of a large page (a
  // guard slot), is inaccessible, so a linear overflow off the end of a page or a large block
  // faults instead of reaching the next page's or block's bytes.
  guard_pages = 1u << 1,
  // Every decoded free-list link must be null or a block start of the same page; anything else
  // is reported as free-list-corruption and never followed, so a forged link cannot make malloc
  // return an address outside the page or a block twice.
  validated_free_list = 1u << 2,
  // One bit per block (allocated or not) beside the pages, flipped atomically on malloc and free:
  // a double free, from any thread and for any size, is reported deterministically; and a pointer
  // is checked against the segment map and its page before anything of it is read, so freeing a
  // pointer that is not a live block start is reported (invalid, interior or foreign free).
  block_states = 1u << 3,
  // The requested size is recorded in the block's last 8 bytes (a keyed canary word and the
  // distance from the request's end to the block's end), and the first bytes between the request
  // and that word (up to 16) hold a keyed pattern; free, realloc and ha_check_heap check both, so
  // even a 1-byte overflow is reported (overflow). Every request gets at least those 8 bytes of
  // slack, and malloc_usable_size returns the requested size.
  canaries = 1u << 4,
  // Freed blocks (and freshly carved ones) are filled with a pattern (zero with zero_on_free=1),
  // checked when the block leaves the quarantine and when it is handed out again: a write after
  // free is reported (write-after-free). Whole blocks up to 256 bytes; the first 256 of larger ones.
  free_fill = 1u << 5,
  // Freed blocks wait in a per-thread quarantine (quarantine_blocks, quarantine_bytes) before a
  // page may hand them out again, and pages hand out freshly carved blocks in random order: a
  // double free after the block was reallocated is still caught, and a stale pointer rarely
  // aliases the next block of its size.
  quarantine = 1u << 6,
  // Some allocations (sample_rate, or all with guard_all) get their own pages in the guarded
  // pool, against a guard page, and become inaccessible when freed: a read or write past the
  // end, before the start or after free faults and is reported with the block's allocation and
  // free stacks (hardening/guarded_pool.h).
  guarded_sampling = 1u << 7,
  // memcpy, memmove, memset, strcpy, strncpy, strcat and strncat check, before writing a byte,
  // that a destination inside a live block stays within the block's requested size, and report
  // an overflow with the caller's stack: an overflow through a copy is stopped before it lands,
  // not found later by the canary (if the block is ever freed). Only the standard-name shared
  // library exports the checked functions (src/api/checked_copy.cpp); needs canaries and
  // block_states (the request's end and whether the block is live).
  checked_copies = 1u << 8,
};

class Mitigations {
 public:
  constexpr Mitigations() = default;
  constexpr Mitigations(std::initializer_list<Mitigation> list) {
    for (Mitigation m : list) bits_ |= static_cast<uint32_t>(m);
  }
  constexpr bool has(Mitigation m) const { return (bits_ & static_cast<uint32_t>(m)) != 0; }
  constexpr bool none() const { return bits_ == 0; }
  constexpr uint32_t bits() const { return bits_; }

 private:
  uint32_t bits_ = 0;
};

}  // namespace hardalloc
