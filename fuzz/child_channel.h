// The shared-memory page between the preload runner and its child (ha_fuzz_child).
//
// Protocol: the parent writes config and input, then one byte on the request pipe; the child
// runs the stream, writes result, then one byte on the reply pipe. End of file on the reply
// pipe means the child died: the target crashed it (in result.current_op; crash_stack says where). Before its first
// request the child writes malloc_owner: the file its malloc resolves to, which the parent checks is the library (a
// library that does not define malloc, libz say, is no allocator and is refused). With each
// result the child writes the coverage of that run, which the parent hands to the fuzzing
// engine (engine_coverage.h): an engine sees only its own process.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>

#include "behaviour_coverage.h"
#include "run_result.h"

namespace hafuzz {

inline constexpr std::size_t CHANNEL_INPUT_BYTES = std::size_t{1} << 20;
// Room for the edge counters of the child's instrumented harness code (about 5,000 today).
inline constexpr std::size_t CHILD_EDGE_COUNTERS = std::size_t{1} << 15;
inline constexpr std::size_t CHILD_CRASH_STACK_BYTES = 1024;

// "memfd,request_read_fd,reply_write_fd", set by the parent for the child.
inline constexpr const char* CHANNEL_ENV = "HARDALLOC_FUZZ_CHANNEL";

struct ChildChannel {
  RunConfig config;
  std::uint32_t input_size_bytes;
  std::uint8_t input[CHANNEL_INPUT_BYTES];
  RunResult result;
  // The run's counters: the child's harness code's edges (libFuzzer builds instrument it;
  // edge_counter_count is 0 elsewhere) and the allocator's behaviour (behaviour_coverage.h),
  // valid when coverage_published (cleared by the parent before each run: a child that died
  // left the previous run's).
  bool coverage_published;
  std::uint32_t edge_counter_count;
  std::uint8_t edge_counters[CHILD_EDGE_COUNTERS];
  std::uint8_t behaviour_counters[BEHAVIOUR_COUNTERS];
  // Written by the child's handler of a fatal signal (SIGSEGV, SIGBUS, SIGABRT, ...): the top
  // frames of its stack, innermost first, "function+0xOFFSET (file)"; empty otherwise.
  char crash_stack[CHILD_CRASH_STACK_BYTES];
  char malloc_owner[PATH_MAX];
};

}  // namespace hafuzz
