#include "base/debug_assert.h"

#include <cstdlib>

#include "base/writer.h"

namespace hardalloc {

void debug_assert_failed(const char* condition, const char* invariant, const char* file, int line) {
  {
    Writer out(2);
    out.text("hardalloc: internal invariant broken: ").text(invariant).text(" (").text(condition).text(", ");
    out.text(file).text(":").number(static_cast<uint64_t>(line)).text(")\n");
  }
  abort();
}

}  // namespace hardalloc
