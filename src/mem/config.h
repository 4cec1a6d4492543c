// mem: a Config names the mitigations compiled into one instantiation of the allocator. Every
// template in mem/ and alloc/ takes one; two Configs give two independent allocators (own
// heaps, segments and statistics) that can live in one process, e.g. one test binary.
#pragma once
#include <type_traits>

#include "hardening/free_list_codec.h"
#include "hardening/mitigations.h"

namespace hardalloc {

// The default build: every mitigation off, nothing paid for.
struct FastConfig {
  static constexpr Mitigations MITIGATIONS{};
  static constexpr const char* NAME = "fast";
};

// The hardened instantiation. It grows as the hardening work lands; today it encodes and
// validates free-list links, keeps a guard page at the end of every page, and tracks the
// allocated state of every block (double, invalid, interior and foreign frees).
struct HardenedConfig {
  static constexpr Mitigations MITIGATIONS{Mitigation::encoded_free_list, Mitigation::guard_pages,
                                           Mitigation::validated_free_list, Mitigation::block_states};
  static constexpr const char* NAME = "hardened";
};

// Compile-time consistency of a mitigation set.
template <class Config>
constexpr bool mitigations_consistent() {
  // Validating a link that is stored in the clear proves nothing an attacker cannot forge.
  return !Config::MITIGATIONS.has(Mitigation::validated_free_list) ||
         Config::MITIGATIONS.has(Mitigation::encoded_free_list);
}
static_assert(mitigations_consistent<FastConfig>() && mitigations_consistent<HardenedConfig>());

template <class Config>
using FreeListCodecOf =
    std::conditional_t<Config::MITIGATIONS.has(Mitigation::encoded_free_list), EncodedFreeList, PlainFreeList>;

}  // namespace hardalloc
