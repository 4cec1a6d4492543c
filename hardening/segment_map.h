// hardening: which 4 MiB granules of the address space hold a segment of one allocator
// instantiation, so that a pointer that may not be ours (an invalid or foreign free) is checked
// before any header is read. One byte per granule of the 47-bit user address space (32 MiB of
// address space, reserved once without backing; only the pages covering our segments are ever
// touched). Segments are mapped at hint addresses next to each other, so that is a few pages.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "mem/size_class.h"
#include "os/os.h"

namespace hardalloc {

template <class Config>
class SegmentMap {
 public:
  // UNMAPPED: a segment of ours was here and went back to the OS; a pointer into it is stale (a
  // block freed before), until another segment of ours takes the address again.
  enum : uint8_t { NONE = 0, SEGMENT_START = 1, SEGMENT_REST = 2, UNMAPPED = 3 };

  // Records a segment of `bytes` mapped at `base` (SEGMENT_BYTES-aligned); false when the map
  // itself cannot be mapped (the caller then fails the allocation).
  static bool add(const void* base, size_t bytes) { return set(base, bytes, SEGMENT_START, SEGMENT_REST); }
  static void remove(const void* base, size_t bytes) { set(base, bytes, UNMAPPED, UNMAPPED); }

  // What the granule of `p` holds.
  static uint8_t lookup(const void* p) {
    const uint8_t* m = map_.load(std::memory_order_acquire);  // acquire: pairs with the map's publication
    const uintptr_t granule = reinterpret_cast<uintptr_t>(p) >> SEGMENT_SHIFT;
    if (m == nullptr || granule >= GRANULES) return NONE;
    // relaxed: a segment the caller may legitimately free was added before the block was handed
    // out, which happens-before this free; anything else is a misuse we only need not crash on.
    return std::atomic_ref<const uint8_t>(m[granule]).load(std::memory_order_relaxed);
  }

 private:
  static constexpr size_t GRANULES = size_t{1} << (47 - SEGMENT_SHIFT);

  static bool set(const void* base, size_t bytes, uint8_t first, uint8_t rest) {
    uint8_t* m = map();
    if (m == nullptr) return false;
    const uintptr_t start = reinterpret_cast<uintptr_t>(base) >> SEGMENT_SHIFT;
    const uintptr_t end = (reinterpret_cast<uintptr_t>(base) + bytes - 1) >> SEGMENT_SHIFT;
    for (uintptr_t g = start; g <= end && g < GRANULES; ++g) {
      std::atomic_ref<uint8_t>(m[g]).store(g == start ? first : rest, std::memory_order_relaxed);  // see lookup
    }
    return true;
  }

  static uint8_t* map() {
    uint8_t* m = map_.load(std::memory_order_acquire);  // acquire: see lookup
    if (m != nullptr) return m;
    auto* fresh = static_cast<uint8_t*>(os_map_aligned(GRANULES, OS_PAGE_BYTES, 0));
    if (fresh == nullptr) return nullptr;
    // acq_rel: publish our zeroed map, or see the one another thread published first.
    if (!map_.compare_exchange_strong(m, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) {
      os_unmap(fresh, GRANULES);
      return m;
    }
    return fresh;
  }

  static inline std::atomic<uint8_t*> map_{nullptr};
};

}  // namespace hardalloc
