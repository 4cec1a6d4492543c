// api: what every entry-point file shares: the configuration the libraries export, and how a
// symbol is exported (everything else is hidden).
#pragma once
#include "api/c_api.h"

namespace hardalloc::api {
using Exported = FastConfig;
using A = Allocator<Exported>;
using C = CApi<Exported>;
}  // namespace hardalloc::api

#define HA_EXPORT extern "C" __attribute__((visibility("default")))
