// ha_fuzz_child: runs op streams on this process's malloc, for the preload runner.
//
// Started with the allocator under test in LD_PRELOAD. Everything it keeps is static or in the
// shared channel, so nothing of the harness lives in the allocator under test.
#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "child_channel.h"
#include "executor.h"
#include "op_binary.h"

namespace {

hafuzz::OpStream g_stream;  // static: decoding must not allocate

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

}  // namespace

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
  void* (*process_malloc)(std::size_t) = &std::malloc;
  Dl_info info;
  const bool known = dladdr(reinterpret_cast<void*>(process_malloc), &info) != 0 && info.dli_fname != nullptr;
  std::strncpy(channel->malloc_owner, known ? info.dli_fname : "", sizeof channel->malloc_owner - 1);
  char token = 0;
  while (read(request_fd, &token, 1) == 1) {
    hafuzz::decode_op_stream(channel->input, channel->input_size_bytes, &g_stream);
    hafuzz::execute_op_stream(g_stream, hafuzz::system_target(), channel->config, &channel->result);
    if (write(reply_fd, &token, 1) != 1) return 2;
  }
  return 0;
}
