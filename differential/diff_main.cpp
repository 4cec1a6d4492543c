// ha_diff: the two-target runner. Runs each input on target A and target B, each checked by
// its own shadow model, and reports what a program could observe differently.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "child_channel.h"
#include "conformance_matrix.h"
#include "finding_trace.h"
#include "fuzz_session.h"
#include "input_files.h"
#include "observation_diff.h"
#include "op_binary.h"
#include "random_streams.h"
#include "tool_cli.h"

namespace {

constexpr const char* TOOL = "ha_diff";
constexpr int EXIT_FINDING = 1;

constexpr const char* DESCRIPTION =
    "Runs op streams (binary inputs or text traces) on two allocators, each checked by its own\n"
    "shadow model, and compares what a program could observe (docs/fuzzing.md, Differential).\n"
    "  ha_diff [--a TARGET] [--b TARGET] FILE|DIR...     compare A and B on each input\n"
    "  ha_diff [--a TARGET] [--b TARGET] --seconds N [--seed S] [--threads K] [--max-bytes B]\n"
    "          [--out DIR]                               compare seeded random streams for N s;\n"
    "                                                    a finding is minimized to DIR/*.trace\n"
    "  ha_diff [--a TARGET] [--b TARGET] --explain FILE  both outcomes of every op, and the verdict\n"
    "  ha_diff --matrix [--seconds N] [--seed S] [--only NAMES] [--out DIR] [LIB.so...]\n"
    "                                                    every installed allocator (and LIB.so) against\n"
    "                                                    glibc: one verdict per rule family, N s each\n"
    "  ha_diff --rules                                   the rules: promises, comparisons, allowed\n"
    "                                                    differences, with their sources\n"
    "TARGET: hardalloc | hardalloc-hardened | system | /path/to/allocator.so. An input takes well\n"
    "under a second: hundreds per second in process, about 8 per second for a library target.";

constexpr const char* FOOTER =
    "Defaults: A from HARDALLOC_FUZZ_TARGET (hardalloc when built in, else system), B from\n"
    "HARDALLOC_FUZZ_DIFF (else system); runs are lock-step.\n"
    "Exit status: 0 the targets agree and keep every promise (--matrix: the matrix was made, whatever\n"
    "it shows), 1 a finding, 2 a usage or input error.";

constexpr double MAX_SECONDS = 1e7;

struct RandomPlan {
  double seconds = 0;
  std::uint64_t seed = 1;
  std::uint64_t thread_count = 0;  // 0: each stream's own
  std::uint64_t max_bytes = 1024;
  std::string out_dir = ".";
};

const char* kind_title(hafuzz::RuleKind kind) {
  switch (kind) {
    case hafuzz::RuleKind::PROMISE:
      return "Promises each target's shadow model checks (a break is a violation)";
    case hafuzz::RuleKind::COMPARED:
      return "Observations compared between the two targets (a difference is a finding)";
    case hafuzz::RuleKind::ALLOWED:
      return "Differences the standards allow (no finding)";
  }
  return "?";
}

// The one table (rules.h), by kind: name, family, what is held, and what it rests on.
int print_rules() {
  for (const hafuzz::RuleKind kind :
       {hafuzz::RuleKind::PROMISE, hafuzz::RuleKind::COMPARED, hafuzz::RuleKind::ALLOWED}) {
    std::printf("%s:\n", kind_title(kind));
    for (const hafuzz::Rule& row : hafuzz::RULES) {
      if (row.kind != kind) continue;
      std::printf("  %s [%s]\n      %s\n      source: %s\n", row.name, hafuzz::family_name(row.family), row.text,
                  row.source);
    }
  }
  return 0;
}

std::unique_ptr<hafuzz::FuzzSession> open_session(const hafuzz::SessionConfig& config) {
  std::string error;
  auto session = hafuzz::FuzzSession::create(config, &error);
  if (!session) hafuzz::exit_usage_error(TOOL, error);
  return session;
}

std::vector<std::uint8_t> load_or_exit(const std::string& path) {
  std::vector<std::uint8_t> bytes;
  std::string error;
  if (!hafuzz::load_input(path, &bytes, &error)) hafuzz::exit_usage_error(TOOL, error);
  return bytes;
}

std::string observation_text(const hafuzz::RunResult& result, unsigned index) {
  return index < result.observation_count ? hafuzz::describe_observation(result.observations[index]) : "not run";
}

// The note beside an op: blank when both sides saw the same, else why they may differ or not.
const char* comparison_note(const hafuzz::Op& op, const hafuzz::RunResult& a, const hafuzz::RunResult& b,
                            unsigned index) {
  if (a.verdict != hafuzz::Verdict::PASS && a.failing_op == index) return "A broke a promise here (below)";
  if (b.verdict != hafuzz::Verdict::PASS && b.failing_op == index) return "B broke a promise here (below)";
  if (index >= a.observation_count || index >= b.observation_count) return "";
  const hafuzz::Rule* rule = nullptr;
  switch (hafuzz::compare_observations(op, a.observations[index], b.observations[index], &rule)) {
    case hafuzz::Comparison::SAME:
      return "";
    case hafuzz::Comparison::NOT_COMPARED:
      return "not compared";
    case hafuzz::Comparison::ALLOWED:
      return rule->name;
    case hafuzz::Comparison::DISAGREE:
      break;
  }
  return "DISAGREE";
}

// Every op with both outcomes, then the verdict of the plain comparison of this input.
int explain(const hafuzz::SessionConfig& config, const std::string& path) {
  const std::vector<std::uint8_t> bytes = load_or_exit(path);
  auto session = open_session(config);
  const std::string finding = session->run(bytes.data(), bytes.size(), true);
  const hafuzz::RunResult& a = session->target_result();
  const hafuzz::RunResult& b = *session->second_result();
  auto stream = std::make_unique<hafuzz::OpStream>();
  hafuzz::decode_op_stream(bytes.data(), bytes.size(), stream.get());
  const std::string a_title = "A: " + session->target_name();
  const std::string b_title = "B: " + session->second_name();
  std::printf("%-5s %-48s %-28s %-28s %s\n", "op", "call", a_title.c_str(), b_title.c_str(), "note");
  for (unsigned i = 0; i < stream->op_count; ++i) {
    char call[160];
    hafuzz::format_op(stream->ops[i], call, sizeof call);
    std::printf("%-5u %-48s %-28s %-28s %s\n", i, call, observation_text(a, i).c_str(), observation_text(b, i).c_str(),
                comparison_note(stream->ops[i], a, b, i));
  }
  const char* sides[] = {a_title.c_str(), b_title.c_str()};
  const hafuzz::RunResult* results[] = {&a, &b};
  for (unsigned side = 0; side < 2; ++side) {
    if (results[side]->verdict == hafuzz::Verdict::PASS) continue;
    std::printf("%s: %s: %s\n", sides[side], hafuzz::verdict_name(results[side]->verdict), results[side]->message);
  }
  if (finding.empty()) {
    std::printf("verdict: no finding\n");
    return 0;
  }
  std::printf("verdict: FINDING %s\n", finding.c_str());
  return EXIT_FINDING;
}

int compare_files(const hafuzz::SessionConfig& config, const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  std::string error;
  if (!hafuzz::expand_input_paths(paths, &files, &error)) hafuzz::exit_usage_error(TOOL, error);
  std::vector<std::vector<std::uint8_t>> inputs;
  for (const std::string& path : files) inputs.push_back(load_or_exit(path));
  auto session = open_session(config);
  std::fprintf(stderr, "%s: %s\n", TOOL, session->describe().c_str());
  unsigned finding_count = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string finding = session->run(inputs[i].data(), inputs[i].size());
    if (finding.empty()) continue;
    ++finding_count;
    std::printf("FINDING %s\n  %s\n", files[i].c_str(), finding.c_str());
  }
  std::printf("compared %zu inputs, %u findings\n", files.size(), finding_count);
  return finding_count == 0 ? 0 : EXIT_FINDING;
}

// Seeded random streams (random_streams.h, as ha_fuzz_replay --random makes them) on both
// targets until the time is up or a finding, which is minimized to a trace in plan.out_dir.
int compare_random(const hafuzz::SessionConfig& config, const RandomPlan& plan) {
  auto session = open_session(config);
  std::fprintf(stderr, "%s: %s\n", TOOL, session->describe().c_str());
  hafuzz::RandomStreams streams(plan.seed, plan.max_bytes, static_cast<unsigned>(plan.thread_count));
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed_seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::uint64_t stream_count = 0;
  while (elapsed_seconds() < plan.seconds) {
    const std::vector<std::uint8_t> bytes = streams.next();
    ++stream_count;
    const std::string finding = session->run(bytes.data(), bytes.size());
    if (finding.empty()) continue;
    const std::string stem =
        plan.out_dir + "/ha_diff-" + std::to_string(plan.seed) + "-" + std::to_string(stream_count);
    std::string error;
    if (!hafuzz::write_file_bytes(stem + ".bin", bytes.data(), bytes.size(), &error)) {
      hafuzz::exit_usage_error(TOOL, error);
    }
    std::printf("FINDING in random stream %llu after %.2f s (seed %llu)\n  %s\n",
                static_cast<unsigned long long>(stream_count), elapsed_seconds(),
                static_cast<unsigned long long>(plan.seed), finding.c_str());
    const hafuzz::FindingTrace trace = hafuzz::minimize_finding(
        *session, bytes, finding,
        "ha_diff --seed " + std::to_string(plan.seed) + ", stream " + std::to_string(stream_count));
    if (!hafuzz::write_file_bytes(stem + ".trace", trace.text.data(), trace.text.size(), &error)) {
      hafuzz::exit_usage_error(TOOL, error);
    }
    std::printf("  minimized %u ops -> %u ops: %s.trace (input: %s.bin)\n  %s\n", trace.from_ops, trace.to_ops,
                stem.c_str(), stem.c_str(), trace.finding.c_str());
    return EXIT_FINDING;
  }
  std::printf("compared %llu random streams in %.1f s (seed %llu), no finding\n",
              static_cast<unsigned long long>(stream_count), elapsed_seconds(),
              static_cast<unsigned long long>(plan.seed));
  return 0;
}

int print_matrix(const hafuzz::MatrixPlan& plan, const std::vector<std::string>& extra_libraries,
                 const std::vector<std::string>& only) {
  std::string error;
  const std::vector<hafuzz::MatrixAllocator> allocators = hafuzz::installed_allocators(extra_libraries, only, &error);
  if (allocators.empty()) hafuzz::exit_usage_error(TOOL, error);
  std::vector<hafuzz::MatrixRow> rows;
  for (const hafuzz::MatrixAllocator& allocator : allocators) {
    std::fprintf(stderr, "%s: %s (%s), %.0f s\n", TOOL, allocator.name.c_str(), allocator.spec.c_str(),
                 plan.seconds_per_allocator);
    rows.emplace_back();
    if (!hafuzz::run_matrix_row(allocator, plan, &rows.back(), &error)) hafuzz::exit_usage_error(TOOL, error);
  }
  hafuzz::print_matrix(rows, plan, stdout);
  if (!hafuzz::write_matrix_files(rows, plan, &error)) hafuzz::exit_usage_error(TOOL, error);
  std::printf("written: %s/matrix.csv, %s/matrix.md\n", plan.out_dir.c_str(), plan.out_dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{DESCRIPTION, TOOL};
  app.footer(FOOTER);
  std::string a_spec;
  std::string b_spec;
  std::string explain_path;
  std::vector<std::string> paths;
  bool rules = false;
  auto* a_option = app.add_option("--a", a_spec, "target under test")->type_name("TARGET");
  auto* b_option = app.add_option("--b", b_spec, "target to compare with")->type_name("TARGET");
  auto* explain_option =
      app.add_option("--explain", explain_path, "print both outcomes of every op of FILE")->type_name("FILE");
  auto* rules_flag = app.add_flag("--rules", rules, "print the rules: promises, comparisons, allowed differences");
  auto* inputs = app.add_option("inputs", paths, "inputs: files, directories of files")->type_name("FILE|DIR");
  RandomPlan plan;
  auto* seconds =
      hafuzz::add_seconds_option(app, "--seconds", &plan.seconds, MAX_SECONDS, "compare random streams for N seconds");
  auto* seed = hafuzz::add_unsigned_option(app, "--seed", &plan.seed, 0, UINT64_MAX, "seed of the random streams (1)");
  auto* threads = hafuzz::add_unsigned_option(app, "--threads", &plan.thread_count, 1, hafuzz::MAX_THREADS,
                                              "threads of every random stream (default: each stream's own, 1-4)");
  auto* max_bytes = hafuzz::add_unsigned_option(app, "--max-bytes", &plan.max_bytes, 1, hafuzz::CHANNEL_INPUT_BYTES,
                                                "largest random stream in bytes (1024)");
  auto* out_dir = app.add_option("--out", plan.out_dir, "where a finding's input and trace go (.)")
                      ->type_name("DIR")
                      ->check(CLI::ExistingDirectory);
  bool matrix = false;
  std::vector<std::string> only;
  auto* matrix_flag = app.add_flag("--matrix", matrix, "the conformance matrix of every installed allocator");
  auto* only_option = app.add_option("--only", only, "--matrix: these allocators only (glibc, mimalloc, ...)")
                          ->delimiter(',')
                          ->type_name("NAMES");
  explain_option->excludes(inputs)->excludes(rules_flag)->excludes(seconds)->excludes(matrix_flag);
  rules_flag->excludes(inputs)->excludes(seconds)->excludes(matrix_flag);
  matrix_flag->excludes(threads)->excludes(max_bytes)->excludes(a_option)->excludes(b_option);
  hafuzz::parse_command_line(app, argc, argv);
  if (rules) return print_rules();
  if (only_option->count() > 0 && !matrix) hafuzz::exit_usage_error(TOOL, "--only needs --matrix");
  if (seconds->count() > 0 && !matrix && !paths.empty()) {
    hafuzz::exit_usage_error(TOOL, "--seconds runs random streams: name no inputs (see --help)");
  }
  for (const CLI::Option* random_only : {seed, out_dir}) {
    if (random_only->count() > 0 && seconds->count() == 0 && !matrix) {
      hafuzz::exit_usage_error(TOOL, random_only->get_name() + " needs --seconds or --matrix");
    }
  }
  for (const CLI::Option* random_only : {threads, max_bytes}) {
    if (random_only->count() > 0 && seconds->count() == 0) {
      hafuzz::exit_usage_error(TOOL, random_only->get_name() + " needs --seconds");
    }
  }
  if (explain_path.empty() && paths.empty() && seconds->count() == 0 && !matrix) {
    hafuzz::exit_usage_error(
        TOOL, "no inputs: name files or directories, --seconds N, --explain FILE or --rules (see --help)");
  }

  hafuzz::SessionConfig config;
  std::string error;
  if (!hafuzz::SessionConfig::from_environment(&config, &error)) hafuzz::exit_usage_error(TOOL, error);
  if (config.run.thread_mode != hafuzz::ThreadMode::LOCK_STEP) {
    hafuzz::exit_usage_error(TOOL, "HARDALLOC_FUZZ_MODE=free: ha_diff compares lock-step runs only");
  }
  if (!a_spec.empty()) config.target_spec = a_spec;
  if (!b_spec.empty()) config.second_spec = b_spec;
  if (config.second_spec.empty()) config.second_spec = "system";
  const bool fresh_process_from_environment = config.fresh_process_per_input;  // HARDALLOC_FUZZ_REUSE_CHILD
  config.fresh_process_per_input = true;
  if (matrix) {
    hafuzz::MatrixPlan matrix_plan;
    if (seconds->count() > 0) matrix_plan.seconds_per_allocator = plan.seconds;
    matrix_plan.seed = plan.seed;
    matrix_plan.out_dir = plan.out_dir;
    matrix_plan.run = config.run;
    matrix_plan.fresh_process_per_input = fresh_process_from_environment;
    return print_matrix(matrix_plan, paths, only);
  }
  if (!explain_path.empty()) return explain(config, explain_path);
  if (seconds->count() > 0) return compare_random(config, plan);
  return compare_files(config, paths);
}
