// alloc: statistics of one allocator instantiation: the slow-path counters plus a walk over
// every page-holding segment for the per-class figures (no cost on the fast paths).
#pragma once
#include "alloc/heap.h"
#include "base/writer.h"
#include "hardalloc.h"
#include "hardening/guarded_pool.h"
#include "hardening/log_sink.h"

namespace hardalloc {

static_assert(BIN_COUNT <= HA_STATS_MAX_SIZE_CLASSES, "ha_stats must hold every size class");

template <class Config>
struct Stats {
  static void get(ha_stats& out) {
    out = ha_stats{};
    const StatCounters& c = g_stat_counters<Config>;
    out.size_class_count = BIN_COUNT;
    for (size_t bin = 0; bin < BIN_COUNT; ++bin) out.size_classes[bin].block_size = bin_block_size(bin);
    size_t block_bytes = 0;
    SegmentPool<Config>::for_each_paged([&](Segment<Config>& s) {
      for (size_t i = 0; i < s.page_count; ++i) {
        const size_t block = s.pages[i].block_size.get();  // 0: page not in use
        if (block == 0 || block > LARGE_BLOCK_MAX) continue;
        const size_t live = s.pages[i].used.get();
        ha_size_class_stats& cls = out.size_classes[bin_of(block)];
        ++cls.pages;
        cls.live_blocks += live;
        block_bytes += live * block;
      }
    });
    out.in_use_bytes = block_bytes + c.dedicated_bytes.get();
    out.peak_in_use_bytes = c.page_bytes_in_use.peak();
    out.committed_bytes = c.committed_bytes.get();
    out.peak_committed_bytes = c.committed_bytes.peak();
    out.reserved_bytes = c.reserved_bytes.get();
    out.segments = c.segments.get();
    out.abandoned_segments = c.abandoned_segments.get();
    out.huge_blocks = c.dedicated_blocks.get();
    out.huge_bytes = c.dedicated_bytes.get();
    out.heaps = c.heaps.get();
    if constexpr (Config::MITIGATIONS.has(Mitigation::guarded_sampling)) {
      const GuardedPool::Counts g = GuardedPool::counts();
      out.guarded_allocations = g.allocations;
      out.guarded_live = g.live;
      out.guarded_declined = g.declined;
    }
  }

  static void reset_peaks() {
    StatCounters& c = g_stat_counters<Config>;
    c.page_bytes_in_use.reset_peak();
    c.committed_bytes.reset_peak();
  }

  // One block (hardening/log_sink.h): "hardalloc[PID] PROGRAM: statistics (NAME configuration)",
  // then the table.
  static void print(int fd) {
    ha_stats s{};
    get(s);
    Writer w(fd);
    log_block_prefix(w);
    w.text("statistics (").text(Config::NAME).text(" configuration)\n");
    w.text("  in use        ")
        .padded(s.in_use_bytes, 14)
        .text(" bytes   peak (page granularity) ")
        .number(s.peak_in_use_bytes)
        .text("\n");
    w.text("  committed     ")
        .padded(s.committed_bytes, 14)
        .text(" bytes   peak ")
        .number(s.peak_committed_bytes)
        .text("\n");
    w.text("  reserved      ").padded(s.reserved_bytes, 14).text(" bytes   segments ").number(s.segments);
    w.text("   abandoned ").number(s.abandoned_segments).text("\n");
    w.text("  huge          ").padded(s.huge_bytes, 14).text(" bytes   blocks ").number(s.huge_blocks).text("\n");
    w.text("  thread heaps  ").padded(s.heaps, 14).text("\n");
    if constexpr (Config::MITIGATIONS.has(Mitigation::guarded_sampling)) {
      w.text("  guarded       ").padded(s.guarded_allocations, 14).text(" blocks  live ").number(s.guarded_live);
      w.text("   declined ").number(s.guarded_declined).text("\n");
    }
    w.text("  class   block bytes   pages   live blocks\n");
    for (size_t i = 0; i < s.size_class_count; ++i) {
      const ha_size_class_stats& cls = s.size_classes[i];
      if (cls.pages == 0) continue;
      w.padded(i, 7).padded(cls.block_size, 14).padded(cls.pages, 8).padded(cls.live_blocks, 14).text("\n");
    }
  }
};

}  // namespace hardalloc
