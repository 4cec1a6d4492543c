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

// The hardened instantiation, with every mitigation: what tests instantiate and what
// libhardalloc-hardened exports unless the build names another set (LibraryHardenedConfig).
struct HardenedConfig {
  static constexpr Mitigations MITIGATIONS{
      Mitigation::encoded_free_list, Mitigation::guard_pages,      Mitigation::validated_free_list,
      Mitigation::block_states,      Mitigation::canaries,         Mitigation::free_fill,
      Mitigation::quarantine,        Mitigation::guarded_sampling, Mitigation::checked_copies};
  static constexpr const char* NAME = "hardened";
};

// What the hardened libraries export: HardenedConfig's set, or the one CMake's
// -DHARDALLOC_MITIGATIONS=a;b;c names (passed here as HARDALLOC_MITIGATION_LIST, each prefixed
// with Mitigation::).
struct LibraryHardenedConfig {
#ifdef HARDALLOC_MITIGATION_LIST
  static constexpr Mitigations MITIGATIONS{HARDALLOC_MITIGATION_LIST};
#else
  static constexpr Mitigations MITIGATIONS = HardenedConfig::MITIGATIONS;
#endif
  static constexpr const char* NAME = "hardened";
};

// Compile-time consistency of a mitigation set.
template <class Config>
constexpr bool mitigations_consistent() {
  constexpr Mitigations SET = Config::MITIGATIONS;
  // Validating a link that is stored in the clear proves nothing an attacker cannot forge.
  const bool links = !SET.has(Mitigation::validated_free_list) || SET.has(Mitigation::encoded_free_list);
  // Canaries, fill and quarantine act in free's checked path, which block_states selects; the
  // quarantine relies on the state bit to tell a quarantined block from a live one.
  const bool checked =
      SET.has(Mitigation::block_states) || !(SET.has(Mitigation::canaries) || SET.has(Mitigation::free_fill) ||
                                             SET.has(Mitigation::quarantine) || SET.has(Mitigation::guarded_sampling));
  // A checked copy needs the request's end (canaries) and whether the block is live (block_states).
  const bool copies =
      !SET.has(Mitigation::checked_copies) || (SET.has(Mitigation::canaries) && SET.has(Mitigation::block_states));
  return links && checked && copies;
}
static_assert(mitigations_consistent<FastConfig>() && mitigations_consistent<HardenedConfig>() &&
                  mitigations_consistent<LibraryHardenedConfig>(),
              "validated_free_list needs encoded_free_list; canaries, free_fill, quarantine and guarded_sampling "
              "need block_states; checked_copies needs canaries and block_states");

template <class Config>
using FreeListCodecOf =
    std::conditional_t<Config::MITIGATIONS.has(Mitigation::encoded_free_list), EncodedFreeList, PlainFreeList>;

}  // namespace hardalloc
