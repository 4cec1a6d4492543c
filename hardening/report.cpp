#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // dladdr
#endif
#include "hardening/report.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <unwind.h>

#include <atomic>

#include "base/writer.h"
#include "hardening/log_sink.h"
#include "hardening/options.h"

namespace hardalloc {
namespace {

// relaxed: a count for the exit summary, ordered by nothing else.
std::atomic<uint64_t> g_report_count{0};

constexpr int MAX_FRAMES = 32;

struct StackCapture {
  uintptr_t* frames;
  int count;
  int max;
};

// The return addresses of the calling thread's stack, from the unwind tables (.eh_frame), so
// code built without frame pointers unwinds too. libgcc's unwinder finds the tables through
// dl_iterate_phdr and the binary-search header, without allocating.
int capture_stack(uintptr_t* out, int max) {
  StackCapture capture{out, 0, max};
  _Unwind_Backtrace(
      [](_Unwind_Context* context, void* arg) {
        auto* c = static_cast<StackCapture*>(arg);
        const uintptr_t pc = _Unwind_GetIP(context);
        if (pc == 0 || c->count == c->max) return _URC_END_OF_STACK;
        c->frames[c->count++] = pc;
        return _URC_NO_REASON;
      },
      &capture);
  return capture.count;
}

void write_frame(Writer& w, int index, uintptr_t pc) {
  w.text("    #").number(static_cast<uint64_t>(index)).text(" ").hex(pc);
  Dl_info info{};
  // pc - 1: the call instruction, so a call that ends a function still names that function.
  if (dladdr(reinterpret_cast<void*>(pc - 1), &info) != 0 && info.dli_fname != nullptr) {
    w.text(" ").text(info.dli_fname).text("+").hex(pc - reinterpret_cast<uintptr_t>(info.dli_fbase));
    if (info.dli_sname != nullptr) {
      w.text(" (").text(info.dli_sname).text("+").hex(pc - reinterpret_cast<uintptr_t>(info.dli_saddr)).text(")");
    }
  }
  w.text("\n");
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
  }
  return "unknown";
}

void report_heap_error(ReportKind kind, const BlockFacts& facts) {
  // relaxed: a count, ordering nothing.
  g_report_count.fetch_add(1, std::memory_order_relaxed);
  uintptr_t frames[MAX_FRAMES];
  const int frame_count = capture_stack(frames, MAX_FRAMES);
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
    w.text(" in thread ").number(static_cast<uint64_t>(syscall(SYS_gettid))).text("\n");
    if (facts.detail != nullptr) {
      w.text("  ").text(facts.detail);
      if (facts.number_name != nullptr) w.text(": ").text(facts.number_name).text(" ").number(facts.number);
      w.text("\n");
    }
    w.text("  detected at:\n");
    // Frame 0 is this function: the stack starts where the misuse was detected.
    for (int i = 1; i < frame_count; ++i) write_frame(w, i - 1, frames[i]);
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
