// Behaviour coverage: what the allocator under test did with each block, as counters a fuzzing
// engine can use where it cannot see the allocator's code (a library in a child process,
// glibc, any target built without instrumentation).
//
// Every block the shadow model accepts hits the counter of (op kind, log2 of the request, log2
// of the slack between the usable size and the request, and for an aligned request the
// address's alignment up to a page).
// The slack is how an allocator shows its size classes, so an input that reaches a new class,
// or a class's new boundary, reaches a new counter; and an engine that buckets hit counts, as
// libFuzzer does (1, 2, 3, 4-7, ... 128+), also keeps inputs that go deeper into one class (a
// bug confined to one class needs many blocks of it). Alignment stops at 4096: higher bits
// follow where mmap put a mapping, which changes from run to run.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "op.h"

namespace hafuzz {

inline constexpr std::size_t BEHAVIOUR_COUNTERS = 8192;

// Counts the block; thread-safe.
void note_block_behaviour(OpKind kind, std::size_t request_bytes, std::size_t usable_bytes, std::uintptr_t address);

// Zeroes every counter (before an input).
void clear_behaviour_counters();

// Copies the counters to out[0, BEHAVIOUR_COUNTERS).
void copy_behaviour_counters(std::uint8_t* out);

}  // namespace hafuzz
