#include "fuzz_session.h"

#include <cstdlib>
#include <cstring>

#include "observation_diff.h"
#include "op_binary.h"
#include "target_registry.h"

namespace hafuzz {
namespace {

std::string environment_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? value : fallback;
}

std::string describe_failure(const std::string& target_name, const RunResult& result) {
  return "[" + target_name + "] " + verdict_name(result.verdict) + ": " + result.message;
}

}  // namespace

SessionConfig SessionConfig::from_environment() {
  SessionConfig config;
  config.target_spec = environment_or("HARDALLOC_FUZZ_TARGET", default_target_spec());
  const std::string default_second = config.target_spec == "system" ? "none" : "system";
  config.second_spec = environment_or("HARDALLOC_FUZZ_DIFF", default_second);
  if (config.second_spec == "none") config.second_spec.clear();
  if (environment_or("HARDALLOC_FUZZ_MODE", "lockstep") == "free") {
    config.run.thread_mode = ThreadMode::FREE_RUNNING;
  }
  config.fresh_process_per_input = environment_or("HARDALLOC_FUZZ_REUSE_CHILD", "0") != "1";
  const std::string cap_mb = environment_or("HARDALLOC_FUZZ_LIVE_CAP_MB", "");
  if (!cap_mb.empty()) config.run.live_cap_bytes = std::strtoull(cap_mb.c_str(), nullptr, 10) << 20;
  return config;
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
  session->second_result_ = std::make_unique<RunResult>();
  return session;
}

std::string FuzzSession::run(const std::uint8_t* data, std::size_t size_bytes) {
  target_->run(data, size_bytes, config_.run, target_result_.get());
  if (target_result_->verdict != Verdict::PASS) {
    return describe_failure(target_->name(), *target_result_);
  }
  if (!second_) return {};
  second_->run(data, size_bytes, config_.run, second_result_.get());
  if (second_result_->verdict != Verdict::PASS) {
    return describe_failure(second_->name(), *second_result_) + " (the reference target)";
  }
  // Free-running runs are not repeatable op by op, so only lock-step runs are compared.
  if (config_.run.thread_mode != ThreadMode::LOCK_STEP) return {};
  decode_op_stream(data, size_bytes, stream_.get());
  const std::string disagreement =
      find_disagreement(*stream_, *target_result_, target_->name(), *second_result_, second_->name());
  return disagreement.empty() ? disagreement : "[differential] " + disagreement;
}

std::string FuzzSession::describe() const {
  std::string text = "target " + target_->name();
  text += second_ ? ", compared with " + second_->name() : ", no comparison";
  text += config_.run.thread_mode == ThreadMode::LOCK_STEP ? ", lock-step threads" : ", free-running threads";
  return text;
}

}  // namespace hafuzz
