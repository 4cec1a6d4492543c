// hardening: the stacks reports print: captured without calling malloc (libgcc's unwinder reads
// the .eh_frame tables, so code built without frame pointers unwinds too) and written one frame
// a line as "    #I 0xPC MODULE+0xOFFSET (SYMBOL+0xOFFSET)" (SYMBOL only where dladdr knows one:
// exported names, or every function of a program linked with -rdynamic). Async-signal-safe.
#pragma once
#include <cstddef>
#include <cstdint>

#include "base/writer.h"

namespace hardalloc {

// A captured stack and the thread it was captured on. `depth` frames of `frames` are valid,
// innermost first; frames beyond MAX_FRAMES are cut.
struct StackTrace {
  static constexpr int MAX_FRAMES = 16;
  uint64_t thread = 0;
  uint8_t depth = 0;
  uintptr_t frames[MAX_FRAMES]{};

  // Records the calling thread and its stack from the first frame outside the allocator (the
  // program's call of malloc or free).
  void capture();
  // A hash of the frames (equal stacks hash equal), for grouping blocks by where they came from.
  uint64_t hash() const;
};

// Up to `max` return addresses of the calling thread's stack, innermost first (frame 0 is
// capture_frames itself, frame 1 its caller); returns how many.
int capture_frames(uintptr_t* out, int max);

// The index of the first of `count` frames that is not the allocator's own (0 when the
// allocator is linked into the program rather than a shared library).
int first_foreign_frame(const uintptr_t* frames, int count);

// Writes frames [first, count) of `frames`, numbered from 0, one line each.
void write_frames(Writer& w, const uintptr_t* frames, int first, int count);

}  // namespace hardalloc
