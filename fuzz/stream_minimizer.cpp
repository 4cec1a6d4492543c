#include "stream_minimizer.h"

#include <memory>

namespace hafuzz {
namespace {

// candidate = current without ops [begin, begin + length).
void remove_run(const OpStream& current, unsigned begin, unsigned length, OpStream* candidate) {
  candidate->thread_count = current.thread_count;
  candidate->op_count = 0;
  for (unsigned i = 0; i < current.op_count; ++i) {
    if (i < begin || i >= begin + length) candidate->ops[candidate->op_count++] = current.ops[i];
  }
}

}  // namespace

void minimize_stream(const OpStream& failing, const std::function<bool(const OpStream&)>& still_fails,
                     OpStream* smallest) {
  *smallest = failing;
  auto candidate = std::make_unique<OpStream>();
  unsigned run_length = smallest->op_count / 2;
  while (run_length >= 1) {
    bool removed_any = false;
    for (unsigned begin = 0; begin < smallest->op_count;) {
      remove_run(*smallest, begin, run_length, candidate.get());
      if (candidate->op_count < smallest->op_count && still_fails(*candidate)) {
        *smallest = *candidate;  // same begin: the next run slid into place
        removed_any = true;
      } else {
        begin += run_length;
      }
    }
    if (!removed_any || run_length > 1) run_length /= 2;
  }
}

}  // namespace hafuzz
