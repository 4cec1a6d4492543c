// hardening: the one place that reads and writes the link word of a free block.
//
// A free block's first word holds the (possibly encoded) address of the next free block. In
// builds with ASan, free blocks are poisoned whole (asan_poison.h) so that any use after free
// is reported; only these two accessors may touch a poisoned block, and they are not
// instrumented.
#pragma once
#include <cstdint>

namespace hardalloc {

__attribute__((no_sanitize("address"))) inline uintptr_t load_link(const void* block) {
  return *static_cast<const uintptr_t*>(block);
}
__attribute__((no_sanitize("address"))) inline void store_link(void* block, uintptr_t link) {
  *static_cast<uintptr_t*>(block) = link;
}

}  // namespace hardalloc
