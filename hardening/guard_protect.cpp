// hardening: setting a guard page, and the one warning when the OS refuses (guard_protect.h).
#include "hardening/guard_protect.h"

#include <atomic>

#include "hardening/log_sink.h"
#include "os/os.h"

namespace hardalloc {

namespace {
std::atomic<bool> g_warned{false};
}  // namespace

bool protect_guard(void* addr, size_t bytes) {
  if (os_protect(addr, bytes)) return true;
  // relaxed: only which caller prints is decided here; nothing is published through the flag.
  if (!g_warned.exchange(true, std::memory_order_relaxed)) {
    LogBlock block("warning: ");
    block.out().text("a guard page could not be set (mprotect failed: has the process reached its mapping ");
    block.out().text("limit, vm.max_map_count?); blocks from here on may run without theirs\n");
  }
  return false;
}

}  // namespace hardalloc
