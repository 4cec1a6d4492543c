// The fuzzing suite's op stream as a rapidcheck state machine (rc::state): every command is one
// op of fuzz/op.h with generated operands, run on one thread by the suite's OpRunner, whose shadow
// model checks every promise of fuzz/rules.h after it. A failure shrinks the list of commands and
// each command's operands (sizes toward 0, alignments toward 1, slots toward 0), so what is left
// is the smallest stream with the smallest numbers that still breaks a promise. Against hardalloc
// fast and hardened through their prefixed APIs; misuse ops run on the hardened one (the first
// of each case, in a forked child), which must report them. CI runs rapidcheck's default 100
// cases per test;
// RC_PARAMS="max_success=10000" runs more.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "hardalloc_target.h"
#include "op_runner.h"

namespace {

using hafuzz::Op;
using hafuzz::OpKind;

constexpr unsigned SLOTS_USED = 8;  // few slots: blocks are replaced, reallocated and freed often

// The ops one thread runs through OpRunner (the executor's HANDOFF, THREAD_END and VERIFY_ALL
// need threads and mailboxes of its own).
const std::vector<OpKind> SINGLE_THREAD_KINDS = {
    OpKind::MALLOC,
    OpKind::CALLOC,
    OpKind::REALLOC,
    OpKind::REALLOCARRAY,
    OpKind::ALIGNED_ALLOC,
    OpKind::POSIX_MEMALIGN,
    OpKind::MEMALIGN,
    OpKind::VALLOC,
    OpKind::PVALLOC,
    OpKind::FREE,
    OpKind::FREE_SIZED,
    OpKind::USABLE_SIZE,
    OpKind::WRITE,
    OpKind::VERIFY,
    OpKind::DOUBLE_FREE,
    OpKind::INTERIOR_FREE,
    OpKind::FOREIGN_FREE,
    OpKind::WRONG_SIZE_FREE,
    OpKind::WRITE_AFTER_FREE,
    OpKind::OVERFLOW,
};

// Sizes as programs ask for them, with the edges an allocator must get right: 0, class and page
// boundaries, and requests no address space holds.
rc::Gen<std::size_t> size_operand() {
  return rc::gen::weightedOneOf<std::size_t>(
      {{8, rc::gen::inRange<std::size_t>(0, 1025)},
       {3, rc::gen::inRange<std::size_t>(1025, 256 * 1024)},
       {1, rc::gen::inRange<std::size_t>(256 * 1024, std::size_t{8} << 20)},
       {1, rc::gen::element(std::size_t{hafuzz::IMPOSSIBLE_MIN_BYTES}, std::size_t{SIZE_MAX}, SIZE_MAX / 2 + 1)}});
}

rc::Gen<std::size_t> align_operand() {
  return rc::gen::weightedOneOf<std::size_t>(
      {{6, rc::gen::map(rc::gen::inRange(0, 23), [](int shift) { return std::size_t{1} << shift; })},
       {1, rc::gen::inRange<std::size_t>(0, 200)}});
}

struct Harness {
  explicit Harness(const hafuzz::AllocatorTarget& target)
      : result(std::make_unique<hafuzz::RunResult>()),
        model(std::make_unique<hafuzz::ShadowModel>()),
        violations(result.get()),
        runner(target, config, *model, violations) {
    result->verdict = hafuzz::Verdict::PASS;
    result->message[0] = '\0';
    if (target.reset_fn != nullptr) target.reset_fn();  // a clean heap, as the executor leaves it
  }

  // Frees what the commands left, checking each block as the executor does at a stream's end.
  void release_all() {
    for (unsigned slot = 0; slot < hafuzz::SLOT_COUNT; ++slot) {
      hafuzz::LiveBlock& block = model->slot(slot);
      if (block.present()) runner.release(hafuzz::NO_OP_INDEX, nullptr, block, false);
      block = hafuzz::LiveBlock{};
    }
  }

  hafuzz::RunConfig config;
  std::unique_ptr<hafuzz::RunResult> result;
  std::unique_ptr<hafuzz::ShadowModel> model;
  hafuzz::ViolationSink violations;
  hafuzz::OpRunner runner;
  unsigned op_index = 0;
  std::string failure;  // the first broken promise's message, kept after the run
};

// The model rapidcheck keeps: how many ops ran (every op may run in any state: an op on an empty
// slot is the model's own business, as in a fuzzed stream).
struct OpCount {
  unsigned ops = 0;
};

struct RunOp : rc::state::Command<OpCount, Harness> {
  Op op = *rc::gen::apply(
      [](OpKind kind, unsigned slot, std::size_t size, std::size_t count, std::size_t align) {
        const std::uint8_t fields = hafuzz::op_info(kind).fields;
        return Op{.kind = kind,
                  .thread = 0,
                  .slot = static_cast<std::uint8_t>(fields & hafuzz::FIELD_SLOT ? slot : 0),
                  .to_thread = 0,
                  .size = fields & hafuzz::FIELD_SIZE ? size : 0,
                  .count = fields & hafuzz::FIELD_COUNT ? count : 0,
                  .align = fields & hafuzz::FIELD_ALIGN ? align : 0};
      },
      rc::gen::elementOf(SINGLE_THREAD_KINDS), rc::gen::inRange(0u, SLOTS_USED), size_operand(),
      rc::gen::inRange<std::size_t>(0, 64), align_operand());

  void apply(OpCount& model) const override { ++model.ops; }

  void run(const OpCount&, Harness& harness) const override {
    harness.runner.run(harness.op_index++, op);
    if (harness.violations.failed()) {
      harness.failure = harness.result->message;
      RC_FAIL(harness.result->message);
    }
  }

  void show(std::ostream& os) const override {
    char text[160];
    hafuzz::format_op(op, text, sizeof text);
    os << text;
  }
};

void check_op_streams(const hafuzz::AllocatorTarget& target) {
  Harness harness(target);
  rc::state::check(OpCount{}, harness, rc::state::gen::execOneOfWithArgs<RunOp>());
  harness.release_all();
  if (harness.violations.failed()) RC_FAIL(harness.result->message);
}

// A target that breaks a promise: hardalloc whose realloc, when it grows a block to 1000 bytes or
// more, flips the first byte of the result (planted bug realloc_lost_byte's kind). The machine
// must find it as a break of realloc-keeps-prefix, and rapidcheck prints the shrunk commands.
hafuzz::AllocatorTarget lying_target() {
  hafuzz::AllocatorTarget target = hafuzz::hardalloc_target();
  target.name = "hardalloc whose growing realloc flips a byte";
  target.realloc_fn = [](void* block, std::size_t size) -> void* {
    const hafuzz::AllocatorTarget& real = hafuzz::hardalloc_target();
    const bool grows = block != nullptr && size >= 1000 && size > real.usable_size_fn(block);
    void* moved = real.realloc_fn(block, size);
    if (moved != nullptr && grows) *static_cast<unsigned char*>(moved) ^= 1;  // the bug
    return moved;
  };
  return target;
}

TEST(OpStreamState, FindsAPlantedBugAndShrinksIt) {
  static const hafuzz::AllocatorTarget target = lying_target();
  static std::string last_failure;
  EXPECT_FALSE(rc::check("a growing realloc that flips a byte is found", [] {
    Harness harness(target);
    try {
      rc::state::check(OpCount{}, harness, rc::state::gen::execOneOfWithArgs<RunOp>());
    } catch (...) {
      last_failure = harness.failure;  // RC_FAIL inside a command throws through check
      throw;
    }
    harness.release_all();
    if (harness.violations.failed()) {
      last_failure = harness.result->message;
      RC_FAIL(harness.result->message);
    }
  }));
  // The last failure rapidcheck saw is the shrunk one: the prefix realloc must keep.
  EXPECT_NE(last_failure.find("after realloc (prefix must be kept)"), std::string::npos) << last_failure;
}

RC_GTEST_PROP(OpStreamState, FastBuildKeepsEveryPromise, ()) { check_op_streams(hafuzz::hardalloc_target()); }

RC_GTEST_PROP(OpStreamState, HardenedBuildKeepsEveryPromiseAndReportsEveryMisuse, ()) {
  check_op_streams(hafuzz::hardalloc_hardened_target());
}

}  // namespace
