#include "sanitizer_quiet.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "sanitizer_build.h"

#if HA_FUZZ_ASAN
extern "C" {
void __sanitizer_set_report_fd(void* fd);
const char* __sanitizer_get_report_path();
}
#endif

namespace hafuzz {

#if HA_FUZZ_ASAN
namespace {

// The fd of /dev/null when reports may be redirected, else -1: reports go to stderr (no
// log_path in ASAN_OPTIONS), so that restoring fd 2 afterwards is right.
int null_fd_for_reports() {
  static const int fd = [] {
    const char* options = std::getenv("ASAN_OPTIONS");
    const char* path = __sanitizer_get_report_path();
    const bool to_stderr =
        (options == nullptr || std::strstr(options, "log_path") == nullptr) && (path == nullptr || path[0] == '\0');
    return to_stderr ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
  }();
  return fd;
}

}  // namespace

QuietSanitizerWarnings::QuietSanitizerWarnings(bool quiet) {
  if (!quiet) return;
  const int fd = null_fd_for_reports();
  if (fd < 0) return;
  __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<std::uintptr_t>(fd)));
  quieted_ = true;
}

QuietSanitizerWarnings::~QuietSanitizerWarnings() {
  if (quieted_) __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<std::uintptr_t>(STDERR_FILENO)));
}
#else
QuietSanitizerWarnings::QuietSanitizerWarnings(bool) {}
QuietSanitizerWarnings::~QuietSanitizerWarnings() = default;
#endif

}  // namespace hafuzz
