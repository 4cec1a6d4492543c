// The shared-memory page between the preload runner and its child (ha_fuzz_child).
//
// Protocol: the parent writes config and input, then one byte on the request pipe; the child
// runs the stream, writes result, then one byte on the reply pipe. End of file on the reply
// pipe means the child died: the target crashed it. Before its first request the child writes
// malloc_owner: the file its malloc resolves to, which the parent checks is the library (a
// library that does not define malloc, libz say, is no allocator and is refused).
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>

#include "run_result.h"

namespace hafuzz {

inline constexpr std::size_t CHANNEL_INPUT_BYTES = std::size_t{1} << 20;

// "memfd,request_read_fd,reply_write_fd", set by the parent for the child.
inline constexpr const char* CHANNEL_ENV = "HARDALLOC_FUZZ_CHANNEL";

struct ChildChannel {
  RunConfig config;
  std::uint32_t input_size_bytes;
  std::uint8_t input[CHANNEL_INPUT_BYTES];
  RunResult result;
  char malloc_owner[PATH_MAX];
};

}  // namespace hafuzz
