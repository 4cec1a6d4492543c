// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012) for the random generator: each
// stream enables a random subset of op kinds, a few size classes and a thread count, so that a
// stream goes deep where a uniformly random one spreads thin (a bug confined to one size class
// needs many frees in that class). One stream in four is a contention stream instead: every
// thread allocates in one size class and hands each block to the next thread, which frees it,
// the sustained cross-thread traffic that races in a remote-free path need (free-running mode).
#pragma once

#include <random>

#include "op.h"

namespace hafuzz {

// Fills *out with op_count ops (at most MAX_OPS) drawn from a fresh swarm configuration.
void generate_swarm_stream(std::mt19937_64& random, unsigned op_count, OpStream* out);

}  // namespace hafuzz
