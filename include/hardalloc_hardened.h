/* hardalloc's hardened allocator through its prefixed API: every function of hardalloc.h, named
 * ha_hardened_* (ha_hardened_malloc, ..., ha_hardened_check_heap), from
 * libhardalloc-hardened-prefixed. It lives beside the system malloc and beside hardalloc's fast
 * build in one process. The mitigations and reports are in README.md ("The hardened allocator").
 */
#ifndef HARDALLOC_HARDENED_H
#define HARDALLOC_HARDENED_H

#include "hardalloc.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HA_API(name) ha_hardened_##name
#include "hardalloc_api.inc"
#undef HA_API

#ifdef __cplusplus
}
#endif

#endif /* HARDALLOC_HARDENED_H */
