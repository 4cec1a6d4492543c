// Shrinks a failing op stream to a small one that still fails the same way, by removing runs
// of ops (delta debugging: halves, then quarters, ... then single ops), so a finding becomes a
// regression trace a human can read.
#pragma once

#include <functional>

#include "op.h"

namespace hafuzz {

// still_fails(candidate) must be true for `failing`; the result is 1-minimal: removing any
// single op makes still_fails false. Runs still_fails O(n log n) times for n ops in practice.
void minimize_stream(const OpStream& failing, const std::function<bool(const OpStream&)>& still_fails,
                     OpStream* smallest);

}  // namespace hafuzz
