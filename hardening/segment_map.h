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
  static bool add(const void* base, size_t bytes) {
    if (!set(base, bytes, SEGMENT_START, SEGMENT_REST)) return false;
    widen_bounds(reinterpret_cast<uintptr_t>(base), reinterpret_cast<uintptr_t>(base) + bytes);
    return true;
  }
  static void remove(const void* base, size_t bytes) { set(base, bytes, UNMAPPED, UNMAPPED); }

  // False when `p` is below or above every segment this instantiation ever mapped: then it is
  // not ours, for the price of one compare (the checked copies ask this of every destination).
  // True says only "look it up". The bounds only widen; any mix of old and new values read here
  // spans at least every segment whose blocks the caller may legitimately hold (they were added
  // before the blocks were handed out, which happens-before the caller's use), so relaxed loads do.
  HA_ALWAYS_INLINE static bool within_bounds(const void* p) {
    const uintptr_t low = low_.load(std::memory_order_relaxed);
    return reinterpret_cast<uintptr_t>(p) - low < high_.load(std::memory_order_relaxed) - low;
  }

  // The base of the segment whose mapping holds `p` (a huge block's mapping spans several
  // granules), or nullptr.
  static void* segment_containing(const void* p) {
    uintptr_t granule = align_down(reinterpret_cast<uintptr_t>(p), SEGMENT_BYTES);
    for (;;) {
      const uint8_t kind = lookup(reinterpret_cast<void*>(granule));
      if (kind == SEGMENT_START) return reinterpret_cast<void*>(granule);
      if (kind != SEGMENT_REST || granule == 0) return nullptr;
      granule -= SEGMENT_BYTES;
    }
  }

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

  // Widens [low_, high_) to cover [start, end). Before the first segment both are 0: an empty
  // range. relaxed: see within_bounds.
  static void widen_bounds(uintptr_t start, uintptr_t end) {
    uintptr_t low = low_.load(std::memory_order_relaxed);
    while ((low == 0 || start < low) && !low_.compare_exchange_weak(low, start, std::memory_order_relaxed)) {
    }
    uintptr_t high = high_.load(std::memory_order_relaxed);
    while (end > high && !high_.compare_exchange_weak(high, end, std::memory_order_relaxed)) {
    }
  }

  static inline std::atomic<uint8_t*> map_{nullptr};
  static inline std::atomic<uintptr_t> low_{0};
  static inline std::atomic<uintptr_t> high_{0};
};

}  // namespace hardalloc
