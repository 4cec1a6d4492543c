// api: glibc's malloc extensions (<malloc.h>) mapped onto one Allocator: malloc_trim, mallopt,
// mallinfo2 and malloc_info. glibc_extensions.cpp exports them under glibc's names (the override
// libraries); prefixed_api.cpp exports the ones with plain types as ha_malloc_trim and ha_mallopt.
//
// What glibc's figures become here (README.md, "glibc's extensions", repeats this):
//   arena     committed bytes outside huge blocks (pages, page metadata, cached segments)
//   uordblks  bytes in live blocks outside huge blocks (block-size granularity)
//   fordblks  arena - uordblks: committed but not in a live block
//   hblks     live huge and over-aligned blocks (each in a mapping of its own)
//   hblkhd    their bytes
//   ordblks, smblks, fsmblks, usmblks, keepcost: 0 (no free-chunk count is kept, no fastbins,
//             glibc itself always reports usmblks 0, no top chunk)
#pragma once
#include <malloc.h>

#include <climits>
#include <cstddef>

#include "alloc/stats.h"
#include "base/writer.h"

namespace hardalloc {

template <class Config>
struct GlibcExtensions {
  using A = Allocator<Config>;

  // glibc releases the free memory at the top of each arena, keeping `pad` bytes. hardalloc has
  // no heap top, so `pad` is ignored: the calling thread's heap collects the blocks other threads
  // freed into it and frees its empty pages, then its free pages and every free segment of the
  // process are purged now rather than after purge_delay_ms; the segments exited threads left
  // are adopted first (a forced collect). Live threads' heaps are owned by
  // their threads and cannot be collected from here; their memory goes back after the purge
  // delay or when they call malloc_trim themselves. Returns 1 when the process's committed
  // memory went down across the call (as glibc: 1 if memory was released), else 0; a concurrent
  // allocation in another thread can hide a release.
  static int trim(size_t /*pad*/) {
    const size_t before_bytes = g_stat_counters<Config>.committed_bytes.get();
    A::collect(true);
    return g_stat_counters<Config>.committed_bytes.get() < before_bytes ? 1 : 0;
  }

  // glibc's options are accepted with glibc's result (1, or 0 where glibc rejects the value);
  // none changes hardalloc, whose equivalents are fixed when it starts (README: the mapping).
  // Unknown options return 0, so that a program can tell; glibc 2.36 returns 1 for them.
  static int mallopt(int param, int value) {
    switch (param) {
      case M_MXFAST:  // glibc rejects a fastbin limit above 80 * sizeof(size_t) / 4 bytes
        return static_cast<size_t>(value) <= 80 * sizeof(size_t) / 4 ? 1 : 0;
      case M_NLBLKS:
      case M_GRAIN:
      case M_KEEP:
      case M_TRIM_THRESHOLD:
      case M_TOP_PAD:
      case M_MMAP_THRESHOLD:
      case M_MMAP_MAX:
      case M_CHECK_ACTION:
      case M_PERTURB:
      case M_ARENA_TEST:
      case M_ARENA_MAX:
        return 1;
      default:
        return 0;
    }
  }

  // The fields that mean something here (see the table above); the rest stay 0.
  static struct mallinfo2 info2() {
    ha_stats s{};
    Stats<Config>::get(s);
    struct mallinfo2 m {};
    m.hblks = s.huge_blocks;
    m.hblkhd = s.huge_bytes;
    m.arena = saturating_sub(s.committed_bytes, s.huge_bytes);
    m.uordblks = saturating_sub(s.in_use_bytes, s.huge_bytes);
    m.fordblks = saturating_sub(m.arena, m.uordblks);
    return m;
  }

  // glibc's older struct has int fields: each saturates at INT_MAX instead of wrapping.
  static struct mallinfo info() {
    const struct mallinfo2 m = info2();
    struct mallinfo narrow {};
    narrow.arena = saturate_to_int(m.arena);
    narrow.ordblks = saturate_to_int(m.ordblks);
    narrow.smblks = saturate_to_int(m.smblks);
    narrow.hblks = saturate_to_int(m.hblks);
    narrow.hblkhd = saturate_to_int(m.hblkhd);
    narrow.usmblks = saturate_to_int(m.usmblks);
    narrow.fsmblks = saturate_to_int(m.fsmblks);
    narrow.uordblks = saturate_to_int(m.uordblks);
    narrow.fordblks = saturate_to_int(m.fordblks);
    narrow.keepcost = saturate_to_int(m.keepcost);
    return narrow;
  }

  // malloc_info's XML in glibc's element order. All thread heaps together are heap 0; <sizes> is
  // empty because no free-chunk histogram is kept. The statistics are read first, so `out` may
  // allocate (a FILE's buffer) without meeting a lock of ours.
  static void write_info(Writer& out) {
    ha_stats s{};
    Stats<Config>::get(s);
    const struct mallinfo2 m = info2();
    out.text("<malloc version=\"1\">\n<heap nr=\"0\">\n<sizes>\n</sizes>\n");
    write_free_totals(out, m);
    write_sized(out, "system", "current", m.arena);
    write_sized(out, "system", "max", s.peak_committed_bytes);
    write_sized(out, "aspace", "total", saturating_sub(s.reserved_bytes, m.hblkhd));
    write_sized(out, "aspace", "mprotect", m.arena);
    out.text("</heap>\n");
    write_free_totals(out, m);
    out.text("<total type=\"mmap\" count=\"").number(m.hblks).text("\" size=\"").number(m.hblkhd).text("\"/>\n");
    write_sized(out, "system", "current", s.committed_bytes);
    write_sized(out, "system", "max", s.peak_committed_bytes);
    write_sized(out, "aspace", "total", s.reserved_bytes);
    write_sized(out, "aspace", "mprotect", s.committed_bytes);
    out.text("</malloc>\n");
  }

 private:
  static size_t saturating_sub(size_t a, size_t b) { return a > b ? a - b : 0; }
  static int saturate_to_int(size_t value) { return value > INT_MAX ? INT_MAX : static_cast<int>(value); }

  static void write_sized(Writer& out, const char* element, const char* type, size_t bytes) {
    out.text("<").text(element).text(" type=\"").text(type).text("\" size=\"").number(bytes).text("\"/>\n");
  }

  // No fastbins; the free chunks glibc counts in "rest" are not counted here, only their bytes.
  static void write_free_totals(Writer& out, const struct mallinfo2& m) {
    out.text("<total type=\"fast\" count=\"0\" size=\"0\"/>\n");
    out.text("<total type=\"rest\" count=\"0\" size=\"").number(m.fordblks).text("\"/>\n");
  }
};

}  // namespace hardalloc
