// ha_fuzz_replay: the plain driver. Runs binary inputs, text traces and random streams through
// a FuzzSession without any fuzzing engine, and converts between the two forms.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "fuzz_session.h"
#include "input_files.h"
#include "op_binary.h"
#include "op_text.h"
#include "stream_minimizer.h"

namespace {

constexpr const char* USAGE =
    "usage: ha_fuzz_replay [--quiet] FILE|DIR...          run inputs (*.trace: text traces)\n"
    "       ha_fuzz_replay --random N [--seed S] [--max-bytes B] [--seconds T] [--save FILE]\n"
    "                      (--save: each input is written there before it runs)\n"
    "                      [--expect-finding]             run N random streams; with\n"
    "                                                     --expect-finding, no finding fails\n"
    "       ha_fuzz_replay --minimize FILE OUT.trace      shrink a failing input to a trace\n"
    "       ha_fuzz_replay --to-text FILE                 print a binary input as a text trace\n"
    "       ha_fuzz_replay --to-binary TRACE OUT          write a text trace as a binary input\n"
    "Targets and mode come from the environment: see docs/fuzzing.md (HARDALLOC_FUZZ_*).\n"
    "Exit status: 0 no finding, 1 a finding, 2 a usage or input error.\n";

constexpr int EXIT_FINDING = 1;
constexpr int EXIT_USAGE = 2;

struct RandomPlan {
  unsigned long long stream_count = 0;
  unsigned long long seed = 1;
  std::size_t max_bytes = 1024;
  double seconds = 0;  // 0: no time limit
  std::string save_path;
  bool expect_finding = false;  // a planted bug must be found: exit 0 on a finding
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ha_fuzz_replay: %s\n%s", message.c_str(), USAGE);
  return EXIT_USAGE;
}

std::unique_ptr<hafuzz::FuzzSession> open_session(bool quiet) {
  std::string error;
  auto session = hafuzz::FuzzSession::create(hafuzz::SessionConfig::from_environment(), &error);
  if (!session) {
    std::fprintf(stderr, "ha_fuzz_replay: %s\n", error.c_str());
    return nullptr;
  }
  if (!quiet) std::fprintf(stderr, "ha_fuzz_replay: %s\n", session->describe().c_str());
  return session;
}

int convert_to_text(const std::string& path) {
  std::string contents;
  if (!hafuzz::read_file_bytes(path, &contents)) return usage_error("cannot read " + path);
  auto stream = std::make_unique<hafuzz::OpStream>();
  hafuzz::decode_op_stream(reinterpret_cast<const std::uint8_t*>(contents.data()), contents.size(), stream.get());
  std::fputs(hafuzz::print_op_text(*stream).c_str(), stdout);
  return 0;
}

bool write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

int convert_to_binary(const std::string& trace_path, const std::string& out_path) {
  std::vector<std::uint8_t> bytes;
  std::string error;
  if (!hafuzz::load_input(trace_path, &bytes, &error)) return usage_error(error);
  return write_bytes(out_path, bytes) ? 0 : usage_error("cannot write " + out_path);
}

int replay_files(const std::vector<std::string>& paths, bool quiet) {
  auto session = open_session(quiet);
  if (!session) return EXIT_USAGE;
  unsigned finding_count = 0;
  const std::vector<std::string> files = hafuzz::expand_input_paths(paths);
  for (const std::string& path : files) {
    std::vector<std::uint8_t> bytes;
    std::string error;
    if (!hafuzz::load_input(path, &bytes, &error)) return usage_error(error);
    const std::string finding = session->run(bytes.data(), bytes.size());
    if (!finding.empty()) {
      ++finding_count;
      std::printf("FINDING %s\n  %s\n", path.c_str(), finding.c_str());
    } else if (!quiet) {
      std::printf("ok %s\n", path.c_str());
    }
  }
  std::printf("replayed %zu inputs, %u findings\n", files.size(), finding_count);
  return finding_count == 0 ? 0 : EXIT_FINDING;
}

// What must stay the same while minimizing: which target failed, and how ("[x] violation").
std::string finding_kind(const std::string& finding) {
  const std::size_t colon = finding.find(':');
  return finding.substr(0, colon);
}

int minimize(const std::string& path, const std::string& out_path) {
  auto session = open_session(false);
  if (!session) return EXIT_USAGE;
  std::vector<std::uint8_t> bytes;
  std::string error;
  if (!hafuzz::load_input(path, &bytes, &error)) return usage_error(error);
  const std::string finding = session->run(bytes.data(), bytes.size());
  if (finding.empty()) return usage_error(path + " does not fail: nothing to minimize");
  auto failing = std::make_unique<hafuzz::OpStream>();
  hafuzz::decode_op_stream(bytes.data(), bytes.size(), failing.get());
  std::string last_finding = finding;
  const auto still_fails = [&](const hafuzz::OpStream& candidate) {
    const std::vector<std::uint8_t> encoded = hafuzz::encode_op_stream(candidate);
    const std::string candidate_finding = session->run(encoded.data(), encoded.size());
    if (candidate_finding.empty() || finding_kind(candidate_finding) != finding_kind(finding)) return false;
    last_finding = candidate_finding;
    return true;
  };
  auto smallest = std::make_unique<hafuzz::OpStream>();
  hafuzz::minimize_stream(*failing, still_fails, smallest.get());
  still_fails(*smallest);  // last_finding describes the result, not the last candidate tried
  std::ofstream out(out_path);
  out << "# finding: " << last_finding << "\n# minimized from " << path << " (" << failing->op_count << " ops)\n"
      << hafuzz::print_op_text(*smallest);
  if (!out) return usage_error("cannot write " + out_path);
  std::printf("%u ops -> %u ops: %s\n  %s\n", failing->op_count, smallest->op_count, out_path.c_str(),
              last_finding.c_str());
  return 0;
}

int run_random(const RandomPlan& plan, bool quiet) {
  auto session = open_session(quiet);
  if (!session) return EXIT_USAGE;
  std::mt19937_64 random(plan.seed);
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed_seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::vector<std::uint8_t> bytes;
  unsigned long long run_count = 0;
  for (; run_count < plan.stream_count; ++run_count) {
    if (plan.seconds > 0 && elapsed_seconds() > plan.seconds) break;
    bytes.resize(1 + random() % plan.max_bytes);
    for (std::uint8_t& byte : bytes) byte = static_cast<std::uint8_t>(random());
    // Written before the run, so that the input survives a crash of the target.
    if (!plan.save_path.empty() && !write_bytes(plan.save_path, bytes)) {
      return usage_error("cannot write " + plan.save_path);
    }
    const std::string finding = session->run(bytes.data(), bytes.size());
    if (finding.empty()) continue;
    std::printf("FINDING after %llu streams, %.2f s (seed %llu)\n  %s\n", run_count + 1, elapsed_seconds(), plan.seed,
                finding.c_str());
    if (!plan.save_path.empty()) {
      std::printf("  input saved to %s (ha_fuzz_replay --to-text shows it)\n", plan.save_path.c_str());
    }
    return plan.expect_finding ? 0 : EXIT_FINDING;
  }
  std::printf("ran %llu random streams in %.2f s, no finding\n", run_count, elapsed_seconds());
  return plan.expect_finding ? EXIT_FINDING : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  bool quiet = false;
  bool random_mode = false;
  RandomPlan plan;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "--to-text" && has_value) return convert_to_text(args[i + 1]);
    if (arg == "--minimize" && i + 2 < args.size()) return minimize(args[i + 1], args[i + 2]);
    if (arg == "--to-binary" && i + 2 < args.size()) return convert_to_binary(args[i + 1], args[i + 2]);
    if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--random" && has_value) {
      random_mode = true;
      plan.stream_count = std::strtoull(args[++i].c_str(), nullptr, 10);
    } else if (arg == "--seed" && has_value) {
      plan.seed = std::strtoull(args[++i].c_str(), nullptr, 10);
    } else if (arg == "--max-bytes" && has_value) {
      plan.max_bytes = std::strtoull(args[++i].c_str(), nullptr, 10);
    } else if (arg == "--seconds" && has_value) {
      plan.seconds = std::strtod(args[++i].c_str(), nullptr);
    } else if (arg == "--save" && has_value) {
      plan.save_path = args[++i];
    } else if (arg == "--expect-finding") {
      plan.expect_finding = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(USAGE, stdout);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option " + arg);
    } else {
      paths.push_back(arg);
    }
  }
  if (random_mode) {
    if (plan.max_bytes == 0) return usage_error("--max-bytes must be positive");
    return run_random(plan, quiet);
  }
  if (paths.empty()) return usage_error("no inputs");
  return replay_files(paths, quiet);
}
