// Work per stress test: sized for a few seconds in a release build; sanitizer builds run a
// fraction of it so that TSan (five to ten times slower here) stays under a minute per test.
#pragma once

#include <cstddef>

namespace hardalloc_test {

#if defined(__SANITIZE_THREAD__)
#define HARDALLOC_TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HARDALLOC_TEST_UNDER_TSAN 1
#endif
#endif

#ifdef HARDALLOC_TEST_UNDER_TSAN
constexpr std::size_t STRESS_DIVISOR = 4;
#else
constexpr std::size_t STRESS_DIVISOR = 1;
#endif

constexpr std::size_t scaled_for_build(std::size_t release_count) { return release_count / STRESS_DIVISOR; }

}  // namespace hardalloc_test
