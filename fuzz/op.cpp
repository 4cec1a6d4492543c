#include "op.h"

#include <cstdio>
#include <cstring>

namespace hafuzz {
namespace {

constexpr std::uint8_t SLOT_SIZE = FIELD_SLOT | FIELD_SIZE;
constexpr std::uint8_t SLOT_COUNT_SIZE = FIELD_SLOT | FIELD_COUNT | FIELD_SIZE;
constexpr std::uint8_t SLOT_ALIGN_SIZE = FIELD_SLOT | FIELD_ALIGN | FIELD_SIZE;

// Indexed by OpKind; the static_assert below keeps it complete.
constexpr OpInfo OP_INFOS[] = {
    {"malloc", SLOT_SIZE},
    {"calloc", SLOT_COUNT_SIZE},
    {"realloc", SLOT_SIZE},
    {"reallocarray", SLOT_COUNT_SIZE},
    {"aligned_alloc", SLOT_ALIGN_SIZE},
    {"posix_memalign", SLOT_ALIGN_SIZE},
    {"memalign", SLOT_ALIGN_SIZE},
    {"valloc", SLOT_SIZE},
    {"pvalloc", SLOT_SIZE},
    {"new", SLOT_SIZE},
    {"new_array", SLOT_SIZE},
    {"new_aligned", SLOT_ALIGN_SIZE},
    {"new_nothrow", SLOT_SIZE},
    {"free", FIELD_SLOT},
    {"free_sized", FIELD_SLOT},
    {"usable_size", FIELD_SLOT},
    {"write", FIELD_SLOT},
    {"verify", FIELD_SLOT},
    {"verify_all", 0},
    {"handoff", FIELD_SLOT | FIELD_TO_THREAD},
    {"thread_end", 0},
    {"new_handler", SLOT_SIZE},
    {"double_free", FIELD_SIZE},
    {"interior_free", FIELD_SIZE},
    {"foreign_free", FIELD_SIZE},
    {"wrong_size_free", FIELD_COUNT | FIELD_SIZE},
    {"write_after_free", FIELD_COUNT | FIELD_SIZE},
    {"overflow", FIELD_COUNT | FIELD_SIZE},
};
static_assert(sizeof(OP_INFOS) / sizeof(OP_INFOS[0]) == OP_KIND_COUNT);

// Appends " key=value"; values no allocator can satisfy print as hex.
void append_number(char* out, std::size_t capacity, std::size_t* length, const char* key, std::size_t value) {
  if (*length >= capacity) return;
  const char* format = value >= IMPOSSIBLE_MIN_BYTES ? " %s=0x%zx" : " %s=%zu";
  const int written = std::snprintf(out + *length, capacity - *length, format, key, value);
  if (written > 0) *length += static_cast<std::size_t>(written);
}

}  // namespace

const OpInfo& op_info(OpKind kind) { return OP_INFOS[static_cast<unsigned>(kind)]; }

bool is_operator_new(OpKind kind) {
  return kind == OpKind::NEW || kind == OpKind::NEW_ARRAY || kind == OpKind::NEW_ALIGNED ||
         kind == OpKind::NEW_NOTHROW || kind == OpKind::NEW_HANDLER;
}

std::size_t format_op(const Op& op, char* out, std::size_t capacity) {
  const std::uint8_t fields = op_info(op.kind).fields;
  int written = std::snprintf(out, capacity, "%s t%u", op_info(op.kind).name, unsigned{op.thread});
  std::size_t length = written > 0 ? static_cast<std::size_t>(written) : 0;
  if ((fields & FIELD_SLOT) && length < capacity) {
    written = std::snprintf(out + length, capacity - length, " s%u", unsigned{op.slot});
    if (written > 0) length += static_cast<std::size_t>(written);
  }
  if (fields & FIELD_COUNT) append_number(out, capacity, &length, "count", op.count);
  if (fields & FIELD_ALIGN) append_number(out, capacity, &length, "align", op.align);
  if (fields & FIELD_SIZE) append_number(out, capacity, &length, "size", op.size);
  if (fields & FIELD_TO_THREAD) append_number(out, capacity, &length, "to", op.to_thread);
  return length < capacity ? length : capacity - 1;
}

bool op_kind_from_name(const char* name, std::size_t name_len, OpKind* out) {
  for (unsigned i = 0; i < OP_KIND_COUNT; ++i) {
    if (std::strlen(OP_INFOS[i].name) == name_len && std::memcmp(OP_INFOS[i].name, name, name_len) == 0) {
      *out = static_cast<OpKind>(i);
      return true;
    }
  }
  return false;
}

}  // namespace hafuzz
