// hardalloc's prefixed API as a target; linked only where hardalloc::prefixed exists.
#pragma once

#include "allocator_target.h"

namespace hafuzz {

const AllocatorTarget& hardalloc_target();

}  // namespace hafuzz
