// One misuse of a guarded block per run, chosen by name, for the death tests of the guarded pool
// (check_misuse.py runs it with libhardalloc-hardened.so preloaded and HARDALLOC_OPTIONS
// guard_all=1 or sample_rate=1, so every block below is guarded). Linked with -rdynamic, so that
// the reports' stacks name allocate_block and release_block; built at -O0 without builtins and
// with pointers passed through an opaque barrier, so the compiler keeps each bug (FACTS.md).
// Usage: hardened_guarded CASE [SIZE]; exit 0 if the program gets past the misuse, 1 when a
// check of its own fails, 2 on bad usage.
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "case_arguments.h"
#include "hardalloc.h"
#include "opaque.h"

using hardalloc_test::opaque;

// Not static and not inlined: the reports' allocation and free stacks must name them.
extern "C" __attribute__((noinline)) uint8_t* allocate_block(size_t size) {
  return static_cast<uint8_t*>(opaque(std::malloc(size)));
}
extern "C" __attribute__((noinline)) void release_block(void* p) { std::free(opaque(p)); }

namespace {

volatile uint8_t g_sink;

ha_stats stats() {
  using StatsGet = int (*)(ha_stats*);
  auto get = reinterpret_cast<StatsGet>(dlsym(RTLD_DEFAULT, "ha_stats_get"));
  if (get == nullptr) {
    std::fprintf(stderr, "hardened_guarded: ha_stats_get not found (is the library preloaded?)\n");
    std::exit(3);
  }
  ha_stats s{};
  get(&s);
  return s;
}

// Sampling statistics: over 1,000,000 allocations at sample_rate=1000 the pool must guard
// 1,000 +- 100 of them. Intervals are uniform on [1, 1999], so the count's standard deviation is
// about sqrt(1000) * 0.577 = 18: the tolerance is 5.5 of them (a false failure once in ~10^7 runs).
int count_samples() {
  constexpr int ALLOCATIONS = 1000000;
  const size_t before = stats().guarded_allocations;
  for (int i = 0; i < ALLOCATIONS; ++i) release_block(allocate_block(32));
  const size_t guarded = stats().guarded_allocations - before;
  std::printf("%zu of %d allocations guarded\n", guarded, ALLOCATIONS);
  return guarded >= 900 && guarded <= 1100 ? 0 : 1;
}

// Blocks still allocated at exit (report_live_at_exit=1): 3 x 100 bytes from one stack, 1 x 1000
// from another; the report must list the second first (most bytes).
extern "C" __attribute__((noinline)) void keep_small_blocks() {
  for (int i = 0; i < 3; ++i) opaque(allocate_block(100));
}
extern "C" __attribute__((noinline)) void keep_large_block() { opaque(allocate_block(1000)); }

int run(const std::string& name, size_t size) {
  if (name == "use-after-free-read") {
    uint8_t* p = allocate_block(size);
    release_block(p);
    g_sink = p[size / 2];
  } else if (name == "use-after-free-write") {
    uint8_t* p = allocate_block(size);
    release_block(p);
    p[size / 2] = 1;
  } else if (name == "overflow-read") {  // one byte past the request: on the guard page when
    uint8_t* p = allocate_block(size);   // SIZE is a multiple of 16
    g_sink = p[size];
  } else if (name == "overflow-write") {
    uint8_t* p = allocate_block(size);
    p[size] = 1;
  } else if (name == "overflow-slack") {  // into the slack of a SIZE not a multiple of 16: at free
    uint8_t* p = allocate_block(size);
    p[size] = 1;
    release_block(p);
  } else if (name == "underflow-read") {  // guard_side=left
    uint8_t* p = allocate_block(size);
    g_sink = p[-1];
  } else if (name == "underflow-write") {
    uint8_t* p = allocate_block(size);
    p[-1] = 1;
  } else if (name == "copy-overflow") {  // the checked memcpy stops it before the guard page faults
    uint8_t* p = allocate_block(size);
    uint8_t source[128] = {};
    std::memcpy(p, source, opaque(size + 1));
  } else if (name == "double-free") {
    uint8_t* p = allocate_block(size);
    release_block(p);
    release_block(p);
  } else if (name == "invalid-free") {  // a pointer inside a live guarded block
    uint8_t* p = allocate_block(size);
    release_block(p + 16);
  } else if (name == "count-samples") {
    return count_samples();
  } else if (name == "live-at-exit") {
    keep_small_blocks();
    keep_large_block();
  } else if (name == "aligned-sampled") {  // sample_rate=2: the sampler picks aligned allocations'
    for (int i = 0; i < 2000; ++i) {       // inner mallocs too, which must not reach a page's path
      void* a = nullptr;
      const size_t alignment = size_t{32} << (i % 8);
      if (posix_memalign(&a, alignment, size + static_cast<size_t>(i % 100)) != 0) return 1;
      if (reinterpret_cast<uintptr_t>(a) % alignment != 0) return 1;
      release_block(a);
    }
    std::puts("clean");
  } else if (name == "clean") {  // every API on guarded blocks, used correctly
    uint8_t* p = allocate_block(size);
    std::memset(p, 7, size);
    p = static_cast<uint8_t*>(std::realloc(p, 2 * size));
    for (size_t i = 0; i < size; ++i) {
      if (p[i] != 7) return 1;
    }
    auto* z = static_cast<uint8_t*>(std::calloc(4, size));
    for (size_t i = 0; i < 4 * size; ++i) {
      if (z[i] != 0) return 1;
    }
    void* a = nullptr;
    if (posix_memalign(&a, 256, size) != 0 || reinterpret_cast<uintptr_t>(a) % 256 != 0) return 1;
    release_block(a);
    release_block(z);
    release_block(p);
    std::puts("clean");
  } else {
    std::fprintf(stderr, "hardened_guarded: unknown case '%s'\n", name.c_str());
    return 2;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const hardalloc_test::CaseArguments args = hardalloc_test::parse_case_arguments("hardened_guarded", argc, argv, 64);
  return run(args.name, args.size);
}
