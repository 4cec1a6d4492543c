#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // mremap
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "base/bits.h"
#include "os/os.h"

extern char** environ;

namespace hardalloc {

bool os_page_size_matches() { return sysconf(_SC_PAGESIZE) == static_cast<long>(OS_PAGE_BYTES); }

namespace {

// Aligned mappings are first tried at a hint address that is already aligned, so that the
// reservation is exactly `bytes` (an address-space limit counts every byte reserved, and the
// over-map-and-trim fallback briefly needs `bytes + alignment`). Hints walk up from 32 TiB
// (user space ends at 128 TiB; sanitizer runtimes that reject the range make us fall back).
// The walk starts at a random 4 MiB-aligned point of its first 8 TiB, so segment addresses differ
// from run to run (ASLR), and steps back to any range given back below it (os_unmap).
constexpr uintptr_t HINT_BASE = uintptr_t{32} << 40;
constexpr uintptr_t HINT_END = uintptr_t{48} << 40;
constexpr uintptr_t HINT_RANDOM_SPAN = uintptr_t{8} << 40;
std::atomic<uintptr_t> g_next_hint{0};

uintptr_t random_hint_start() {
  uintptr_t r = 0;
  os_random_bytes(&r, sizeof r);
  return HINT_BASE + (r % HINT_RANDOM_SPAN & ~((uintptr_t{1} << 22) - 1));
}

void* map_at_hint(size_t bytes, size_t alignment, size_t align_offset) {
  const size_t step = align_up(bytes + align_offset, alignment);
  // relaxed: threads only need distinct hints; a collision merely costs the fallback.
  if (g_next_hint.load(std::memory_order_relaxed) == 0) {
    uintptr_t expected = 0;
    // relaxed: one random start wins; the losers' starts are dropped.
    g_next_hint.compare_exchange_strong(expected, random_hint_start(), std::memory_order_relaxed);
  }
  // relaxed: the RMW alone makes the ranges distinct.
  uintptr_t start = g_next_hint.fetch_add(step, std::memory_order_relaxed);
  if (start + step > HINT_END) {
    g_next_hint.store(HINT_BASE, std::memory_order_relaxed);  // wrap: freed ranges are free again
    return nullptr;
  }
  start = align_up(start + align_offset, alignment) - align_offset;
  void* hint = reinterpret_cast<void*>(start);
  void* got = mmap(hint, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (got == MAP_FAILED) return nullptr;
  if (got == hint) return got;
  munmap(got, bytes);  // the kernel placed it elsewhere: the range is taken
  return nullptr;
}

}  // namespace

void* os_map_aligned(size_t bytes, size_t alignment, size_t align_offset) {
  if (bytes == 0 || bytes > (size_t{1} << 46) || alignment > (size_t{1} << 40)) return nullptr;
  const int saved_errno = errno;  // a failed mmap must not change what the caller sees
  if (alignment > OS_PAGE_BYTES) {
    if (void* p = map_at_hint(bytes, alignment, align_offset)) return p;
  }
  // Map more than needed, then trim both ends so the kept range is aligned. Alignments up to
  // the OS page size need no trimming.
  const size_t slack = alignment > OS_PAGE_BYTES ? alignment : 0;
  void* raw = mmap(nullptr, bytes + slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  errno = saved_errno;
  if (raw == MAP_FAILED) return nullptr;
  if (slack == 0) return raw;
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = align_up(start + align_offset, alignment) - align_offset;
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t end = start + bytes + slack;
  if (end > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), end - (aligned + bytes));
  return reinterpret_cast<void*>(aligned);
}

void os_unmap(void* addr, size_t bytes) {
  const int saved_errno = errno;
  munmap(addr, bytes);
  errno = saved_errno;
  // The walk of hints goes back to the lowest range given back, so that freed address space is
  // reused instead of ever-higher addresses (whose page tables, and a sanitizer's shadow of them,
  // would otherwise grow with every mapping).
  const auto start = reinterpret_cast<uintptr_t>(addr);
  if (start < HINT_BASE || start >= HINT_END) return;
  // relaxed: a hint only; a lost race leaves a higher hint, which merely walks on.
  uintptr_t current = g_next_hint.load(std::memory_order_relaxed);
  while (start < current && !g_next_hint.compare_exchange_weak(current, start, std::memory_order_relaxed)) {
  }
}

void* os_remap_aligned(void* old, size_t old_bytes, size_t new_bytes, size_t alignment) {
  void* target = os_map_aligned(new_bytes, alignment, 0);
  if (target == nullptr) return nullptr;
  const int saved_errno = errno;
  // MREMAP_FIXED replaces our reservation at `target` atomically with the old pages.
  void* moved = mremap(old, old_bytes, new_bytes, MREMAP_MAYMOVE | MREMAP_FIXED, target);
  errno = saved_errno;
  if (moved == MAP_FAILED) {
    os_unmap(target, new_bytes);
    return nullptr;
  }
  return moved;
}

namespace {
// Sticky. relaxed: a purge and the calloc that relies on it meet through the lock that hands
// the purged memory over (the segment pool's, or a page's owner thread), which orders this too.
std::atomic<bool> g_purge_failed{false};
}  // namespace

bool os_purge(void* addr, size_t bytes) {
  const int saved_errno = errno;
  // MADV_DONTNEED rather than MADV_FREE: RSS drops at once, and the range reads as zero, which
  // lets calloc skip zeroing purged memory.
  const bool purged = madvise(addr, bytes, MADV_DONTNEED) == 0;
  if (!purged) g_purge_failed.store(true, std::memory_order_relaxed);
  errno = saved_errno;
  return purged;
}

bool os_purge_reads_zero() { return !g_purge_failed.load(std::memory_order_relaxed); }

bool os_protect(void* addr, size_t bytes) {
  const int saved_errno = errno;
  const bool ok = mprotect(addr, bytes, PROT_NONE) == 0;
  errno = saved_errno;
  return ok;
}

bool os_unprotect(void* addr, size_t bytes) {
  const int saved_errno = errno;
  const bool ok = mprotect(addr, bytes, PROT_READ | PROT_WRITE) == 0;
  errno = saved_errno;
  return ok;
}

void* os_reserve(size_t bytes) {
  const int saved_errno = errno;
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  errno = saved_errno;
  return p == MAP_FAILED ? nullptr : p;
}

bool os_protect_and_purge(void* addr, size_t bytes) {
  const int saved_errno = errno;
  // A fresh mapping over the old one: no access, no memory, and the same flags as os_reserve's,
  // so the kernel merges it with its inaccessible neighbours instead of adding a mapping.
  const bool ok = mmap(addr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == addr;
  errno = saved_errno;
  return ok;
}

size_t os_max_map_count() {
  constexpr size_t KERNEL_DEFAULT = 65530;
  const int saved_errno = errno;
  const int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
  size_t value = 0;
  if (fd >= 0) {
    char text[32];
    const ssize_t n = read(fd, text, sizeof(text));
    for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; ++i)
      value = value * 10 + static_cast<size_t>(text[i] - '0');
    close(fd);
  }
  errno = saved_errno;
  return value == 0 ? KERNEL_DEFAULT : value;
}

uint64_t os_thread_id() { return static_cast<uint64_t>(syscall(SYS_gettid)); }

void os_random_bytes(void* out, size_t bytes) {
  const int saved_errno = errno;
  auto* p = static_cast<unsigned char*>(out);
  size_t done = 0;
  while (done < bytes) {
    ssize_t n = getrandom(p + done, bytes - done, GRND_NONBLOCK);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  errno = saved_errno;
  if (done == bytes) return;
  // No entropy yet (very early boot): mix the clock and an address; keys still differ per run.
  uint64_t x = os_now_ms() ^ reinterpret_cast<uintptr_t>(out) ^ 0x9E3779B97F4A7C15ull;
  for (; done < bytes; ++done) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[done] = static_cast<unsigned char>(x);
  }
}

void os_yield() { sched_yield(); }

uint64_t os_now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u;
}

bool os_thread_key_create(OsThreadKey* key, void (*on_exit)(void*)) {
  static_assert(sizeof(pthread_key_t) == sizeof(OsThreadKey));
  pthread_key_t k;
  if (pthread_key_create(&k, on_exit) != 0) return false;
  *key = static_cast<OsThreadKey>(k);
  return true;
}

void os_thread_key_set(OsThreadKey key, void* value) { pthread_setspecific(static_cast<pthread_key_t>(key), value); }

void os_register_fork_handlers(void (*prepare)(), void (*parent)(), void (*child)()) {
  pthread_atfork(prepare, parent, child);
}

void os_once(OsOnce* once, void (*init)()) {
  static_assert(sizeof(pthread_once_t) == sizeof(OsOnce) && PTHREAD_ONCE_INIT == 0);
  pthread_once(reinterpret_cast<pthread_once_t*>(once), init);
}

const char* os_getenv(const char* name) {
  if (environ == nullptr) return nullptr;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const char* e = *entry;
    const char* n = name;
    while (*n != '\0' && *e == *n) {
      ++e;
      ++n;
    }
    if (*n == '\0' && *e == '=') return e + 1;
  }
  return nullptr;
}

int os_open_append(const char* path) {
  const int saved_errno = errno;
  const int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  errno = saved_errno;
  return fd;
}

void os_close(int fd) {
  const int saved_errno = errno;
  close(fd);
  errno = saved_errno;
}

uint64_t os_file_identity(int fd) {
  const int saved_errno = errno;
  struct stat st {};
  const bool open_file = fstat(fd, &st) == 0;
  errno = saved_errno;
  if (!open_file) return 0;
  return (static_cast<uint64_t>(st.st_dev) << 40) ^ static_cast<uint64_t>(st.st_ino) ^ 1;
}

int os_pid() { return static_cast<int>(getpid()); }

const char* os_program_name() {
  const char* name = program_invocation_short_name;
  return name != nullptr && name[0] != '\0' ? name : "?";
}

}  // namespace hardalloc
