// Hides a value from the optimizer, so that a test's deliberate request (malloc(SIZE_MAX), an
// unused malloc/free pair) is really made at run time and not folded or warned away.
#pragma once

namespace hardalloc_test {

template <typename T>
T opaque(T value) {
  asm volatile("" : "+r"(value));
  return value;
}

}  // namespace hardalloc_test
