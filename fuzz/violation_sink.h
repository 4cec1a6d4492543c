// Where the checks of one run report the first broken promise.
#pragma once

#include <atomic>
#include <mutex>

#include "rules.h"
#include "run_result.h"

namespace hafuzz {

class ViolationSink {
 public:
  explicit ViolationSink(RunResult* result) : result_(result) {}

  // Keeps the first report of the run, a break of `rule`; later ones (often consequences) are
  // dropped.
  void report(unsigned op_index, const Op* op, RuleId rule, const char* format, ...)
      __attribute__((format(printf, 5, 6)));
  bool failed() const { return failed_.load(std::memory_order_acquire); }

 private:
  RunResult* result_;
  std::mutex mutex_;
  // release in report(), acquire in failed(): a thread that sees true also sees the message.
  std::atomic<bool> failed_{false};
};

}  // namespace hafuzz
