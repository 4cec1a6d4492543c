// ha_fuzz_child: runs op streams on this process's malloc, for the preload runner.
//
// Started with the allocator under test in LD_PRELOAD. Everything it keeps is static or in the
// shared channel, so nothing of the harness lives in the allocator under test.
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "child_channel.h"
#include "executor.h"
#include "op_binary.h"

namespace {

hafuzz::OpStream g_stream;  // static: decoding must not allocate

// The edge counters of this executable's instrumented code (-fsanitize-coverage=
// inline-8bit-counters on the harness's model in libFuzzer builds), handed over by each
// instrumented module's constructor: at most a few modules, concatenated in the channel.
struct CounterRegion {
  std::uint8_t* begin;
  std::uint8_t* end;
};
constexpr unsigned MAX_COUNTER_REGIONS = 4;
CounterRegion g_regions[MAX_COUNTER_REGIONS];
unsigned g_region_count = 0;

void clear_coverage() {
  for (unsigned i = 0; i < g_region_count; ++i)
    std::memset(g_regions[i].begin, 0, static_cast<std::size_t>(g_regions[i].end - g_regions[i].begin));
  hafuzz::clear_behaviour_counters();
}

// Writes the run's counters into the channel; edges beyond its room are left out.
void publish_coverage(hafuzz::ChildChannel* channel) {
  std::size_t count = 0;
  for (unsigned i = 0; i < g_region_count; ++i) {
    const auto length = static_cast<std::size_t>(g_regions[i].end - g_regions[i].begin);
    const std::size_t copied = std::min(length, hafuzz::CHILD_EDGE_COUNTERS - count);
    std::memcpy(channel->edge_counters + count, g_regions[i].begin, copied);
    count += copied;
  }
  channel->edge_counter_count = static_cast<std::uint32_t>(count);
  hafuzz::copy_behaviour_counters(channel->behaviour_counters);
  channel->coverage_published = true;
}

// Reads a file descriptor (decimal digits, below 2^20) and the separator after it: `end` for
// the last one. Strict, and without allocating (the allocator under test is preloaded).
bool read_fd(const char** text, char end, int* fd) {
  const char* c = *text;
  long value = 0;
  for (; *c >= '0' && *c <= '9' && value < (1L << 20); ++c) value = value * 10 + (*c - '0');
  if (c == *text || *c != end || value >= (1L << 20)) return false;
  *fd = static_cast<int>(value);
  *text = end == '\0' ? c : c + 1;
  return true;
}

// The channel's "memfd,request_read_fd,reply_write_fd" (child_channel.h).
bool parse_channel(const char* text, int* memory_fd, int* request_fd, int* reply_fd) {
  return text != nullptr && read_fd(&text, ',', memory_fd) && read_fd(&text, ',', request_fd) &&
         read_fd(&text, '\0', reply_fd);
}

hafuzz::ChildChannel* g_channel = nullptr;

// A fatal signal: the top frames of the stack go to the channel, then the signal ends the
// process as it would have (SA_RESETHAND restored the default action; the re-raised signal is
// delivered when the handler returns). dladdr and snprintf are not async-signal-safe by the
// letter, but neither allocates in glibc, and the process is dying either way.
void on_fatal_signal(int signal_number) {
  constexpr int MAX_FRAMES = 12;
  constexpr int SKIPPED_FRAMES = 2;  // this handler and the kernel's signal trampoline
  void* frames[MAX_FRAMES];
  const int frame_count = backtrace(frames, MAX_FRAMES);
  char* out = g_channel->crash_stack;
  std::size_t room = sizeof g_channel->crash_stack;
  for (int i = SKIPPED_FRAMES; i < frame_count && room > 1; ++i) {
    Dl_info info;
    const bool known = dladdr(frames[i], &info) != 0 && info.dli_fname != nullptr;
    const char* file = known ? std::strrchr(info.dli_fname, '/') : nullptr;
    file = file != nullptr ? file + 1 : (known ? info.dli_fname : "?");
    const bool named = known && info.dli_sname != nullptr;
    const auto base = reinterpret_cast<std::uintptr_t>(named ? info.dli_saddr : (known ? info.dli_fbase : nullptr));
    const int written =
        std::snprintf(out, room, "%s%s+0x%zx (%s)", i == SKIPPED_FRAMES ? "" : " < ", named ? info.dli_sname : "",
                      reinterpret_cast<std::uintptr_t>(frames[i]) - base, file);
    if (written < 0 || static_cast<std::size_t>(written) >= room) break;
    out += written;
    room -= static_cast<std::size_t>(written);
  }
  raise(signal_number);
}

void install_fatal_signal_handlers() {
  static char alternate_stack[1 << 16];  // a stack overflow must still be reported
  stack_t stack{};
  stack.ss_sp = alternate_stack;
  stack.ss_size = sizeof alternate_stack;
  sigaltstack(&stack, nullptr);
  void* warm_up[1];
  backtrace(warm_up, 1);  // loads the unwinder now: its first use allocates
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  // Only where the default action stands: the preloaded library's constructors ran first, and
  // a handler of its own (libhardalloc-hardened.so's guard-page fault handler) must stay, since
  // what it reports is what is being tested.
  for (const int signal_number : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP}) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) == 0 && !(current.sa_flags & SA_SIGINFO) &&
        current.sa_handler == SIG_DFL) {
      sigaction(signal_number, &action, nullptr);
    }
  }
}

}  // namespace

// Called by the constructor of each module built with -fsanitize-coverage=inline-8bit-counters
// (the sanitizer coverage interface, clang's SanitizerCoverage documentation).
extern "C" void __sanitizer_cov_8bit_counters_init(std::uint8_t* begin, std::uint8_t* end) {
  for (unsigned i = 0; i < g_region_count; ++i) {
    if (g_regions[i].begin == begin) return;  // a module announced twice counts once
  }
  if (g_region_count < MAX_COUNTER_REGIONS && begin < end) g_regions[g_region_count++] = {begin, end};
}

int main(int argc, char** argv) {
  if (argc > 1) {
    // Not a user command, but it answers like one.
    if (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
      std::printf(
          "usage: ha_fuzz_child (no arguments)\n"
          "Runs op streams on this process's malloc for the preload runner of ha_fuzz_replay, ha_diff and\n"
          "fuzz_ops, which start it with the allocator library under test in LD_PRELOAD and the channel in\n"
          "%s (docs/fuzzing.md, Targets). Not meant to be run by hand.\n",
          hafuzz::CHANNEL_ENV);
      return 0;
    }
    std::fprintf(stderr, "ha_fuzz_child: error: unexpected argument '%s' (see --help)\n", argv[1]);
    return 2;
  }
  const char* channel_spec = std::getenv(hafuzz::CHANNEL_ENV);
  int memory_fd = -1;
  int request_fd = -1;
  int reply_fd = -1;
  if (channel_spec == nullptr) {
    std::fprintf(stderr, "ha_fuzz_child: error: started without %s; it is run by the preload runner\n",
                 hafuzz::CHANNEL_ENV);
    return 2;
  }
  if (!parse_channel(channel_spec, &memory_fd, &request_fd, &reply_fd)) {
    std::fprintf(stderr, "ha_fuzz_child: error: %s: '%s' is not MEMFD,REQUEST_FD,REPLY_FD\n", hafuzz::CHANNEL_ENV,
                 channel_spec);
    return 2;
  }
  void* mapping = mmap(nullptr, sizeof(hafuzz::ChildChannel), PROT_READ | PROT_WRITE, MAP_SHARED, memory_fd, 0);
  if (mapping == MAP_FAILED) return 2;
  auto* channel = static_cast<hafuzz::ChildChannel*>(mapping);
  g_channel = channel;
  install_fatal_signal_handlers();
  void* (*process_malloc)(std::size_t) = &std::malloc;
  Dl_info info;
  const bool known = dladdr(reinterpret_cast<void*>(process_malloc), &info) != 0 && info.dli_fname != nullptr;
  std::strncpy(channel->malloc_owner, known ? info.dli_fname : "", sizeof channel->malloc_owner - 1);
  char token = 0;
  while (read(request_fd, &token, 1) == 1) {
    clear_coverage();
    hafuzz::decode_op_stream(channel->input, channel->input_size_bytes, &g_stream);
    hafuzz::execute_op_stream(g_stream, hafuzz::system_target(), channel->config, &channel->result);
    publish_coverage(channel);
    if (write(reply_fd, &token, 1) != 1) return 2;
  }
  return 0;
}
