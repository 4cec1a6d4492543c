// The text form of an op stream: one op a line, for humans and regression files.
//
//   # what this trace caught (comments start with '#')
//   threads 2
//   malloc t0 s3 size=1024
//   calloc t1 s4 count=10 size=32
//   aligned_alloc t0 s5 align=65536 size=100
//   handoff t0 s5 to=1
//   verify_all t1
//
// Each line names the op (op.h, OpInfo::name), its thread (tN) and the operands its kind
// reads; numbers are decimal or 0x-hex. print_op_text(parse(text)) is canonical text.
#pragma once

#include <string>

#include "op.h"

namespace hafuzz {

// On failure returns false and sets *error to "line N: reason".
bool parse_op_text(const std::string& text, OpStream* out, std::string* error);

std::string print_op_text(const OpStream& stream);

}  // namespace hafuzz
