#include "engine_coverage.h"
#include "executor.h"
#include "op_binary.h"
#include "target_runner.h"

namespace hafuzz {
namespace {

class InProcessRunner final : public TargetRunner {
 public:
  // Runs the empty stream once, so that the target's one-time set-up (its process init, the
  // lock-step workers and their heaps: executor.h) belongs to no input.
  explicit InProcessRunner(const AllocatorTarget& target)
      : target_(target), name_(target.name), stream_(std::make_unique<OpStream>()) {
    const auto result = std::make_unique<RunResult>();
    execute_op_stream(*stream_, target_, RunConfig{}, result.get());
  }

  const std::string& name() const override { return name_; }

  void run(const std::uint8_t* data, std::size_t size_bytes, const RunConfig& config, RunResult* result) override {
    if constexpr (ENGINE_TAKES_COVERAGE) clear_behaviour_counters();
    decode_op_stream(data, size_bytes, stream_.get());
    execute_op_stream(*stream_, target_, config, result);
  }

  // The behaviour counters are this process's; the engine sees the edges for itself.
  void hand_coverage_to_engine() const override {
    std::uint8_t counters[BEHAVIOUR_COUNTERS];
    copy_behaviour_counters(counters);
    add_engine_coverage(CoverageSource::BEHAVIOUR, counters, BEHAVIOUR_COUNTERS);
  }

 private:
  const AllocatorTarget& target_;
  std::string name_;
  std::unique_ptr<OpStream> stream_;  // 128 KiB: too large for the stack of every caller
};

}  // namespace

std::unique_ptr<TargetRunner> make_in_process_runner(const AllocatorTarget& target) {
  return std::make_unique<InProcessRunner>(target);
}

}  // namespace hafuzz
