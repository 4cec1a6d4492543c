// ha_diff: the two-target runner. Runs each input on target A and target B, each checked by
// its own shadow model, and reports what a program could observe differently.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_session.h"
#include "input_files.h"
#include "observation_diff.h"
#include "op_binary.h"
#include "target_registry.h"

namespace {

constexpr const char* USAGE =
    "usage: ha_diff [--a TARGET] [--b TARGET] FILE|DIR...   compare A and B on each input\n"
    "       ha_diff [--a TARGET] [--b TARGET] --explain FILE  both outcomes of every op\n"
    "       ha_diff --rules                                   the allowed differences\n"
    "TARGET: hardalloc | system | /path/to/allocator.so (default A: hardalloc if built in,\n"
    "else system; default B: system). Exit status: 0 agree, 1 a finding, 2 usage error.\n";

int print_rules() {
  for (unsigned r = 0; r < hafuzz::ALLOWED_DIFFERENCE_COUNT; ++r) {
    std::printf("%-52s %s\n", hafuzz::ALLOWED_DIFFERENCES[r].name, hafuzz::ALLOWED_DIFFERENCES[r].reason);
  }
  return 0;
}

std::unique_ptr<hafuzz::RunResult> run_on(const std::string& spec, const std::vector<std::uint8_t>& bytes,
                                          std::string* name) {
  std::string error;
  auto runner = hafuzz::make_target_runner(spec, true, &error);
  if (!runner) {
    std::fprintf(stderr, "ha_diff: %s\n", error.c_str());
    return nullptr;
  }
  auto result = std::make_unique<hafuzz::RunResult>();
  runner->run(bytes.data(), bytes.size(), hafuzz::RunConfig{}, result.get());
  *name = runner->name();
  return result;
}

int explain(const std::string& a_spec, const std::string& b_spec, const std::string& path) {
  std::vector<std::uint8_t> bytes;
  std::string error;
  if (!hafuzz::load_input(path, &bytes, &error)) {
    std::fprintf(stderr, "ha_diff: %s\n", error.c_str());
    return 2;
  }
  std::string a_name;
  std::string b_name;
  const auto a = run_on(a_spec, bytes, &a_name);
  const auto b = run_on(b_spec, bytes, &b_name);
  if (!a || !b) return 2;
  auto stream = std::make_unique<hafuzz::OpStream>();
  hafuzz::decode_op_stream(bytes.data(), bytes.size(), stream.get());
  std::printf("%-5s %-48s %-28s %-28s %s\n", "op", "call", a_name.c_str(), b_name.c_str(), "note");
  for (unsigned i = 0; i < stream->op_count; ++i) {
    const std::string a_text = i < a->observation_count ? hafuzz::describe_observation(a->observations[i]) : "-";
    const std::string b_text = i < b->observation_count ? hafuzz::describe_observation(b->observations[i]) : "-";
    const hafuzz::AllowedDifference* rule = hafuzz::allowed_difference_for(stream->ops[i]);
    const char* note = a_text == b_text ? "" : rule != nullptr ? rule->name : "DISAGREE";
    char call[160];
    hafuzz::format_op(stream->ops[i], call, sizeof call);
    std::printf("%-5u %-48s %-28s %-28s %s\n", i, call, a_text.c_str(), b_text.c_str(), note);
  }
  for (const auto* result : {a.get(), b.get()}) {
    if (result->verdict != hafuzz::Verdict::PASS) {
      std::printf("%s: %s\n", hafuzz::verdict_name(result->verdict), result->message);
    }
  }
  return 0;
}

int compare_files(const hafuzz::SessionConfig& config, const std::vector<std::string>& paths) {
  std::string error;
  auto session = hafuzz::FuzzSession::create(config, &error);
  if (!session) {
    std::fprintf(stderr, "ha_diff: %s\n", error.c_str());
    return 2;
  }
  std::fprintf(stderr, "ha_diff: %s\n", session->describe().c_str());
  unsigned finding_count = 0;
  for (const std::string& path : hafuzz::expand_input_paths(paths)) {
    std::vector<std::uint8_t> bytes;
    if (!hafuzz::load_input(path, &bytes, &error)) {
      std::fprintf(stderr, "ha_diff: %s\n", error.c_str());
      return 2;
    }
    const std::string finding = session->run(bytes.data(), bytes.size());
    if (finding.empty()) continue;
    ++finding_count;
    std::printf("FINDING %s\n  %s\n", path.c_str(), finding.c_str());
  }
  std::printf("%u findings\n", finding_count);
  return finding_count == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  hafuzz::SessionConfig config;
  config.target_spec = hafuzz::default_target_spec();
  config.second_spec = "system";
  std::string explain_path;
  std::vector<std::string> paths;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--rules") return print_rules();
    if (args[i] == "--a" && has_value) {
      config.target_spec = args[++i];
    } else if (args[i] == "--b" && has_value) {
      config.second_spec = args[++i];
    } else if (args[i] == "--explain" && has_value) {
      explain_path = args[++i];
    } else if (args[i].empty() || args[i][0] == '-') {
      std::fputs(USAGE, stderr);
      return 2;
    } else {
      paths.push_back(args[i]);
    }
  }
  if (!explain_path.empty()) return explain(config.target_spec, config.second_spec, explain_path);
  if (paths.empty()) {
    std::fputs(USAGE, stderr);
    return 2;
  }
  return compare_files(config, paths);
}
