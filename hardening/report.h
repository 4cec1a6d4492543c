// hardening: the one report writer. Every detection of heap misuse ends in report_heap_error(),
// which writes one report and then aborts (abort_on_error=1, the default) or returns so that the
// caller leaves the bad block alone (abort_on_error=0). It goes to the log sink (stderr, or
// log_path's PATH.PID) as one block whose first line is stable:
//   hardalloc[PID] PROGRAM: error: KIND on 0xADDR (block 0xSTART, SIZE bytes, requested N) in thread T
// ("block ..." is left out when no block is known, "requested N" when the size is not recorded),
// then one detail line when there is one, then the stack where the error was detected, one frame
// a line as "    #I 0xPC MODULE+0xOFFSET (SYMBOL+0xOFFSET)" (hardening/stack_trace.h), then, for
// a guarded block, "  allocated by thread T at:" and "  freed by thread T at:" with their stacks.
// It allocates nothing, takes no lock of the allocator and is async-signal-safe (a SIGSEGV
// handler calls it).
#pragma once
#include <cstddef>
#include <cstdint>

#include "hardening/stack_trace.h"

namespace hardalloc {

// The report kinds; their names are the KIND of the first line.
enum class ReportKind : uint8_t {
  double_free,           // a block freed (or used through realloc/usable size) when already free
  invalid_free,          // a pointer in our heap that is no block start
  interior_free,         // a pointer inside a live block, not its start
  foreign_free,          // a pointer outside every segment of ours (stack, global, other allocator)
  size_mismatch,         // free_sized/sized delete with a size or alignment the block was not given
  overflow,              // the bytes past the requested size were written (canary)
  write_after_free,      // a freed block was written before it was handed out again
  free_list_corruption,  // a free-list link that is not a block of its page
  guard_page_fault,      // an access to a guard page
  heap_check,            // ha_check_heap found a block in a state no misuse above explains
  // Faults in the guarded pool (hardening/guarded_pool.h), read or write as the CPU reported:
  use_after_free_read,   // a read of a guarded block after it was freed
  use_after_free_write,  // a write to a guarded block after it was freed
  underflow,             // an access below a guarded block's start
};
const char* report_kind_name(ReportKind kind);

// What is known of the block involved; zeros where nothing is.
struct BlockFacts {
  const void* address = nullptr;  // the pointer the program passed, or the faulting address
  const void* block = nullptr;    // start of the block it belongs to, if any
  size_t block_bytes = 0;
  size_t requested_bytes = 0;
  bool requested_known = false;
  const char* detail = nullptr;  // one more line, e.g. "the block was freed before"
  // A number that completes the detail line as "DETAIL: NUMBER_NAME N", e.g. the offset of the
  // first bad byte of an overflow or the size a sized free was given; not printed when null.
  const char* number_name = nullptr;
  size_t number = 0;
  // Where a guarded block was allocated and freed; null where not recorded.
  const StackTrace* allocated_at = nullptr;
  const StackTrace* freed_at = nullptr;
};

// Writes the report and aborts, or returns when abort_on_error=0 (the caller must then leave the
// block alone).
[[gnu::cold, gnu::noinline]] void report_heap_error(ReportKind kind, const BlockFacts& facts);

// Reports written so far by this process (printed at exit when abort_on_error=0).
uint64_t report_count();

}  // namespace hardalloc
