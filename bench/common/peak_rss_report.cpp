// Linked into every workload: when the program exits normally, prints its peak RSS as
// "peak_rss_kib=N" for bench/run.py. It is read from VmHWM in /proc/self/status, which counts
// this program only: the parent's rusage (ru_maxrss) would also count the driver's memory that
// the child still had between fork and exec.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace {

constexpr const char* PEAK_FIELD = "VmHWM:";

class PeakRssReport {
 public:
  PeakRssReport() = default;
  PeakRssReport(const PeakRssReport&) = delete;
  PeakRssReport& operator=(const PeakRssReport&) = delete;

  // Runs after main returns (or exit is called), when every workload thread has been joined.
  ~PeakRssReport() {
    char status[4096] = {};
    const int descriptor = open("/proc/self/status", O_RDONLY);
    if (descriptor < 0) return;  // the driver reports the missing figure as a failure
    const ssize_t length = read(descriptor, status, sizeof status - 1);
    close(descriptor);
    const char* field = length > 0 ? std::strstr(status, PEAK_FIELD) : nullptr;
    unsigned long peak_kib = 0;
    if (field != nullptr && std::sscanf(field + std::strlen(PEAK_FIELD), "%lu", &peak_kib) == 1) {
      std::printf("peak_rss_kib=%lu\n", peak_kib);
      std::fflush(stdout);
    }
  }
};

const PeakRssReport report;

}  // namespace
