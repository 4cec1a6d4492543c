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
  // The last OS page of every page area is inaccessible, so a linear overflow off the end of a
  // page faults instead of reaching the next page's blocks.
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
