// hardening: the SIGSEGV handler of guard pages (fault_handler.h).
#include "hardening/fault_handler.h"

#include <signal.h>
#include <ucontext.h>

#include <atomic>

namespace hardalloc {
namespace {

GuardPageDescriber g_describe = nullptr;
struct sigaction g_previous {};
std::atomic<bool> g_installed{false};

// Gives the fault to whoever had SIGSEGV before us: their handler, or the default action (the
// faulting instruction runs again and the process dies of SIGSEGV, with a core if enabled).
void chain(int signal, siginfo_t* info, void* context) {
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) {
      g_previous.sa_sigaction(signal, info, context);
      return;
    }
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(signal);
    return;
  }
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(SIGSEGV, &default_action, nullptr);
}

// x86-64: bit 1 of the page-fault error code is set for a write.
bool is_write(const void* context) {
#if defined(__x86_64__)
  constexpr greg_t PAGE_FAULT_WRITE = 2;
  return context != nullptr &&
         (static_cast<const ucontext_t*>(context)->uc_mcontext.gregs[REG_ERR] & PAGE_FAULT_WRITE) != 0;
#else
  (void)context;  // not told on this platform: the access counts as a read
  return false;
#endif
}

void on_fault(int signal, siginfo_t* info, void* context) {
  BlockFacts facts;
  ReportKind kind = ReportKind::guard_page_fault;
  if (info != nullptr && g_describe(info->si_addr, is_write(context), kind, facts)) {
    report_heap_error(kind, facts);  // aborts unless abort_on_error=0: then the fault is chained
  }
  chain(signal, info, context);
}

}  // namespace

bool install_guard_fault_handler(GuardPageDescriber describe) {
  // acq_rel: one caller installs; the others see it done (library constructors run on one thread).
  if (g_installed.exchange(true, std::memory_order_acq_rel)) return true;
  g_describe = describe;
  struct sigaction action {};
  action.sa_sigaction = &on_fault;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGSEGV, &action, &g_previous) != 0) {
    g_installed.store(false, std::memory_order_release);  // release: pairs with the exchange above
    return false;
  }
  return true;
}

}  // namespace hardalloc
