#include "fuzz_session.h"

#include "engine_coverage.h"
#include "fuzz_environment.h"
#include "observation_diff.h"
#include "op_binary.h"
#include "rules.h"
#include "target_registry.h"

namespace hafuzz {
namespace {

// "[name] violation of free-keeps-errno: op 3 (...): ...", "[name] crash: ...".
std::string describe_failure(const std::string& target_name, const RunResult& result) {
  const std::string of_rule =
      result.verdict == Verdict::VIOLATION ? std::string(" of ") + rule(result.rule).name : std::string();
  return "[" + target_name + "] " + verdict_name(result.verdict) + of_rule + ": " + result.message;
}

}  // namespace

bool SessionConfig::from_environment(SessionConfig* out, std::string* error, InputSource source) {
  FuzzEnvironment environment;
  if (!read_fuzz_environment(&environment, error)) return false;
  SessionConfig config;
  config.target_spec = environment.target_spec;
  config.second_spec = environment.second_spec;
  const bool generated = source == InputSource::GENERATED;
  config.diff_sample = environment.diff_sample != 0 ? environment.diff_sample : generated ? ENGINE_DIFF_SAMPLE : 1;
  config.run.thread_mode = environment.thread_mode;
  config.run.live_cap_bytes = environment.live_cap_bytes;
  config.run.ignored_findings = environment.ignored_findings;
  config.fresh_process_per_input = !environment.reuse_child.value_or(generated);
  config.run.record_misuse = environment.misuse != MisuseMode::OFF;
  config.run.misuse_must_be_reported = environment.misuse == MisuseMode::MUST_REPORT;
  *out = config;
  return true;
}

std::unique_ptr<FuzzSession> FuzzSession::create(const SessionConfig& config, std::string* error) {
  std::unique_ptr<FuzzSession> session(new FuzzSession());
  session->config_ = config;
  session->target_ = make_target_runner(config.target_spec, config.fresh_process_per_input, error);
  if (!session->target_) return nullptr;
  if (!config.second_spec.empty()) {
    session->second_ = make_target_runner(config.second_spec, config.fresh_process_per_input, error);
    if (!session->second_) return nullptr;
  }
  session->stream_ = std::make_unique<OpStream>();
  session->target_result_ = std::make_unique<RunResult>();
  session->earlier_result_ = std::make_unique<RunResult>();
  session->second_result_ = std::make_unique<RunResult>();
  return session;
}

std::string FuzzSession::run(const std::uint8_t* data, std::size_t size_bytes, bool both_targets) {
  decode_op_stream(data, size_bytes, stream_.get());
  // Records the family of a side's failure; false when that family is ignored.
  const auto reported = [&](const RunResult& result, bool second) {
    const Op* op = result.failing_op < stream_->op_count ? &stream_->ops[result.failing_op] : nullptr;
    last_family_ = family_of(result.rule, op);
    last_finding_in_second_ = second;
    return !(ignored_families_ & (1u << static_cast<unsigned>(last_family_)));
  };
  target_->run(data, size_bytes, config_.run, target_result_.get());
  if constexpr (ENGINE_TAKES_COVERAGE) target_->hand_coverage_to_engine();
  const bool target_failed = target_result_->verdict != Verdict::PASS;
  std::string not_alone;
  if (target_failed && target_result_->verdict != Verdict::HANG && target_->fresh_after_failure()) {
    // The child had served earlier inputs: the input runs again in a fresh one, so that a
    // finding is the input's own and replays alone. One that does not is still reported (the
    // allocator broke a promise), saying so. Not a hang: a second timeout would outlast the
    // engine's own, which would then lose the finding.
    std::swap(target_result_, earlier_result_);
    target_->run(data, size_bytes, config_.run, target_result_.get());
    if (target_result_->verdict == Verdict::PASS) {
      std::swap(target_result_, earlier_result_);
      not_alone = " (in a child that had run earlier inputs; it does not fail alone)";
    }
  }
  RunConfig second_run = config_.run;
  second_run.misuse_must_be_reported = false;  // a promise of the target alone
  if (target_failed && both_targets && second_) second_->run(data, size_bytes, second_run, second_result_.get());
  if (target_failed) {
    return reported(*target_result_, false) ? describe_failure(target_->name(), *target_result_) + not_alone : "";
  }
  if (!second_ || !(both_targets || compared(data, size_bytes))) return {};
  second_->run(data, size_bytes, second_run, second_result_.get());
  if (second_result_->verdict != Verdict::PASS) {
    if (!reported(*second_result_, true)) return {};
    return describe_failure(second_->name(), *second_result_) + " (second target)";
  }
  // Free-running runs are not repeatable op by op, so only lock-step runs are compared.
  if (config_.run.thread_mode != ThreadMode::LOCK_STEP) return {};
  Disagreement disagreement;
  if (!find_disagreement(*stream_, *target_result_, target_->name(), *second_result_, second_->name(), &disagreement,
                         ignored_families_)) {
    return {};
  }
  last_family_ = family_of(disagreement.rule, &stream_->ops[disagreement.op_index]);
  last_finding_in_second_ = false;
  return "[differential] " + disagreement.text;
}

bool FuzzSession::compared(const std::uint8_t* data, std::size_t size_bytes) const {
  if (config_.diff_sample <= 1) return true;
  std::uint64_t hash = 0xCBF29CE484222325ull;  // FNV-1a
  for (std::size_t i = 0; i < size_bytes; ++i) hash = (hash ^ data[i]) * 0x100000001B3ull;
  return hash % config_.diff_sample == 0;
}

std::string FuzzSession::describe() const {
  std::string text = "target " + target_->name();
  text += second_ ? ", compared with " + second_->name() : ", no comparison";
  if (second_ && config_.diff_sample > 1) text += " (1 input in " + std::to_string(config_.diff_sample) + ")";
  constexpr const char* MODE_TEXT[] = {", lock-step threads", ", free-running threads",
                                       ", free-running threads with epochs"};
  text += MODE_TEXT[static_cast<unsigned>(config_.run.thread_mode)];
  return text;
}

}  // namespace hafuzz
