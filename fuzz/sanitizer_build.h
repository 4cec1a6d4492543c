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

namespace hafuzz {

#if HA_FUZZ_ASAN
inline constexpr bool MALLOC_IS_ASAN = true;
#else
inline constexpr bool MALLOC_IS_ASAN = false;
#endif

#if HA_FUZZ_ASAN || HA_FUZZ_TSAN
inline constexpr bool MALLOC_IS_SANITIZER = true;
#else
inline constexpr bool MALLOC_IS_SANITIZER = false;
#endif

}  // namespace hafuzz
