// mem: the purge delay in force. Memory that stays free for the delay goes back to the OS
// (pages by madvise, free segments by munmap), and memory handed back too early is paid for
// again in page faults and system calls when it is needed: a program whose phases are a little
// longer than the delay (buffers grown, freed, grown again every 20 ms) refaults its whole
// working set each phase. So the delay adapts, as a TCP retransmission timer does:
//   regret:  memory purged less than two delays ago is needed again (a purged page is
//            committed anew, or a segment is mapped in place of one unmapped that recently;
//            each purged page or unmapped segment counts once): a delay twice as long would
//            have kept it, so the delay doubles, at most once per delay, up to
//            MAX_DELAY_FACTOR times purge_delay_ms;
//   calm:    a purge pass that comes CALM_DELAYS delays after the last regret halves it again,
//            so a program whose purges stop being regretted is back to purge_delay_ms after
//            CALM_DELAYS times the delays it steps down through (2.4 s from the cap at 10 ms),
//            as long as purge passes run.
// purge_delay_ms=0 stays "at once". Process-wide: a phase change shows in every heap at once.
#pragma once
#include <atomic>
#include <cstdint>

#include "hardening/options.h"

namespace hardalloc {

class PurgePacing {
 public:
  static constexpr uint32_t MAX_LEVEL = 4;  // the delay is at most 16 times purge_delay_ms
  static constexpr uint64_t MAX_DELAY_FACTOR = uint64_t{1} << MAX_LEVEL;
  static constexpr uint64_t CALM_DELAYS = 8;
  // Bases above this are not scaled (so that no scaled delay times CALM_DELAYS overflows; an
  // unscaled one may, harmlessly: its level is never read).
  static constexpr uint64_t LARGEST_SCALED_BASE = (UINT64_MAX / CALM_DELAYS) >> MAX_LEVEL;

  // The delay now: purge_delay_ms << level (a base too large to double, such as a "never" of
  // 10^18 ms, is not scaled).
  static uint64_t delay_ms() {
    const uint64_t base = options().purge_delay_ms;
    if (base > LARGEST_SCALED_BASE) return base;
    // relaxed: a heuristic; a stale level makes one deadline a step off, nothing more.
    return base << level_.load(std::memory_order_relaxed);
  }

  // `ms` plus `later_ms`, or UINT64_MAX ("never") when the sum does not fit.
  static uint64_t after(uint64_t ms, uint64_t later_ms) {
    return ms > UINT64_MAX - later_ms ? UINT64_MAX : ms + later_ms;
  }

  // Memory purged at `purged_ms` (0: never purged, fresh from the OS) is in use again at `now_ms`.
  static void note_reused(uint64_t purged_ms, uint64_t now_ms) {
    const uint64_t delay = delay_ms();
    if (purged_ms == 0 || now_ms >= after(purged_ms, 2 * delay)) return;
    // relaxed (all four): racing updates lose a step at most; no memory is published through them.
    const uint32_t level = level_.load(std::memory_order_relaxed);
    if (level == MAX_LEVEL || now_ms < after(last_regret_ms_.load(std::memory_order_relaxed), delay)) return;
    last_regret_ms_.store(now_ms, std::memory_order_relaxed);
    level_.store(level + 1, std::memory_order_relaxed);
  }

  // A purge pass gave memory back at `now_ms`.
  static void note_purged(uint64_t now_ms) {
    // relaxed (all four): as in note_reused.
    const uint32_t level = level_.load(std::memory_order_relaxed);
    if (level == 0 || now_ms < after(last_regret_ms_.load(std::memory_order_relaxed), CALM_DELAYS * delay_ms())) return;
    level_.store(level - 1, std::memory_order_relaxed);
    last_regret_ms_.store(now_ms, std::memory_order_relaxed);  // the next step down needs another calm spell
  }

 private:
  static inline std::atomic<uint32_t> level_{0};
  static inline std::atomic<uint64_t> last_regret_ms_{0};
};

}  // namespace hardalloc
