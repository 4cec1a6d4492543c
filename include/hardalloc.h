/* hardalloc: a mimalloc-style allocator with optional hardening.
 *
 * This header declares the prefixed API. Every function behaves as its standard namesake
 * (malloc, free, ...) does in glibc, including errno on failure; the differences that the
 * standards allow are listed in README.md ("Behaviour at the edges"). The prefixed names let a
 * program call hardalloc beside the system malloc in one process; libhardalloc.so also exports
 * the standard names so that it can replace malloc by linking or LD_PRELOAD.
 */
#ifndef HARDALLOC_H
#define HARDALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HA_VERSION_MAJOR 0
#define HA_VERSION_MINOR 1

/* The C allocation API, prefixed. */
void* ha_malloc(size_t size);
void ha_free(void* ptr);
void* ha_calloc(size_t count, size_t size);
void* ha_realloc(void* ptr, size_t size);
void* ha_reallocarray(void* ptr, size_t count, size_t size);
int ha_posix_memalign(void** out, size_t alignment, size_t size);
void* ha_aligned_alloc(size_t alignment, size_t size);
void* ha_memalign(size_t alignment, size_t size);
void* ha_valloc(size_t size);
void* ha_pvalloc(size_t size);
size_t ha_malloc_usable_size(const void* ptr);
void ha_free_sized(void* ptr, size_t size);
void ha_free_aligned_sized(void* ptr, size_t alignment, size_t size);

/* Returns the calling thread's free memory to its pages and, with force != 0, purges every
 * empty page and cached segment now instead of after the purge delay. */
void ha_collect(int force);

/* glibc's malloc_trim: collects the calling thread's heap and purges its free pages and every
 * free segment of the process now; `pad` is ignored. Other threads' heaps belong to their
 * threads and are not collected (their free memory goes back after the purge delay). Returns 1
 * if the process's committed memory went down, else 0. libhardalloc.so exports it as
 * malloc_trim. */
int ha_malloc_trim(size_t pad);
/* glibc's mallopt: 1 for the options <malloc.h> defines (M_MXFAST, M_TRIM_THRESHOLD,
 * M_MMAP_THRESHOLD, M_ARENA_MAX, ...; 0 where glibc rejects the value), none of which changes
 * hardalloc (README.md, "glibc's extensions"); 0 for unknown options. */
int ha_mallopt(int param, int value);

/* Statistics. Counters are process-wide. Values read while other threads allocate are a
 * consistent-enough snapshot, not an atomic one. */
#define HA_STATS_MAX_SIZE_CLASSES 128

struct ha_size_class_stats {
  size_t block_size;  /* bytes per block of this class */
  size_t pages;       /* pages of this class currently owned by some heap */
  size_t live_blocks; /* blocks handed out and not yet freed back to the page */
};

struct ha_stats {
  size_t in_use_bytes;      /* bytes in live blocks (block-size granularity), incl. huge */
  size_t peak_in_use_bytes; /* peak of in-use bytes at page granularity (an upper bound) */
  size_t committed_bytes;   /* memory made accessible and not purged */
  size_t peak_committed_bytes;
  size_t reserved_bytes;     /* address space reserved from the OS */
  size_t segments;           /* segments mapped (incl. cached and huge) */
  size_t abandoned_segments; /* segments of exited threads not yet reclaimed */
  size_t huge_blocks;        /* blocks mapped on their own, currently live */
  size_t huge_bytes;
  size_t heaps;            /* thread heaps currently in use */
  size_t size_class_count; /* entries used in size_classes[] */
  struct ha_size_class_stats size_classes[HA_STATS_MAX_SIZE_CLASSES];
};

/* Fills *out; returns 0, or EINVAL when out is NULL. */
int ha_stats_get(struct ha_stats* out);
/* Writes a human-readable table to the file descriptor (no allocation). */
void ha_stats_print(int fd);

#ifdef __cplusplus
}
#endif

#endif /* HARDALLOC_H */
