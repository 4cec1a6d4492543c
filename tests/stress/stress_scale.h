// Work and threads per stress test: sized for a few seconds in a release build; sanitizer builds run a
// fraction of it so that TSan (five to ten times slower here) stays under a minute per test.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>

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

// Threads of a per-protocol stress test: every core, and at least four, so that a 2-core
// machine still preempts threads in the middle of a protocol.
inline std::size_t stress_thread_count() { return std::max<std::size_t>(4, std::thread::hardware_concurrency()); }

}  // namespace hardalloc_test
