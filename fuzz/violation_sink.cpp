#include "violation_sink.h"

#include <cstdarg>
#include <cstdio>

namespace hafuzz {

void ViolationSink::report(unsigned op_index, const Op* op, RuleId rule, const char* format, ...) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failed_.load(std::memory_order_relaxed)) return;
  char* message = result_->message;
  std::size_t length = 0;
  if (op != nullptr) {
    const int written = std::snprintf(message, RESULT_MESSAGE_BYTES, "op %u (", op_index);
    length = static_cast<std::size_t>(written);
    length += format_op(*op, message + length, RESULT_MESSAGE_BYTES - length);
    length += static_cast<std::size_t>(std::snprintf(message + length, RESULT_MESSAGE_BYTES - length, "): "));
  }
  if (length < RESULT_MESSAGE_BYTES) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(message + length, RESULT_MESSAGE_BYTES - length, format, args);
    va_end(args);
  }
  result_->verdict = Verdict::VIOLATION;
  result_->failing_op = op_index;
  result_->rule = rule;
  failed_.store(true, std::memory_order_release);
}

}  // namespace hafuzz
