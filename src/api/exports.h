// api: what every entry-point file shares: the configuration the libraries export, the names of
// the prefixed API, and how a symbol is exported (everything else is hidden).
//
// One set of sources builds every library (src/CMakeLists.txt):
//   HARDALLOC_HARDENED         defined: export LibraryHardenedConfig, else FastConfig
//   HARDALLOC_PREFIX           the prefix of the prefixed API: ha_ (default) or ha_hardened_
#pragma once
#include "api/c_api.h"

namespace hardalloc::api {
#ifdef HARDALLOC_HARDENED
using Exported = LibraryHardenedConfig;
#else
using Exported = FastConfig;
#endif
using A = Allocator<Exported>;
using C = CApi<Exported>;
}  // namespace hardalloc::api

#define HA_EXPORT extern "C" __attribute__((visibility("default")))

#ifndef HARDALLOC_PREFIX
#define HARDALLOC_PREFIX ha_
#endif
#define HA_JOIN_(a, b) a##b
#define HA_JOIN(a, b) HA_JOIN_(a, b)
// The prefixed name of an API function: HA_PREFIXED(malloc) is ha_malloc (or ha_hardened_malloc).
#define HA_PREFIXED(name) HA_JOIN(HARDALLOC_PREFIX, name)
