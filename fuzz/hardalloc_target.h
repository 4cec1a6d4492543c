// hardalloc's prefixed APIs as targets, fast and hardened; linked only where hardalloc::prefixed
// exists.
#pragma once

#include "allocator_target.h"

namespace hafuzz {

const AllocatorTarget& hardalloc_target();
const AllocatorTarget& hardalloc_hardened_target();

}  // namespace hafuzz
