#include "hardening/log_sink.h"

#include <atomic>

#include "base/spin_lock.h"
#include "os/os.h"

namespace hardalloc {
namespace {

constexpr int STDERR_FD = 2;
constexpr size_t PATH_CAPACITY = 1024 + 24;  // a log_path option plus ".PID"

// Written once by log_sink_open, inside read_options (once) and before options() publishes the
// options (release); every printer reads the options first (acquire), so it sees the path.
char g_path[PATH_CAPACITY];
// relaxed: set before the options are published (see above); later it only turns false (the file
// could not be opened), and a reader that still sees true takes g_lock and checks again.
std::atomic<bool> g_have_path{false};

// The open file of this process, guarded by g_lock (cold paths only: a block of output). Nothing
// under g_lock reads the options or takes another lock.
SpinLock g_lock;
int g_fd = STDERR_FD;
int g_fd_pid = 0;            // the process that opened g_fd; another pid means we are a fork child
uint64_t g_fd_identity = 0;  // what g_fd was when we opened it; it differs once the program closed it

size_t copy_text(char* out, size_t at, size_t capacity, const char* text) {
  while (*text != '\0' && at + 1 < capacity) out[at++] = *text++;
  out[at] = '\0';
  return at;
}

// Opens PATH.PID for this process and writes its "started" line. Holds g_lock.
void reopen_locked() {
  const int pid = os_pid();
  const uint64_t identity = g_fd == STDERR_FD ? 0 : os_file_identity(g_fd);
  // After fork the child owns a copy of the parent's descriptor: close it, but only if it is
  // still the file we opened (the program may have closed it and reused the number).
  if (g_fd != STDERR_FD && identity == g_fd_identity && g_fd_pid != pid) os_close(g_fd);
  const bool new_process = g_fd_pid != pid;

  char name[PATH_CAPACITY];
  char digits[16];
  size_t n = 0;
  for (unsigned value = static_cast<unsigned>(pid); n == 0 || value != 0; value /= 10) {
    digits[n++] = static_cast<char>('0' + value % 10);
  }
  size_t at = copy_text(name, 0, sizeof(name), g_path);
  at = copy_text(name, at, sizeof(name), ".");
  while (n > 0 && at + 1 < sizeof(name)) name[at++] = digits[--n];
  name[at] = '\0';

  g_fd = os_open_append(name);
  g_fd_pid = pid;
  if (g_fd < 0) {
    g_fd = STDERR_FD;
    g_have_path.store(false, std::memory_order_relaxed);  // tell once, then stay on stderr
    Writer err(STDERR_FD);
    log_block_prefix(err);
    err.text("warning: cannot open log_path file ").text(name).text(", writing to stderr\n");
    return;
  }
  g_fd_identity = os_file_identity(g_fd);
  if (new_process) {
    Writer out(g_fd);
    log_block_prefix(out);
    out.text("started\n");
  }
}

// fork: no thread may hold g_lock across fork, and the child opens its own file at once, so
// that a child that prints nothing is still seen.
void before_fork() { g_lock.lock(); }
void after_fork_in_parent() { g_lock.unlock(); }
void after_fork_in_child() {
  g_lock.reset_after_fork();
  LockGuard guard(g_lock);
  // relaxed: read under g_lock, as every later change of it is made.
  if (g_have_path.load(std::memory_order_relaxed)) reopen_locked();
}

}  // namespace

bool log_sink_open(const char* path) {
  if (path == nullptr || path[0] == '\0') return true;
  // The fork handlers before g_lock is first taken, so that no fork copies it held. Once, the
  // flag set first: a fork child whose parent forked while another thread was in here opens the
  // sink again (read_options runs again there), and a second registration would take g_lock
  // twice at its next fork.
  static bool fork_handlers_registered = false;  // only read_options (once) gets here
  if (!fork_handlers_registered) {
    fork_handlers_registered = true;
    os_register_fork_handlers(before_fork, after_fork_in_parent, after_fork_in_child);
  }
  copy_text(g_path, 0, sizeof(g_path), path);
  // relaxed: published with the options (release in options(), see above).
  g_have_path.store(true, std::memory_order_relaxed);
  {
    LockGuard guard(g_lock);
    // In such a child the sink's own fork handler may have opened this process's file already.
    if (g_fd == STDERR_FD || g_fd_pid != os_pid()) reopen_locked();
  }
  // relaxed: this thread stored it (or reopen_locked did, under g_lock just released).
  return g_have_path.load(std::memory_order_relaxed);
}

int log_fd() {
  // relaxed: a filter (the options' acquire made the path visible); checked again under g_lock.
  if (!g_have_path.load(std::memory_order_relaxed)) return STDERR_FD;
  LockGuard guard(g_lock);
  // relaxed: under g_lock, which orders every later change.
  if (g_have_path.load(std::memory_order_relaxed) && (g_fd_pid != os_pid() || os_file_identity(g_fd) != g_fd_identity))
    reopen_locked();
  return g_fd;
}

void log_block_prefix(Writer& out) {
  out.text("hardalloc[").number(static_cast<uint64_t>(os_pid())).text("] ").text(os_program_name()).text(": ");
}

}  // namespace hardalloc
