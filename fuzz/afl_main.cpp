// AFL++ persistent-mode main for any LLVMFuzzerTestOneInput target (afl-clang-fast builds).
// Outside afl-fuzz it runs the files named on the command line, one input each.
#include <unistd.h>  // read(), used by __AFL_FUZZ_TESTCASE_LEN

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

__AFL_FUZZ_INIT();

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream file(argv[i], std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  if (argc > 1) return 0;
  __AFL_INIT();
  const unsigned char* buffer = __AFL_FUZZ_TESTCASE_BUF;
  constexpr int PERSISTENT_RUNS = 10000;  // inputs per fork before afl-fuzz starts a fresh one
  while (__AFL_LOOP(PERSISTENT_RUNS)) {
    LLVMFuzzerTestOneInput(buffer, static_cast<std::size_t>(__AFL_FUZZ_TESTCASE_LEN));
  }
  return 0;
}
