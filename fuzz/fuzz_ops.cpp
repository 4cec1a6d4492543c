// fuzz_ops: the op-stream fuzz target (libFuzzer; AFL++ through afl_main.cpp). Each input is a
// binary op stream run through a FuzzSession configured from the environment
// (HARDALLOC_FUZZ_TARGET, HARDALLOC_FUZZ_DIFF, ...); a finding is printed and aborts, so the
// engine keeps the input.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz_session.h"

namespace {

hafuzz::FuzzSession& session() {
  static const std::unique_ptr<hafuzz::FuzzSession> instance = [] {
    std::string error;
    hafuzz::SessionConfig config;
    std::unique_ptr<hafuzz::FuzzSession> created;
    if (hafuzz::SessionConfig::from_environment(&config, &error)) created = hafuzz::FuzzSession::create(config, &error);
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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string finding = session().run(data, size);
  if (!finding.empty()) {
    std::fprintf(stderr, "fuzz_ops: FINDING %s\n", finding.c_str());
    std::abort();
  }
  return 0;
}
