// fuzz_ops: the op-stream fuzz target (libFuzzer; AFL++ through afl_main.cpp). Each input is a
// binary op stream run through a FuzzSession configured from the environment
// (HARDALLOC_FUZZ_TARGET, HARDALLOC_FUZZ_DIFF, ...); a finding is printed and aborts, so the
// engine keeps the input. libFuzzer mutates inputs op by op (op_mutator.h).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "engine_arguments.h"
#include "fuzz_session.h"
#include "op_mutator.h"

namespace {

constexpr const char* USAGE =
    "usage: fuzz_ops [libFuzzer flags] [CORPUS_DIR | INPUT]...\n"
    "The op-stream fuzz target: each input runs through a FuzzSession on the target named by\n"
    "HARDALLOC_FUZZ_TARGET (and HARDALLOC_FUZZ_DIFF, HARDALLOC_FUZZ_MODE, ...: docs/fuzzing.md);\n"
    "a finding prints 'fuzz_ops: FINDING ...' and aborts, so the engine keeps the input.\n"
    "It fuzzes until stopped: bound it with -max_total_time=SECONDS or -runs=N (libFuzzer's flags,\n"
    "listed by -help=1). tools/campaign.sh runs it on many cores.\n";

// Before hardalloc reads HARDALLOC_OPTIONS (a constructor of the library, at the default
// priority): unless the user set one, the purge delay becomes an hour. The executor's reset
// after each input purges every page and segment by force (executor.h), so the purge paths are
// still fuzzed, at the end of every input; what goes is a purge by the clock in the middle of
// an input that runs longer than the delay, which made such an input take different paths from
// run to run (AFL++ stability 82-87% against 97-98% without it, in 30 s runs). Once the
// libraries have read it, LLVMFuzzerInitialize puts the user's value back, so that library
// targets' child processes (which have no reset) and other programs get what the user set.
constexpr const char* HELD_PURGE_DELAY = "purge_delay_ms=3600000";
char g_user_options[4096];
bool g_user_had_options = false;
bool g_purges_held = false;

__attribute__((constructor(101))) void hold_purges_for_the_reset() {
  const char* options = std::getenv("HARDALLOC_OPTIONS");
  // Not held when the user set a delay, or set options too long to keep whole.
  if (options != nullptr &&
      (std::strstr(options, "purge_delay_ms") != nullptr || std::strlen(options) >= sizeof g_user_options))
    return;
  g_user_had_options = options != nullptr;
  if (g_user_had_options) std::strcpy(g_user_options, options);
  char value[sizeof g_user_options + 32];
  std::snprintf(value, sizeof value, "%s%s%s", g_user_options, g_user_had_options ? "," : "", HELD_PURGE_DELAY);
  g_purges_held = setenv("HARDALLOC_OPTIONS", value, 1) == 0;
}

void give_back_user_options() {
  if (!g_purges_held) return;
  if (g_user_had_options) {
    setenv("HARDALLOC_OPTIONS", g_user_options, 1);
  } else {
    unsetenv("HARDALLOC_OPTIONS");
  }
}

hafuzz::FuzzSession& session() {
  static const std::unique_ptr<hafuzz::FuzzSession> instance = [] {
    std::string error;
    hafuzz::SessionConfig config;
    std::unique_ptr<hafuzz::FuzzSession> created;
    if (hafuzz::SessionConfig::from_environment(&config, &error, hafuzz::InputSource::GENERATED))
      created = hafuzz::FuzzSession::create(config, &error);
    if (!created) {
      std::fprintf(stderr, "fuzz_ops: error: %s\n", error.c_str());
      std::exit(2);
    }
    std::fprintf(stderr, "fuzz_ops: %s\n", created->describe().c_str());
    return created;
  }();
  return *instance;
}

}  // namespace

// Options first, then the environment: a mistake in either is one line and exit status 2
// before any fuzzing starts.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  hafuzz::handle_engine_arguments(*argc, *argv, "fuzz_ops", USAGE);
  give_back_user_options();
  session();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string finding = session().run(data, size);
  if (!finding.empty()) {
    std::fprintf(stderr, "fuzz_ops: FINDING %s\n", finding.c_str());
    std::abort();
  }
  return 0;
}

// libFuzzer's byte-level mutator, weak: the AFL++ build (afl_main.cpp) has none and never calls
// the two hooks below, which then mutate op by op only.
extern "C" __attribute__((weak)) std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size,
                                                              std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  return hafuzz::mutate_op_stream(data, size, max_size, seed, LLVMFuzzerMutate);
}

extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t* first, std::size_t first_size,
                                                 const std::uint8_t* second, std::size_t second_size, std::uint8_t* out,
                                                 std::size_t max_out_size, unsigned int seed) {
  return hafuzz::cross_over_op_streams(first, first_size, second, second_size, out, max_out_size, seed);
}
