// Opaque barriers for benchmark loops.
//
// The optimiser may delete a malloc/free pair whose block nobody uses, may assume a fresh block
// differs from every other object, and may fold checks on a pointer whose value it can see. An
// empty asm statement that claims to read (escape) or rewrite (hide) the pointer takes all three
// assumptions away at zero run-time cost.
#pragma once

namespace bench {

inline void escape(const void* block) { asm volatile("" : : "g"(block) : "memory"); }

template <class T>
inline T* hide(T* pointer) {
  asm volatile("" : "+r"(pointer));
  return pointer;
}

}  // namespace bench
