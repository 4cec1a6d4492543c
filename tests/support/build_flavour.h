// What the hardened twins of the API and stress tests (built with hardened_names.h) expect
// differently from the fast build; one test source serves both.
#pragma once
#include <hardalloc.h>

#include <cstddef>

namespace hardalloc_test {

#ifdef HA_TEST_HARDENED
inline constexpr bool HARDENED = true;
#else
inline constexpr bool HARDENED = false;
#endif
// The hardened build gives every request 8 more bytes (the canary word) before choosing its class.
inline constexpr std::size_t CANARY_BYTES = HARDENED ? 8 : 0;
// The largest block a page holds (src/alloc/allocator.h PAGED_MAX); larger ones are dedicated
// blocks. The hardened build's large pages keep a guard slot after each block.
inline constexpr std::size_t LARGEST_PAGED_BLOCK = std::size_t{1} << 20;
// The configuration name ha_stats_print shows.
inline constexpr const char* CONFIG_NAME = HARDENED ? "hardened" : "fast";

// The hardened build's quarantine holds freed blocks (still counted in use) until later frees
// push them out; a test that checks statistics right after a free gives them back first.
inline void settle_frees() {
  if (HARDENED) ha_collect(0);
}

}  // namespace hardalloc_test
