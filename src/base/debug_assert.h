// base: internal invariants checked in debug builds (no NDEBUG). A failed check writes one line
// naming the invariant to stderr, without allocating, and aborts; release builds compile the
// condition out unevaluated.
#pragma once

namespace hardalloc {

#ifdef NDEBUG
inline constexpr bool DEBUG_CHECKS = false;  // for checks longer than one condition
#else
inline constexpr bool DEBUG_CHECKS = true;
#endif

[[noreturn, gnu::cold]] void debug_assert_failed(const char* condition, const char* invariant, const char* file,
                                                 int line);

}  // namespace hardalloc

#ifdef NDEBUG
#define HA_DEBUG_ASSERT(condition, invariant) static_cast<void>(sizeof(condition))
#else
#define HA_DEBUG_ASSERT(condition, invariant) \
  ((condition) ? static_cast<void>(0) : ::hardalloc::debug_assert_failed(#condition, invariant, __FILE__, __LINE__))
#endif
