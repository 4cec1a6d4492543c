// The op vocabulary shared by every engine, the text form and the executor.
//
// An op stream is a list of calls a program could make on an allocator. Each op names the
// thread that runs it and the slot it acts on: a slot holds at most one live block, so ops
// refer to blocks without knowing their addresses, and every stream replays on any target.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hafuzz {

inline constexpr unsigned MAX_THREADS = 4;  // worker threads a stream can name
inline constexpr unsigned SLOT_COUNT = 64;  // blocks a stream can keep live at once
inline constexpr unsigned MAX_OPS = 4096;   // longer inputs are truncated

// The first size that no allocator can satisfy on x86-64 (beyond the 47-bit user address
// space): every call asking for at least this much must fail with ENOMEM.
inline constexpr std::size_t IMPOSSIBLE_MIN_BYTES = std::size_t{1} << 47;

// Alignments above this need not be supported; failing with ENOMEM there is allowed.
inline constexpr std::size_t MAX_REQUIRED_ALIGNMENT_BYTES = std::size_t{4} << 20;

// A NEW_HANDLER op's handler removes itself on this call: a failing operator new must call it
// exactly this many times, then throw std::bad_alloc.
inline constexpr unsigned NEW_HANDLER_CALLS = 3;

enum class OpKind : std::uint8_t {
  MALLOC,
  CALLOC,        // count * size
  REALLOC,       // an empty slot makes it realloc(NULL, size)
  REALLOCARRAY,  // count * size
  ALIGNED_ALLOC,
  POSIX_MEMALIGN,
  MEMALIGN,
  VALLOC,
  PVALLOC,
  NEW,          // operator new(size)
  NEW_ARRAY,    // operator new[](size)
  NEW_ALIGNED,  // operator new(size, align_val_t)
  NEW_NOTHROW,  // operator new(size, nothrow)
  FREE,         // the deallocation matching how the block was made (free, delete, delete[])
  FREE_SIZED,   // free_sized / sized delete with the requested size
  USABLE_SIZE,  // malloc_usable_size >= request
  WRITE,        // overwrite the block with a fresh pattern
  VERIFY,       // check one block's pattern
  VERIFY_ALL,   // check every live block
  HANDOFF,      // give the block to thread `to_thread`, which frees it
  THREAD_END,   // the op's thread exits; its next op starts a new thread
  NEW_HANDLER,  // operator new(size) with a new_handler installed that removes itself on its 3rd call
  // Misuse (misuse.h), each on a block of its own of `size` bytes (one in 32..4096 when it is
  // outside) in a forked child:
  DOUBLE_FREE,       // free, then free again
  INTERIOR_FREE,     // free of the block's address + 16
  FOREIGN_FREE,      // free of a pointer into static storage
  WRONG_SIZE_FREE,   // free_sized with 1 + count % 64 bytes more than the request
  WRITE_AFTER_FREE,  // free, then a write at offset 8 + count % (min(size, 256) - 8)
  OVERFLOW,          // a write of 1 + count % 16 bytes past the request, then free
  COUNT_
};
inline constexpr unsigned OP_KIND_COUNT = static_cast<unsigned>(OpKind::COUNT_);

// Which operands an op kind reads; the decoder, encoder and text form consult only this.
enum OpField : std::uint8_t {
  FIELD_SLOT = 1,
  FIELD_SIZE = 2,
  FIELD_COUNT = 4,
  FIELD_ALIGN = 8,
  FIELD_TO_THREAD = 16,
};

struct OpInfo {
  const char* name;     // the text form's keyword
  std::uint8_t fields;  // OpField bits
};

const OpInfo& op_info(OpKind kind);

// Whether the kind reads an alignment operand.
inline bool takes_alignment(OpKind kind) { return op_info(kind).fields & FIELD_ALIGN; }

// Whether the kind calls a C++ operator new (every form, the new_handler op too).
bool is_operator_new(OpKind kind);

inline bool is_power_of_two(std::size_t value) { return value != 0 && (value & (value - 1)) == 0; }

// Returns false when `name` is no op's keyword.
bool op_kind_from_name(const char* name, std::size_t name_len, OpKind* out);

// Invariant: thread < MAX_THREADS, slot < SLOT_COUNT, to_thread < MAX_THREADS; operands that
// the kind does not read are zero, so equal ops compare equal after a round trip.
struct Op {
  OpKind kind;
  std::uint8_t thread;
  std::uint8_t slot;
  std::uint8_t to_thread;
  std::size_t size;
  std::size_t count;
  std::size_t align;

  bool operator==(const Op&) const = default;
};

// Writes the op's text form (op_text.h) without allocating, so a child process can name the
// failing op; returns the length written (truncated to capacity - 1).
std::size_t format_op(const Op& op, char* out, std::size_t capacity);

// A decoded stream. Fixed capacity: decoding allocates nothing, so a child process can decode
// without touching the allocator under test.
struct OpStream {
  unsigned thread_count = 1;  // 1..MAX_THREADS; op threads are already reduced modulo this
  unsigned op_count = 0;
  Op ops[MAX_OPS];
};

}  // namespace hafuzz
