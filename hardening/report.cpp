#include "hardening/report.h"

#include <stdlib.h>

#include <atomic>

#include "base/writer.h"
#include "hardening/log_sink.h"
#include "hardening/options.h"
#include "os/os.h"

namespace hardalloc {
namespace {

// relaxed: a count for the exit summary, ordered by nothing else.
std::atomic<uint64_t> g_report_count{0};

constexpr int MAX_FRAMES = 32;

void write_recorded(Writer& w, const char* what, const StackTrace* stack) {
  if (stack == nullptr) return;
  w.text("  ").text(what).text(" by thread ").number(stack->thread).text(" at:\n");
  write_frames(w, stack->frames, 0, stack->depth);
}

}  // namespace

const char* report_kind_name(ReportKind kind) {
  switch (kind) {
    case ReportKind::double_free:
      return "double-free";
    case ReportKind::invalid_free:
      return "invalid-free";
    case ReportKind::interior_free:
      return "interior-free";
    case ReportKind::foreign_free:
      return "foreign-free";
    case ReportKind::size_mismatch:
      return "size-mismatch";
    case ReportKind::overflow:
      return "overflow";
    case ReportKind::write_after_free:
      return "write-after-free";
    case ReportKind::free_list_corruption:
      return "free-list-corruption";
    case ReportKind::guard_page_fault:
      return "guard-page-fault";
    case ReportKind::heap_check:
      return "heap-check";
    case ReportKind::use_after_free_read:
      return "use-after-free-read";
    case ReportKind::use_after_free_write:
      return "use-after-free-write";
    case ReportKind::underflow:
      return "underflow";
  }
  return "unknown";
}

void report_heap_error(ReportKind kind, const BlockFacts& facts) {
  // relaxed: a count, ordering nothing.
  g_report_count.fetch_add(1, std::memory_order_relaxed);
  uintptr_t frames[MAX_FRAMES];
  const int frame_count = capture_frames(frames, MAX_FRAMES);
  {
    LogBlock block("error: ");
    Writer& w = block.out();
    w.text(report_kind_name(kind)).text(" on ").hex(reinterpret_cast<uintptr_t>(facts.address));
    if (facts.block != nullptr) {
      w.text(" (block ")
          .hex(reinterpret_cast<uintptr_t>(facts.block))
          .text(", ")
          .number(facts.block_bytes)
          .text(" bytes");
      if (facts.requested_known) w.text(", requested ").number(facts.requested_bytes);
      w.text(")");
    }
    w.text(" in thread ").number(os_thread_id()).text("\n");
    if (facts.detail != nullptr) {
      w.text("  ").text(facts.detail);
      if (facts.number_name != nullptr) w.text(": ").text(facts.number_name).text(" ").number(facts.number);
      w.text("\n");
    }
    w.text("  detected at:\n");
    // From the program's frame that called the allocator (or, for a fault, from the signal
    // frame); in a program the allocator is linked into, from the allocator's own.
    const int first = first_foreign_frame(frames, frame_count);
    write_frames(w, frames, first == 0 ? 2 : first, frame_count);
    write_recorded(w, "allocated", facts.allocated_at);
    write_recorded(w, "freed", facts.freed_at);
  }
  if (options().abort_on_error) abort();
}

// relaxed: a count, ordering nothing.
uint64_t report_count() { return g_report_count.load(std::memory_order_relaxed); }

// With abort_on_error=0 a run goes on past its reports: say at exit how many there were.
__attribute__((destructor)) static void print_report_count_at_exit() {
  const uint64_t count = report_count();
  if (count == 0) return;
  LogBlock("summary: ").out().number(count).text(count == 1 ? " heap error reported\n" : " heap errors reported\n");
}

}  // namespace hardalloc
