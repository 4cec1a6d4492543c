#include "swarm_generator.h"

#include <cstddef>

namespace hafuzz {
namespace {

constexpr unsigned MAX_SIZE_CLASSES = 3;
constexpr unsigned MIN_CLASS_SHIFT = 3;  // classes (2^(k-1), 2^k] for k in 3..22
constexpr unsigned MAX_CLASS_SHIFT = 22;
constexpr unsigned CONTENTION_ONE_IN = 4;
constexpr unsigned MAX_COUNT = 4;         // calloc and reallocarray element counts
constexpr unsigned MAX_ALIGN_SHIFT = 16;  // alignments 8 .. 64 KiB
constexpr unsigned MIN_SLOT_SPAN = 2;     // slots a stream uses: few, so blocks are reused
constexpr unsigned MAX_BURST_SHIFT = 4;   // a thread is drawn every 1 .. 16 ops on average

// The allocating kinds, which a swarm always keeps one of (with FREE).
constexpr OpKind ALLOCATING[] = {OpKind::MALLOC, OpKind::CALLOC, OpKind::REALLOC, OpKind::ALIGNED_ALLOC, OpKind::NEW};

class Swarm {
 public:
  explicit Swarm(std::mt19937_64& random) : random_(random) {}

  void choose(unsigned thread_count) {
    thread_count_ = thread_count;
    class_count_ = 1 + below(MAX_SIZE_CLASSES);
    // Small classes more often than large ones: allocators have more of them.
    for (unsigned i = 0; i < class_count_; ++i) {
      class_shift_[i] = MIN_CLASS_SHIFT + below(1 + below(MAX_CLASS_SHIFT - MIN_CLASS_SHIFT + 1));
    }
    enabled_count_ = 0;
    for (unsigned k = 0; k < OP_KIND_COUNT; ++k) {
      const auto kind = static_cast<OpKind>(k);
      if ((kind == OpKind::THREAD_END || kind == OpKind::HANDOFF) && thread_count == 1) continue;
      if (below(2) == 0) enabled_[enabled_count_++] = kind;
    }
    enabled_[enabled_count_++] = ALLOCATING[below(sizeof ALLOCATING / sizeof ALLOCATING[0])];
    enabled_[enabled_count_++] = OpKind::FREE;
    slot_span_ = MIN_SLOT_SPAN + below(SLOT_COUNT - MIN_SLOT_SPAN + 1);
    burst_ = 1u << below(MAX_BURST_SHIFT + 1);
    thread_ = below(thread_count);
  }

  Op random_op() {
    Op op{};
    op.kind = enabled_[below(enabled_count_)];
    // A thread drawn anew (it may be the same one) every burst_ ops on average: some streams
    // interleave op by op, others let a thread run a batch (fill a page, free many) first.
    if (below(burst_) == 0) thread_ = below(thread_count_);
    op.thread = static_cast<std::uint8_t>(thread_);
    const std::uint8_t fields = op_info(op.kind).fields;
    if (fields & FIELD_SLOT) op.slot = static_cast<std::uint8_t>(below(slot_span_));
    if (fields & FIELD_COUNT) op.count = 1 + below(MAX_COUNT);
    if (fields & FIELD_ALIGN) op.align = std::size_t{1} << (3 + below(MAX_ALIGN_SHIFT - 2));
    if (fields & FIELD_SIZE) op.size = size_in_class(below(class_count_)) / (op.count != 0 ? op.count : 1);
    if (fields & FIELD_TO_THREAD) op.to_thread = static_cast<std::uint8_t>(below(thread_count_));
    return op;
  }

  // A size in (2^(k-1), 2^k] for the class's k.
  std::size_t size_in_class(unsigned index) {
    const std::size_t top = std::size_t{1} << class_shift_[index];
    return top / 2 + 1 + below(static_cast<unsigned>(top / 2));
  }

  unsigned below(unsigned bound) { return bound <= 1 ? 0 : static_cast<unsigned>(random_() % bound); }

 private:
  std::mt19937_64& random_;
  unsigned thread_count_ = 1;
  unsigned class_count_ = 1;
  unsigned class_shift_[MAX_SIZE_CLASSES] = {};
  OpKind enabled_[OP_KIND_COUNT + 2] = {};
  unsigned enabled_count_ = 0;
  unsigned slot_span_ = SLOT_COUNT;
  unsigned burst_ = 1;   // mean ops between two draws of the thread
  unsigned thread_ = 0;  // the thread of the current run
};

// Thread t allocates into its own slots and hands each block to thread t + 1, round after round.
void fill_contention(Swarm& swarm, unsigned op_count, OpStream* out) {
  const unsigned threads = out->thread_count;
  for (unsigned i = 0; i + 1 < op_count; i += 2) {
    const unsigned thread = (i / 2) % threads;
    Op allocate{};
    allocate.kind = OpKind::MALLOC;
    allocate.thread = static_cast<std::uint8_t>(thread);
    allocate.slot = static_cast<std::uint8_t>(thread + threads * swarm.below(SLOT_COUNT / threads));
    allocate.size = swarm.size_in_class(0);
    Op hand = allocate;
    hand.kind = OpKind::HANDOFF;
    hand.size = 0;
    hand.to_thread = static_cast<std::uint8_t>((thread + 1) % threads);
    out->ops[out->op_count++] = allocate;
    out->ops[out->op_count++] = hand;
  }
}

}  // namespace

void generate_swarm_stream(std::mt19937_64& random, unsigned op_count, OpStream* out) {
  if (op_count > MAX_OPS) op_count = MAX_OPS;
  Swarm swarm(random);
  out->thread_count = 1 + swarm.below(MAX_THREADS);
  out->op_count = 0;
  swarm.choose(out->thread_count);
  if (out->thread_count > 1 && swarm.below(CONTENTION_ONE_IN) == 0) {
    fill_contention(swarm, op_count, out);
    return;
  }
  while (out->op_count < op_count) out->ops[out->op_count++] = swarm.random_op();
}

}  // namespace hafuzz
