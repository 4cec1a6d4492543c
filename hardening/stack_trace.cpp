#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // dladdr
#endif
#include "hardening/stack_trace.h"

#include <dlfcn.h>
#include <link.h>
#include <unwind.h>

#include <atomic>

#include "os/os.h"

namespace hardalloc {
namespace {

struct Capture {
  uintptr_t* frames;
  int count;
  int max;
};

// The executable code of the shared library this code is in: the allocator's own frames, left
// out of recorded stacks. Empty when the allocator is linked into the program (its frames then
// cannot be told from the program's by address, and are kept).
struct CodeRange {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};
CodeRange g_own_code;
// 0: not looked up, 1: being looked up, 2: g_own_code is set. acquire/release: a reader that
// sees 2 sees g_own_code. A thread that finds it being looked up keeps every frame.
std::atomic<int> g_own_code_state{0};

void find_own_code() {
  int expected = 0;
  // relaxed on failure: the loser reads nothing; acq_rel on success: nothing to order before.
  if (!g_own_code_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel, std::memory_order_relaxed))
    return;
  Dl_info self{};
  if (dladdr(reinterpret_cast<void*>(&find_own_code), &self) != 0) {
    struct Search {
      void* base = nullptr;
      bool first = true;  // dl_iterate_phdr lists the program first
    } search{self.dli_fbase};
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* arg) {
          auto* search = static_cast<Search*>(arg);
          const bool program = search->first;
          search->first = false;
          if (reinterpret_cast<void*>(info->dlpi_addr) != search->base) return 0;
          for (int i = 0; i < info->dlpi_phnum && !program; ++i) {
            const ElfW(Phdr)& ph = info->dlpi_phdr[i];
            if (ph.p_type != PT_LOAD || (ph.p_flags & PF_X) == 0) continue;
            g_own_code.begin = info->dlpi_addr + ph.p_vaddr;
            g_own_code.end = g_own_code.begin + ph.p_memsz;
          }
          return 1;
        },
        &search);
  }
  g_own_code_state.store(2, std::memory_order_release);  // publishes g_own_code
}

}  // namespace

int capture_frames(uintptr_t* out, int max) {
  Capture capture{out, 0, max};
  // libgcc finds the unwind tables through _dl_find_object (or dl_iterate_phdr), without
  // allocating.
  _Unwind_Backtrace(
      [](_Unwind_Context* context, void* arg) {
        auto* c = static_cast<Capture*>(arg);
        const uintptr_t pc = _Unwind_GetIP(context);
        if (pc == 0 || c->count == c->max) return _URC_END_OF_STACK;
        c->frames[c->count++] = pc;
        return _URC_NO_REASON;
      },
      &capture);
  return capture.count;
}

int first_foreign_frame(const uintptr_t* frames, int count) {
  // acquire: pairs with find_own_code's release.
  if (g_own_code_state.load(std::memory_order_acquire) != 2) find_own_code();
  if (g_own_code_state.load(std::memory_order_acquire) != 2) return 0;
  int first = 0;
  while (first < count && frames[first] >= g_own_code.begin && frames[first] < g_own_code.end) ++first;
  return first;
}

void StackTrace::capture() {
  constexpr int OWN_FRAMES_MAX = 8;  // the allocator's frames above the program's, at most
  uintptr_t all[MAX_FRAMES + OWN_FRAMES_MAX];
  const int count = capture_frames(all, MAX_FRAMES + OWN_FRAMES_MAX);
  depth = 0;
  for (int i = first_foreign_frame(all, count); i < count && depth < MAX_FRAMES; ++i) frames[depth++] = all[i];
  thread = os_thread_id();
}

uint64_t StackTrace::hash() const {
  uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a over the frames
  for (int i = 0; i < depth; ++i) h = (h ^ frames[i]) * 0x100000001B3ull;
  return h;
}

void write_frames(Writer& w, const uintptr_t* frames, int first, int count) {
  for (int i = first; i < count; ++i) {
    const uintptr_t pc = frames[i];
    w.text("    #").number(static_cast<uint64_t>(i - first)).text(" ").hex(pc);
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
}

}  // namespace hardalloc
