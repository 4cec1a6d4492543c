#include "op_text.h"

#include <cstdint>
#include <sstream>

#include "strict_number.h"

namespace hafuzz {
namespace {

// Decimal or 0x-hex, the whole token: "-1" is an error, not SIZE_MAX (strtoull's reading).
bool parse_number(const std::string& text, std::size_t* out) {
  std::uint64_t value = 0;
  std::string reason;
  if (!parse_unsigned_strict(text, 0, SIZE_MAX, &value, &reason, true)) return false;
  *out = static_cast<std::size_t>(value);
  return true;
}

// Parses one token into op; returns the error text, empty on success.
std::string parse_operand(const std::string& token, unsigned thread_count, Op* op) {
  std::size_t value = 0;
  if ((token[0] == 't' || token[0] == 's') && parse_number(token.substr(1), &value)) {
    if (token[0] == 't') {
      if (value >= thread_count) return "thread " + token + " >= threads";
      op->thread = static_cast<std::uint8_t>(value);
    } else {
      if (value >= SLOT_COUNT) return "slot " + token + " >= " + std::to_string(SLOT_COUNT);
      op->slot = static_cast<std::uint8_t>(value);
    }
    return {};
  }
  const std::size_t eq = token.find('=');
  if (eq == std::string::npos || !parse_number(token.substr(eq + 1), &value)) {
    return "bad operand '" + token + "'";
  }
  const std::string key = token.substr(0, eq);
  const std::uint8_t fields = op_info(op->kind).fields;
  if (key == "size" && (fields & FIELD_SIZE)) {
    op->size = value;
  } else if (key == "count" && (fields & FIELD_COUNT)) {
    op->count = value;
  } else if (key == "align" && (fields & FIELD_ALIGN)) {
    op->align = value;
  } else if (key == "to" && (fields & FIELD_TO_THREAD) && value < thread_count) {
    op->to_thread = static_cast<std::uint8_t>(value);
  } else {
    return "operand '" + token + "' does not fit " + op_info(op->kind).name;
  }
  return {};
}

}  // namespace

bool parse_op_text(const std::string& text, OpStream* out, std::string* error) {
  out->thread_count = 1;
  out->op_count = 0;
  std::istringstream lines(text);
  std::string line;
  for (unsigned line_number = 1; std::getline(lines, line); ++line_number) {
    const std::string where = "line " + std::to_string(line_number) + ": ";
    std::istringstream tokens(line.substr(0, line.find('#')));
    std::string name;
    if (!(tokens >> name)) continue;
    std::size_t value = 0;
    if (name == "threads") {
      std::string count;
      if (!(tokens >> count) || !parse_number(count, &value) || value == 0 || value > MAX_THREADS ||
          out->op_count != 0) {
        *error = where + "'threads N' (1.." + std::to_string(MAX_THREADS) + ") must come first";
        return false;
      }
      out->thread_count = static_cast<unsigned>(value);
      continue;
    }
    Op op{};
    if (!op_kind_from_name(name.data(), name.size(), &op.kind)) {
      *error = where + "unknown op '" + name + "'";
      return false;
    }
    for (std::string token; tokens >> token;) {
      const std::string problem = parse_operand(token, out->thread_count, &op);
      if (!problem.empty()) {
        *error = where + problem;
        return false;
      }
    }
    if (out->op_count == MAX_OPS) {
      *error = where + "more than " + std::to_string(MAX_OPS) + " ops";
      return false;
    }
    out->ops[out->op_count++] = op;
  }
  return true;
}

std::string print_op_text(const OpStream& stream) {
  std::string text = "threads " + std::to_string(stream.thread_count) + "\n";
  char line[160];
  for (unsigned i = 0; i < stream.op_count; ++i) {
    text.append(line, format_op(stream.ops[i], line, sizeof line));
    text += '\n';
  }
  return text;
}

}  // namespace hafuzz
