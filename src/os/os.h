// os: the contract between the allocator and the operating system; the only layer with platform
// code. Rules every implementation keeps:
//  - sizes and addresses passed in are multiples of OS_PAGE_BYTES;
//  - failures return nullptr/false and never print or abort; callers turn them into ENOMEM;
//  - nothing here allocates through malloc.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hardalloc {

// x86-64 Linux pages; process start-up checks that the kernel agrees (os_page_size_matches).
inline constexpr size_t OS_PAGE_BYTES = 4096;
bool os_page_size_matches();

// Reserves `bytes` of zeroed, readable and writable address space, committed lazily by the
// kernel on first touch, such that (result + align_offset) is a multiple of `alignment` (a power
// of two >= OS_PAGE_BYTES). Returns nullptr when the OS refuses.
void* os_map_aligned(size_t bytes, size_t alignment, size_t align_offset);
void os_unmap(void* addr, size_t bytes);
// Moves a mapping of `old_bytes` to a fresh range of `new_bytes` (larger) aligned as for
// os_map_aligned, carrying its contents by remapping, not copying. Returns the new address, or
// nullptr (the old mapping then stays as it was).
void* os_remap_aligned(void* old, size_t old_bytes, size_t new_bytes, size_t alignment);
// Returns the physical memory behind the range to the OS; the range stays mapped and reads as
// zero afterwards, unless the OS refused (locked memory: mlock, mlockall): then it returns
// false, the range keeps its contents and os_purge_reads_zero() is false from then on.
bool os_purge(void* addr, size_t bytes);
// Whether every purge so far zeroed its range. calloc trusts memory that was purged, or never
// touched since, to read as zero only while this holds; once false it writes its zeros.
bool os_purge_reads_zero();
// Makes the range inaccessible (guard pages), or accessible again.
bool os_protect(void* addr, size_t bytes);
bool os_unprotect(void* addr, size_t bytes);
// Reserves `bytes` of inaccessible address space that commits nothing (the guarded pool's
// range); nullptr when the OS refuses.
void* os_reserve(size_t bytes);
// Makes the range inaccessible and returns its memory to the OS in one step (a freed guarded
// block: a later access faults, and the pages cost nothing).
bool os_protect_and_purge(void* addr, size_t bytes);
// The most mappings the kernel lets one process have (vm.max_map_count; 65530 when unreadable).
size_t os_max_map_count();
// The calling thread's kernel id, for reports.
uint64_t os_thread_id();

// Fills `out` with random bytes from the kernel; falls back to a clock-derived value.
void os_random_bytes(void* out, size_t bytes);
// A monotonic clock with millisecond resolution, cheap enough for the slow path.
uint64_t os_now_ms();
// Gives the CPU to another thread (a spin wait whose holder may have been preempted).
void os_yield();

// Calls `on_exit(value)` when a thread that set a value for the key exits (pthread keys: set
// again from inside on_exit, it is called again, a bounded number of times).
using OsThreadKey = unsigned;
bool os_thread_key_create(OsThreadKey* key, void (*on_exit)(void*));
void os_thread_key_set(OsThreadKey key, void* value);

// Runs prepare before fork() and parent/child after it, in the respective process.
void os_register_fork_handlers(void (*prepare)(), void (*parent)(), void (*child)());

// Runs `init` once per process; concurrent callers wait until it has returned. A fork that
// interrupts `init` in another thread does not leave the child waiting: the child runs it again
// (glibc's pthread_once counts forks), so `init` must tolerate having partly run before.
using OsOnce = int;  // zero-initialised: not run yet
void os_once(OsOnce* once, void (*init)());

// Reads an environment variable without allocating (nullptr when unset or too early).
const char* os_getenv(const char* name);

// Files for the log sink (hardening/log_sink.h); none of these allocates or changes errno.
// Opens `path` for appending, creating it (mode 0644) and closed on exec; -1 on failure.
int os_open_append(const char* path);
void os_close(int fd);
// What the file behind `fd` is (device and inode folded into one value); 0 when fd is not open.
uint64_t os_file_identity(int fd);
int os_pid();
// The program's name without its directory (glibc sets it before any constructor runs).
const char* os_program_name();

}  // namespace hardalloc
