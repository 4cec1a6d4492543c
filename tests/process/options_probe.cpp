// A program that makes hardalloc start (reading HARDALLOC_OPTIONS) and allocates from two
// threads, then exits normally so that exit-time output (print_stats) runs.
#include <hardalloc.h>

#include <thread>

namespace {

int allocate_and_free() {
  void* small = ha_malloc(100);
  void* huge = ha_malloc(std::size_t{8} << 20);
  const int failed = small == nullptr || huge == nullptr;
  ha_free(small);
  ha_free(huge);
  return failed;
}

}  // namespace

int main() {
  int thread_failed = 0;
  std::thread worker([&] { thread_failed = allocate_and_free(); });
  worker.join();
  return allocate_and_free() + thread_failed;
}
