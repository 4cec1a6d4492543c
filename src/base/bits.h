// base: small helpers every layer uses. No allocation; libc only for memcpy/memset.
#pragma once
#include <cstddef>
#include <cstdint>

#define HA_LIKELY(x) __builtin_expect(!!(x), 1)
#define HA_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define HA_NOINLINE __attribute__((noinline))
#define HA_ALWAYS_INLINE inline __attribute__((always_inline))

namespace hardalloc {

inline constexpr size_t KiB = size_t{1} << 10;
inline constexpr size_t MiB = size_t{1} << 20;

constexpr bool is_power_of_two(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

// Rounds up to a multiple of `alignment`, which must be a power of two. Callers guarantee
// x + alignment does not overflow.
constexpr size_t align_up(size_t x, size_t alignment) { return (x + alignment - 1) & ~(alignment - 1); }
constexpr uintptr_t align_down(uintptr_t x, size_t alignment) { return x & ~(alignment - 1); }

// splitmix64: advances `state` and returns the next of its well-mixed 64-bit values (cheap
// randomness for keys, carve order and sampling intervals; not for secrets against an attacker
// who sees many outputs).
constexpr uint64_t splitmix64_next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Index of the highest set bit; x must be non-zero.
constexpr unsigned highest_bit(size_t x) { return 63u - static_cast<unsigned>(__builtin_clzll(x)); }
constexpr unsigned lowest_bit(uint64_t x) { return static_cast<unsigned>(__builtin_ctzll(x)); }

// The smallest power of two >= x; x must be in [2, 2^63].
constexpr size_t round_up_to_power_of_two(size_t x) { return size_t{1} << (highest_bit(x - 1) + 1); }

// Copy and fill through libc (bytes.cpp), the only memcpy/memset the allocator calls.
void copy_bytes(void* dst, const void* src, size_t n);
void zero_bytes(void* dst, size_t n);

}  // namespace hardalloc
