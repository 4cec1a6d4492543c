// hardening: setting a guard page (Mitigation::guard_pages, and the guard slots of large pages).
// mprotect fails once the process reaches its mapping limit (vm.max_map_count: every guard splits
// a mapping in two), and the block beside it then runs without its guard. The first failure is
// reported once, as a warning on the log sink, so that a mitigation never goes missing silently.
#pragma once
#include <cstddef>

namespace hardalloc {

// Makes [addr, addr + bytes) inaccessible (page-aligned, inside a mapping of ours); false when
// the OS refused, after the one warning of the process. errno is left as it was.
bool protect_guard(void* addr, size_t bytes);

}  // namespace hardalloc
