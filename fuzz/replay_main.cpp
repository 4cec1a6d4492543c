// ha_fuzz_replay: the plain driver. Runs binary inputs, text traces and random streams through
// a FuzzSession without any fuzzing engine, and converts between the two forms.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "child_channel.h"
#include "finding_trace.h"
#include "fuzz_session.h"
#include "input_files.h"
#include "op_binary.h"
#include "op_text.h"
#include "random_streams.h"
#include "tool_cli.h"

namespace {

constexpr const char* TOOL = "ha_fuzz_replay";
constexpr int EXIT_FINDING = 1;

constexpr const char* DESCRIPTION =
    "Runs op streams on an allocator without a fuzzing engine, checking every op with the shadow\n"
    "model (and against a second target), and converts between the binary and text forms.\n"
    "  ha_fuzz_replay [--quiet] [--repeat N] FILE|DIR... run inputs (binary, or text traces), each\n"
    "                                                  N times (a concurrent finding: in k of N)\n"
    "  ha_fuzz_replay --random N [--seconds T] [--seed S] [--max-bytes B] [--save FILE]\n"
    "                 [--expect-finding] [--keep-going] run N random streams (or for T seconds):\n"
    "                                                  random bytes and swarm streams in turn\n"
    "  ha_fuzz_replay --minimize FILE OUT.trace        shrink a failing input to a text trace\n"
    "  ha_fuzz_replay --to-text FILE                   print an input as a text trace\n"
    "  ha_fuzz_replay --to-binary TRACE OUT            write a text trace as a binary input\n"
    "Random streams run at about 8 per second on a library target (a child process each) and\n"
    "hundreds per second in process: --random 10000 on a library takes about 20 minutes; a\n"
    "progress line shows on a terminal every 2 s.";

constexpr const char* FOOTER =
    "Targets and mode come from the environment (HARDALLOC_FUZZ_TARGET, HARDALLOC_FUZZ_DIFF,\n"
    "HARDALLOC_FUZZ_MODE, ...): see docs/fuzzing.md.\n"
    "Exit status: 0 no finding, 1 a finding (with --expect-finding: none), 2 a usage or input error.";

constexpr double MAX_SECONDS = 1e7;
constexpr double PROGRESS_INTERVAL_SECONDS = 2.0;

struct RandomPlan {
  std::uint64_t stream_count = UINT64_MAX;  // --seconds alone: until the time is up
  std::uint64_t seed = 1;
  std::uint64_t max_bytes = 1024;
  double seconds = 0;  // 0: no time limit
  std::string save_path;
  bool expect_finding = false;  // a planted bug must be found: exit 0 on a finding
  bool keep_going = false;      // go on after a finding
};

// Streams run, execs/s and findings on stderr: on a terminal by default (one line, redrawn),
// else only when asked (one line each time).
class Progress {
 public:
  Progress(bool enabled, double limit_seconds)
      : enabled_(enabled), on_terminal_(isatty(STDERR_FILENO) == 1), limit_seconds_(limit_seconds) {}

  double elapsed_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  void update(std::uint64_t run_count, unsigned finding_count) {
    if (!enabled_) return;
    const double elapsed = elapsed_seconds();
    if (elapsed < next_report_seconds_) return;
    next_report_seconds_ = elapsed + PROGRESS_INTERVAL_SECONDS;
    char limit[32] = "";
    if (limit_seconds_ > 0) std::snprintf(limit, sizeof limit, " of %.0f", limit_seconds_);
    std::fprintf(stderr, "%s%s: %llu streams, %.1f execs/s, %u findings, %.0f%s s%s", on_terminal_ ? "\r" : "", TOOL,
                 static_cast<unsigned long long>(run_count), elapsed > 0 ? run_count / elapsed : 0.0, finding_count,
                 elapsed, limit, on_terminal_ ? "\033[K" : "\n");
    std::fflush(stderr);
    drawn_ = true;
  }

  // Ends a redrawn line before other output.
  void finish() {
    if (drawn_ && on_terminal_) std::fputc('\n', stderr);
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool on_terminal_;
  double limit_seconds_;
  bool drawn_ = false;
  double next_report_seconds_ = 0;  // the first line at once: the run is alive
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Named files are compared with the second target one and all; random streams by sample, as
// the engines do (fuzz_session.h).
std::unique_ptr<hafuzz::FuzzSession> open_session(bool quiet, hafuzz::InputSource source = hafuzz::InputSource::NAMED) {
  hafuzz::SessionConfig config;
  std::string error;
  if (!hafuzz::SessionConfig::from_environment(&config, &error, source)) {
    hafuzz::exit_usage_error(TOOL, error);
  }
  auto session = hafuzz::FuzzSession::create(config, &error);
  if (!session) hafuzz::exit_usage_error(TOOL, error);
  if (!quiet) std::fprintf(stderr, "%s: %s\n", TOOL, session->describe().c_str());
  return session;
}

std::vector<std::uint8_t> load_or_exit(const std::string& path, bool* was_text = nullptr) {
  std::vector<std::uint8_t> bytes;
  std::string error;
  if (!hafuzz::load_input(path, &bytes, &error, was_text)) hafuzz::exit_usage_error(TOOL, error);
  return bytes;
}

void write_or_exit(const std::string& path, const void* data, std::size_t size_bytes) {
  std::string error;
  if (!hafuzz::write_file_bytes(path, data, size_bytes, &error)) hafuzz::exit_usage_error(TOOL, error);
}

// Either form in, text out: a trace is printed in its canonical form.
int convert_to_text(const std::string& path) {
  const std::vector<std::uint8_t> bytes = load_or_exit(path);
  auto stream = std::make_unique<hafuzz::OpStream>();
  hafuzz::decode_op_stream(bytes.data(), bytes.size(), stream.get());
  std::fputs(hafuzz::print_op_text(*stream).c_str(), stdout);
  return 0;
}

int convert_to_binary(const std::string& trace_path, const std::string& out_path) {
  bool was_text = false;
  const std::vector<std::uint8_t> bytes = load_or_exit(trace_path, &was_text);
  if (!was_text) hafuzz::exit_usage_error(TOOL, trace_path + " is already a binary input, not a text trace");
  write_or_exit(out_path, bytes.data(), bytes.size());
  return 0;
}

// Each input runs `repeat` times: a concurrent finding shows how often it replays.
int replay_files(const std::vector<std::string>& paths, bool quiet, bool progress_asked, std::uint64_t repeat) {
  std::vector<std::string> files;
  std::string error;
  if (!hafuzz::expand_input_paths(paths, &files, &error)) hafuzz::exit_usage_error(TOOL, error);
  // Every input is read (and every trace parsed) before the first runs: a bad one is a usage
  // error up front, not after minutes of replaying.
  std::vector<std::vector<std::uint8_t>> inputs;
  for (const std::string& file : files) inputs.push_back(load_or_exit(file));
  auto session = open_session(quiet);
  Progress progress(progress_asked, 0);
  unsigned finding_count = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::vector<std::uint8_t>& bytes = inputs[i];
    std::string first_finding;
    std::uint64_t failed_runs = 0;
    for (std::uint64_t run = 0; run < repeat; ++run) {
      const std::string finding = session->run(bytes.data(), bytes.size());
      if (finding.empty()) continue;
      ++failed_runs;
      if (first_finding.empty()) first_finding = finding;
    }
    char runs[64] = "";
    if (repeat > 1) {
      std::snprintf(runs, sizeof runs, " in %llu of %llu runs", static_cast<unsigned long long>(failed_runs),
                    static_cast<unsigned long long>(repeat));
    }
    if (failed_runs > 0) {
      ++finding_count;
      progress.finish();
      std::printf("FINDING %s%s\n  %s\n", files[i].c_str(), runs, first_finding.c_str());
    } else if (!quiet) {
      std::printf("ok %s%s\n", files[i].c_str(), runs);
    }
    progress.update(i + 1, finding_count);
  }
  progress.finish();
  std::printf("replayed %zu inputs, %u findings\n", files.size(), finding_count);
  return finding_count == 0 ? 0 : EXIT_FINDING;
}

int minimize(const std::string& path, const std::string& out_path) {
  const std::vector<std::uint8_t> bytes = load_or_exit(path);
  auto session = open_session(false);
  const std::string finding = session->run(bytes.data(), bytes.size());
  if (finding.empty()) hafuzz::exit_usage_error(TOOL, path + " does not fail: nothing to minimize");
  const hafuzz::FindingTrace trace = hafuzz::minimize_finding(*session, bytes, finding, path);
  write_or_exit(out_path, trace.text.data(), trace.text.size());
  std::printf("%u ops -> %u ops: %s\n  %s\n", trace.from_ops, trace.to_ops, out_path.c_str(), trace.finding.c_str());
  return 0;
}

int run_random(const RandomPlan& plan, bool quiet, bool progress_asked) {
  auto session = open_session(quiet, hafuzz::InputSource::GENERATED);
  hafuzz::RandomStreams streams(plan.seed, plan.max_bytes);
  Progress progress(progress_asked, plan.seconds);
  std::uint64_t run_count = 0;
  unsigned finding_count = 0;
  for (; run_count < plan.stream_count; ++run_count) {
    if (plan.seconds > 0 && progress.elapsed_seconds() > plan.seconds) break;
    progress.update(run_count, 0);
    const std::vector<std::uint8_t>& bytes = streams.next();
    // Written before the run, so that the input survives a crash of the target.
    if (!plan.save_path.empty()) write_or_exit(plan.save_path, bytes.data(), bytes.size());
    const std::string finding = session->run(bytes.data(), bytes.size());
    if (finding.empty()) continue;
    ++finding_count;
    progress.finish();
    // Every finding keeps its input, --save or not: FILE.N, or finding-SEED-N.bin here.
    const std::string saved = (plan.save_path.empty() ? "finding-" + std::to_string(plan.seed) : plan.save_path) + "-" +
                              std::to_string(finding_count) + (plan.save_path.empty() ? ".bin" : "");
    write_or_exit(saved, bytes.data(), bytes.size());
    std::printf("FINDING after %llu streams, %.2f s (seed %llu)\n  %s\n  input saved to %s (--to-text shows it)\n",
                static_cast<unsigned long long>(run_count + 1), progress.elapsed_seconds(),
                static_cast<unsigned long long>(plan.seed), finding.c_str(), saved.c_str());
    if (!plan.keep_going) break;
  }
  progress.finish();
  std::printf("ran %llu random streams in %.2f s, %u findings\n", static_cast<unsigned long long>(run_count),
              progress.elapsed_seconds(), finding_count);
  return (finding_count > 0) == plan.expect_finding ? 0 : EXIT_FINDING;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{DESCRIPTION, TOOL};
  app.footer(FOOTER);
  bool quiet = false;
  bool progress_asked = false;
  RandomPlan plan;
  std::vector<std::string> paths;
  std::vector<std::string> minimize_paths;
  std::string to_text_path;
  std::vector<std::string> to_binary_paths;
  app.add_option("inputs", paths, "inputs to run: files (binary or text traces), directories of files")
      ->type_name("FILE|DIR");
  app.add_flag("--quiet", quiet, "print findings and the summary only");
  std::uint64_t repeat_count = 1;
  auto* repeat = hafuzz::add_unsigned_option(app, "--repeat", &repeat_count, 1, 1000000,
                                             "run each named input N times, and say in how many it failed "
                                             "(a concurrent finding's replay probability)");
  app.add_flag("--progress", progress_asked, "print progress every 2 s even when stderr is not a terminal");
  auto* random = hafuzz::add_unsigned_option(app, "--random", &plan.stream_count, 1, UINT64_MAX,
                                             "run N random streams; stop at the first finding");
  auto* seconds = hafuzz::add_seconds_option(app, "--seconds", &plan.seconds, MAX_SECONDS,
                                             "stop random streams after T seconds (alone: no stream limit)");
  auto* seed = hafuzz::add_unsigned_option(app, "--seed", &plan.seed, 0, UINT64_MAX, "seed of the random streams (1)");
  auto* max_bytes = hafuzz::add_unsigned_option(app, "--max-bytes", &plan.max_bytes, 1, hafuzz::CHANNEL_INPUT_BYTES,
                                                "largest random stream in bytes (1024)");
  auto* save =
      app.add_option("--save", plan.save_path, "write each random input there before it runs")->type_name("FILE");
  auto* expect = app.add_flag("--expect-finding", plan.expect_finding,
                              "a finding is required: exit 0 on one, 1 without (planted bugs)");
  auto* keep_going = app.add_flag("--keep-going", plan.keep_going,
                                  "go on after a finding (each one's input is saved: FILE-N with --save, "
                                  "else finding-SEED-N.bin)");
  auto* minimize_option = app.add_option("--minimize", minimize_paths, "shrink the failing input FILE into OUT.trace")
                              ->expected(2)
                              ->type_name("FILE OUT");
  auto* to_text =
      app.add_option("--to-text", to_text_path, "print FILE (binary or text) as a text trace")->type_name("FILE");
  auto* to_binary = app.add_option("--to-binary", to_binary_paths, "encode the text trace TRACE into OUT")
                        ->expected(2)
                        ->type_name("TRACE OUT");
  hafuzz::parse_command_line(app, argc, argv);

  const bool random_mode = random->count() > 0 || seconds->count() > 0;
  unsigned mode_count = (paths.empty() ? 0 : 1) + (random_mode ? 1 : 0);
  for (const CLI::Option* mode : {minimize_option, to_text, to_binary}) mode_count += mode->count() > 0 ? 1 : 0;
  if (mode_count == 0) {
    hafuzz::exit_usage_error(TOOL,
                             "nothing to do: name inputs, or --random, --minimize, --to-text, --to-binary "
                             "(see --help)");
  }
  if (mode_count > 1) {
    hafuzz::exit_usage_error(TOOL, "choose one of: inputs, --random/--seconds, --minimize, --to-text, --to-binary");
  }
  if (repeat->count() > 0 && paths.empty()) hafuzz::exit_usage_error(TOOL, "--repeat needs inputs");
  for (const CLI::Option* random_only : {seed, max_bytes, save, expect, keep_going}) {
    if (random_only->count() > 0 && !random_mode) {
      hafuzz::exit_usage_error(TOOL, random_only->get_name() + " needs --random or --seconds");
    }
  }
  const bool show_progress = progress_asked || (!quiet && isatty(STDERR_FILENO) == 1);
  if (to_text->count() > 0) return convert_to_text(to_text_path);
  if (to_binary->count() > 0) return convert_to_binary(to_binary_paths[0], to_binary_paths[1]);
  if (minimize_option->count() > 0) return minimize(minimize_paths[0], minimize_paths[1]);
  if (random_mode) return run_random(plan, quiet, show_progress);
  return replay_files(paths, quiet, show_progress, repeat_count);
}
