// AFL++ persistent-mode main for any LLVMFuzzerTestOneInput target (afl-clang-fast builds).
// Outside afl-fuzz it runs the files named on the command line, one input each.
#include <fcntl.h>
#include <unistd.h>  // read(), used by __AFL_FUZZ_TESTCASE_LEN

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

__AFL_FUZZ_INIT();

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; ++i) {
    // read(), not an ifstream: on a directory that throws std::ios_base::failure.
    const int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
    std::string bytes;
    char buffer[65536];
    ssize_t count = fd < 0 ? -1 : 0;
    while (fd >= 0 && (count = read(fd, buffer, sizeof buffer)) > 0)
      bytes.append(buffer, static_cast<std::size_t>(count));
    if (count < 0) {
      std::fprintf(stderr, "%s: error: cannot read %s: %s\n", argv[0], argv[i], std::strerror(errno));
      std::exit(2);
    }
    close(fd);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  if (argc > 1) return 0;
  __AFL_INIT();
  // In the fork server's child, before the first input: the empty input starts the harness's
  // threads (a fork copies none) and the allocator's per-thread state, which would otherwise
  // count as the first input's coverage and make it look unstable. __AFL_LOOP clears the map.
  LLVMFuzzerTestOneInput(nullptr, 0);
  const unsigned char* buffer = __AFL_FUZZ_TESTCASE_BUF;
  constexpr int PERSISTENT_RUNS = 10000;  // inputs per fork before afl-fuzz starts a fresh one
  while (__AFL_LOOP(PERSISTENT_RUNS)) {
    LLVMFuzzerTestOneInput(buffer, static_cast<std::size_t>(__AFL_FUZZ_TESTCASE_LEN));
  }
  return 0;
}
