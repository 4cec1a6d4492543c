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
  /* hardened builds' guarded pool (sample_rate, guard_all); zero elsewhere */
  size_t guarded_allocations; /* blocks the pool handed out so far */
  size_t guarded_live;        /* of them, not freed yet */
  size_t guarded_declined;    /* sampled allocations the pool could not take (full, too large) */
};

#define HA_API(name) ha_##name
#include "hardalloc_api.inc"
#undef HA_API

#ifdef __cplusplus
}
#endif

#endif /* HARDALLOC_H */
