// Classes of findings that a campaign against a foreign allocator may suppress by name
// (HARDALLOC_FUZZ_IGNORE, tools/campaign.sh --ignore), so that a known quirk does not stop it
// at the first input; each is a promise some allocators are known to break on purpose.
#pragma once

#include <cstdint>

namespace hafuzz {

enum FindingClass : std::uint32_t {
  FINDING_ERRNO_ON_FAILURE = 1,       // a failed call left errno unset or wrong (jemalloc, mimalloc)
  FINDING_NULL_ON_SATISFIABLE = 2,    // NULL for a request that fits the live-bytes cap
  FINDING_ERRNO_CHANGED_BY_FREE = 4,  // free wrote errno (POSIX 2024 and glibc 2.33 forbid it)
  FINDING_NEW_HANDLER = 8,            // operator new failed without the new_handler loop (mimalloc)
};

struct FindingClassName {
  const char* name;
  FindingClass finding_class;
};

inline constexpr FindingClassName FINDING_CLASS_NAMES[] = {
    {"errno-on-failure", FINDING_ERRNO_ON_FAILURE},
    {"null-on-satisfiable", FINDING_NULL_ON_SATISFIABLE},
    {"errno-changed-by-free", FINDING_ERRNO_CHANGED_BY_FREE},
    {"new-handler", FINDING_NEW_HANDLER},
};

}  // namespace hafuzz
