// fuzz_options: fuzzes hardalloc's HARDALLOC_OPTIONS parser. The parser must accept any bytes
// without crashing, allocating through malloc, or reading past len (ASan checks the last).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "engine_arguments.h"

// Exported by hardalloc::prefixed for this fuzzer: parses text[0, len) as HARDALLOC_OPTIONS
// would be, into a scratch option set; returns the count of options accepted.
extern "C" int ha_options_parse_for_fuzzing(const char* text, std::size_t len);

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  hafuzz::handle_engine_arguments(
      *argc, *argv, "fuzz_options",
      "usage: fuzz_options [libFuzzer flags] [CORPUS_DIR | INPUT]...\n"
      "Fuzzes hardalloc's HARDALLOC_OPTIONS parser (ASan reports any read past the text). It fuzzes\n"
      "until stopped: bound it with -max_total_time=SECONDS or -runs=N (libFuzzer's flags, listed by\n"
      "-help=1).\n");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size copy: a read past len is a heap overflow ASan reports.
  std::unique_ptr<char[]> text(new char[size == 0 ? 1 : size]);
  if (size != 0) std::memcpy(text.get(), data, size);
  ha_options_parse_for_fuzzing(text.get(), size);
  return 0;
}
