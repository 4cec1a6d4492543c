#include "misuse.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hafuzz {
namespace {

constexpr unsigned CHILD_SECONDS = 10;       // a child that hangs dies of SIGALRM
constexpr int EXIT_NO_MEMORY = 3;            // the child could not get its block
constexpr std::size_t MIN_BLOCK_BYTES = 32;  // room for an interior pointer 16 bytes in
constexpr std::size_t MAX_BLOCK_BYTES = 4096;
constexpr std::size_t INTERIOR_OFFSET_BYTES = 16;
constexpr std::size_t MAX_OVERFLOW_BYTES = 16;
constexpr std::size_t MAX_SIZE_ERROR_BYTES = 64;
constexpr std::size_t LINK_BYTES = 8;
constexpr std::size_t WRITE_AFTER_FREE_WINDOW_BYTES = 256;
constexpr unsigned char FILL = 0xA5;

// A stray write changes the byte: it stores the complement of what is there. A fixed value would
// leave a byte alone that already held it, as a keyed canary byte does 1 time in 256 (found by
// this op: hardalloc-hardened "ignored" 0.2% of overflows of 0x5A bytes).
// Not instrumented: under ASan, hardalloc poisons the bytes past a block, and the write is the
// misuse the allocator, not ASan, is to report.
__attribute__((no_sanitize("address"))) void stray_write(volatile unsigned char* byte) {
  *byte = static_cast<unsigned char>(~*byte);
}

// The op's size when it is in [32, 4096], else one in that range.
std::size_t block_bytes(const Op& op) {
  if (op.size >= MIN_BLOCK_BYTES && op.size <= MAX_BLOCK_BYTES) return op.size;
  return MIN_BLOCK_BYTES + op.size % (MAX_BLOCK_BYTES - MIN_BLOCK_BYTES + 1);
}

// WRITE_AFTER_FREE's offset: past the first word (where allocators keep the free-list link) and
// within the first 256 bytes, where hardalloc's hardened build promises to see it
// (docs/hardening.md, "What it does not catch").
std::size_t write_after_free_offset(const Op& op, std::size_t size) {
  const std::size_t window = size < WRITE_AFTER_FREE_WINDOW_BYTES ? size : WRITE_AFTER_FREE_WINDOW_BYTES;
  return LINK_BYTES + op.count % (window - LINK_BYTES);
}

// Not a block of any heap: static storage of this program.
alignas(64) unsigned char g_foreign_bytes[256];

// The child's part: the misuse, the target's heap check, a clean exit (the misuse went unseen).
[[noreturn]] void misuse_in_child(const AllocatorTarget& target, const Op& op) {
  const std::size_t size = block_bytes(op);
  auto* block = static_cast<volatile unsigned char*>(target.malloc_fn(size));
  if (block == nullptr) _exit(EXIT_NO_MEMORY);
  for (std::size_t i = 0; i < size; ++i) block[i] = FILL;
  void* pointer = const_cast<unsigned char*>(block);
  switch (op.kind) {
    case OpKind::DOUBLE_FREE:
      target.free_fn(pointer);
      target.free_fn(pointer);
      break;
    case OpKind::INTERIOR_FREE:
      target.free_fn(const_cast<unsigned char*>(block + INTERIOR_OFFSET_BYTES));
      break;
    case OpKind::FOREIGN_FREE:
      target.free_fn(g_foreign_bytes + 64);
      break;
    case OpKind::WRONG_SIZE_FREE:
      target.free_sized_fn(pointer, size + 1 + op.count % MAX_SIZE_ERROR_BYTES);
      break;
    case OpKind::WRITE_AFTER_FREE:
      target.free_fn(pointer);
      stray_write(block + write_after_free_offset(op, size));
      break;
    case OpKind::OVERFLOW:
      for (std::size_t i = 0; i < 1 + op.count % MAX_OVERFLOW_BYTES; ++i) stray_write(block + size + i);
      target.free_fn(pointer);
      break;
    default:
      break;
  }
  if (target.check_fn != nullptr) target.check_fn();
  _exit(0);
}

// The KIND of the first hardalloc report in `text`, as an index of REPORT_KIND_NAMES, or -1.
int report_kind_in(const char* text) {
  for (const char* line = std::strstr(text, "hardalloc["); line != nullptr;
       line = std::strstr(line + 1, "hardalloc[")) {
    const char* error = std::strstr(line, ": error: ");
    const char* end_of_line = std::strchr(line, '\n');
    if (error == nullptr || (end_of_line != nullptr && error > end_of_line)) continue;
    const char* kind = error + std::strlen(": error: ");
    for (unsigned k = 0; k < REPORT_KIND_COUNT; ++k) {
      const std::size_t length = std::strlen(REPORT_KIND_NAMES[k]);
      if (std::strncmp(kind, REPORT_KIND_NAMES[k], length) == 0 && kind[length] == ' ') return static_cast<int>(k);
    }
  }
  return -1;
}

}  // namespace

bool is_misuse(OpKind kind) {
  for (const OpKind misuse : MISUSE_KINDS) {
    if (misuse == kind) return true;
  }
  return false;
}

ExpectedReport expected_report(OpKind kind) {
  switch (kind) {
    case OpKind::DOUBLE_FREE:
      return {"double-free", nullptr};
    case OpKind::INTERIOR_FREE:
      return {"interior-free", nullptr};
    case OpKind::FOREIGN_FREE:
      return {"foreign-free", nullptr};
    case OpKind::WRONG_SIZE_FREE:
      return {"size-mismatch", nullptr};
    case OpKind::WRITE_AFTER_FREE:
      // A freed block in the guarded pool faults at once, at the stray write's read of the byte
      // it changes (stray_write), which the fault handler names a read.
      return {"write-after-free", "use-after-free-read"};
    case OpKind::OVERFLOW:
      return {"overflow", "guard-page-fault"};  // past a page's last block: its guard page
    default:
      return {nullptr, nullptr};
  }
}

Observation run_misuse(const AllocatorTarget& target, const Op& op) {
  if (op.kind == OpKind::WRONG_SIZE_FREE && target.free_sized_fn == nullptr) {
    return Observation{Outcome::UNSUPPORTED, 0};
  }
  // Without a pipe or a child the op did not run: SKIPPED, never an observation of the allocator.
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return Observation{Outcome::SKIPPED, 0};
  const pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return Observation{Outcome::SKIPPED, 0};
  }
  if (child == 0) {
    close(pipe_fds[0]);
    dup2(pipe_fds[1], STDERR_FILENO);
    const rlimit no_core{0, 0};  // an abort must not spend seconds writing a core file
    setrlimit(RLIMIT_CORE, &no_core);
    // A fuzzing engine's handlers (libFuzzer's for SIGABRT, SIGALRM, ...) are not for this child:
    // they would record its expected abort as a crash of the campaign. SIGSEGV stays: hardalloc's
    // guarded pool reports through its handler.
    for (const int sig : {SIGABRT, SIGALRM, SIGBUS, SIGFPE, SIGILL, SIGTRAP}) signal(sig, SIG_DFL);
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &alarm_only, nullptr);
    alarm(CHILD_SECONDS);
    misuse_in_child(target, op);
  }
  close(pipe_fds[1]);
  char text[4096];
  std::size_t length = 0;
  for (;;) {  // read to the end, keeping the beginning, so that the child never blocks on a full pipe
    char chunk[512];
    const ssize_t got = read(pipe_fds[0], chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    const std::size_t kept = std::min(static_cast<std::size_t>(got), sizeof text - 1 - length);
    std::memcpy(text + length, chunk, kept);
    length += kept;
  }
  text[length] = '\0';
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return Observation{Outcome::SKIPPED, 0};
  }
  const int kind = report_kind_in(text);
  if (kind >= 0) return Observation{Outcome::REPORTED, kind};
  if (WIFSIGNALED(status)) return Observation{Outcome::DIED, WTERMSIG(status)};
  if (WEXITSTATUS(status) != 0) return Observation{Outcome::DIED, 256 + WEXITSTATUS(status)};
  return Observation{Outcome::IGNORED, 0};
}

const char* describe_misuse(const Observation& observation, char* buffer, std::size_t capacity) {
  switch (observation.outcome) {
    case Outcome::REPORTED:
      std::snprintf(buffer, capacity, "reports %s", REPORT_KIND_NAMES[observation.error_number]);
      break;
    case Outcome::DIED:
      if (observation.error_number >= 256) {
        std::snprintf(buffer, capacity, "exits with status %d", observation.error_number - 256);
      } else {
        const char* name = sigabbrev_np(observation.error_number);
        std::snprintf(buffer, capacity, "dies: SIG%s", name != nullptr ? name : "?");
      }
      break;
    case Outcome::IGNORED:
      std::snprintf(buffer, capacity, "ignores");
      break;
    default:
      std::snprintf(buffer, capacity, "not run");
      break;
  }
  return buffer;
}

}  // namespace hafuzz
