// Which sanitizer runtime the harness is built with, where it matters: AddressSanitizer and
// ThreadSanitizer replace the process's malloc with their own allocator, so the "system" target
// is theirs, not glibc's (target_registry.h).
#pragma once

#if defined(__SANITIZE_ADDRESS__)  // gcc
#define HA_FUZZ_ASAN 1
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer)
#define HA_FUZZ_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)  // gcc
#define HA_FUZZ_TSAN 1
#elif defined(__has_feature)  // clang
#if __has_feature(thread_sanitizer)
#define HA_FUZZ_TSAN 1
#endif
#endif

#ifndef HA_FUZZ_ASAN
#define HA_FUZZ_ASAN 0
#endif
#ifndef HA_FUZZ_TSAN
#define HA_FUZZ_TSAN 0
#endif

namespace hafuzz {

inline constexpr bool MALLOC_IS_ASAN = HA_FUZZ_ASAN;
inline constexpr bool MALLOC_IS_SANITIZER = HA_FUZZ_ASAN || HA_FUZZ_TSAN;

}  // namespace hafuzz
