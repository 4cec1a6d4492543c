// hardening: turns a fault on one of the allocator's guard pages into a heap-error report
// (guard-page-fault), and one in the memory of a segment that went back to the OS into
// write-after-free (a stale pointer to a freed huge block, say). Installed once by the libraries
// whose configuration has guard pages.
// Faults elsewhere go to the handler the program had installed before (SA_SIGINFO or not), or
// get the default action (the process dies of the same SIGSEGV). A program that installs its own
// SIGSEGV handler later replaces this one, as with any chained handler.
#pragma once
#include "hardening/report.h"

namespace hardalloc {

// Fills `kind` and `facts` for a fault at `address` (a write when `is_write`, else a read, as
// the CPU reported it) and returns true when the address is a guard page of ours, the guarded
// pool or memory we gave back; must be async-signal-safe and must not fault on addresses that
// are not ours.
using GuardPageDescriber = bool (*)(const void* address, bool is_write, ReportKind& kind, BlockFacts& facts);

// Installs the SIGSEGV handler (once per process; later calls do nothing). Returns false when
// sigaction fails (nothing is installed then).
bool install_guard_fault_handler(GuardPageDescriber describe);

}  // namespace hardalloc
