// Force-included (-include) into the hardened twins of the API and stress tests: the tests call
// the ha_* names, which here mean the hardened prefixed library's ha_hardened_* functions, so
// one test source checks both builds.
#pragma once
#define ha_malloc ha_hardened_malloc
#define ha_free ha_hardened_free
#define ha_calloc ha_hardened_calloc
#define ha_realloc ha_hardened_realloc
#define ha_reallocarray ha_hardened_reallocarray
#define ha_posix_memalign ha_hardened_posix_memalign
#define ha_aligned_alloc ha_hardened_aligned_alloc
#define ha_memalign ha_hardened_memalign
#define ha_valloc ha_hardened_valloc
#define ha_pvalloc ha_hardened_pvalloc
#define ha_malloc_usable_size ha_hardened_malloc_usable_size
#define ha_free_sized ha_hardened_free_sized
#define ha_free_aligned_sized ha_hardened_free_aligned_sized
#define ha_collect ha_hardened_collect
#define ha_malloc_trim ha_hardened_malloc_trim
#define ha_mallopt ha_hardened_mallopt
#define ha_check_heap ha_hardened_check_heap
#define ha_stats_get ha_hardened_stats_get
#define ha_stats_print ha_hardened_stats_print
#define ha_stats_reset_peaks ha_hardened_stats_reset_peaks
// Tests whose expectations differ in the hardened build (exact usable sizes, the quarantine)
// test this.
#define HA_TEST_HARDENED 1
#include <hardalloc_hardened.h>
