// The two-dash options of the engine targets (fuzz_ops, fuzz_options). libFuzzer's own flags
// take one dash (-runs=N, -help=1) and it ignores "--anything" with a note, so "fuzz_ops --help"
// would start fuzzing for ever: from LLVMFuzzerInitialize, --help / -h prints the usage on stdout
// and exits 0, and any other "--" option is one line on stderr with exit status 2. Header-only,
// so the engine targets need nothing more to link.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace hafuzz {

inline void handle_engine_arguments(int argc, char** argv, const char* name, const char* usage) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(usage, stdout);
      std::exit(0);
    }
    if (std::strncmp(argv[i], "--", 2) == 0) {
      std::fprintf(stderr, "%s: error: unknown option '%s' (libFuzzer's flags take one dash: -help=1)\n", name,
                   argv[i]);
      std::exit(2);
    }
  }
}

}  // namespace hafuzz
