#include "conformance_matrix.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

#include "finding_trace.h"
#include "fuzz_session.h"
#include "input_files.h"
#include "misuse.h"
#include "observation_diff.h"
#include "op_binary.h"
#include "random_streams.h"

namespace hafuzz {
namespace {

constexpr std::uint64_t MATRIX_MAX_BYTES = 1024;  // as ha_fuzz_replay --random

struct KnownLibrary {
  const char* name;
  const char* path;
};

// Where Debian 12 installs them (tools/install-deps.sh installs the packages).
constexpr KnownLibrary DEBIAN_LIBRARIES[] = {
    {"mimalloc", "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"},
    {"jemalloc", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"},
    {"tcmalloc", "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"},
    {"scudo", "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-x86_64.so"},
};

bool readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string file_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

const char* verdict_word(CellVerdict verdict) {
  switch (verdict) {
    case CellVerdict::CONFORMS:
      return "ok";
    case CellVerdict::ALLOWED:
      return "allowed";
    case CellVerdict::DIVERGES:
      return "DIVERGES";
  }
  return "?";
}

// glibc, not the allocator, wrote errno on a success (ENOMEM left by a success, rules.h): a quirk
// of the reference, not a difference of the allocator's.
bool reference_quirk(const Observation& allocator, const Observation& reference) {
  return allocator.outcome == reference.outcome && !(allocator.flags & ERRNO_CHANGED) &&
         (reference.flags & ERRNO_CHANGED);
}

// Records every ALLOWED row that excused a difference of the allocator (a) from glibc (b).
void note_allowed_differences(const OpStream& stream, const RunResult& a, const RunResult& b, MatrixRow* row) {
  const unsigned count = std::min({a.observation_count, b.observation_count, stream.op_count});
  for (unsigned i = 0; i < count; ++i) {
    if (reference_quirk(a.observations[i], b.observations[i])) continue;
    const Rule* allowing = nullptr;
    if (compare_observations(stream.ops[i], a.observations[i], b.observations[i], &allowing) != Comparison::ALLOWED) {
      continue;
    }
    Cell& cell = row->cells[static_cast<unsigned>(family_of(allowing->id, &stream.ops[i]))];
    if (cell.verdict == CellVerdict::CONFORMS) cell.verdict = CellVerdict::ALLOWED;
    if (std::find(cell.allowed_rules.begin(), cell.allowed_rules.end(), allowing->name) == cell.allowed_rules.end()) {
      cell.allowed_rules.push_back(allowing->name);
    }
  }
}

// Records what the allocator did on each misuse op of the last run.
void note_misuse(const OpStream& stream, const RunResult& result, MatrixRow* row) {
  const unsigned count = std::min(result.observation_count, stream.op_count);
  for (unsigned i = 0; i < count; ++i) {
    const Observation& seen = result.observations[i];
    const auto column = std::find(std::begin(MISUSE_KINDS), std::end(MISUSE_KINDS), stream.ops[i].kind);
    if (column == std::end(MISUSE_KINDS) || !is_misuse_outcome(seen.outcome)) continue;
    char text[64];
    const std::string what = describe_misuse(seen, text, sizeof text);
    std::vector<std::string>& outcomes = row->misuse[column - std::begin(MISUSE_KINDS)];
    if (std::find(outcomes.begin(), outcomes.end(), what) == outcomes.end()) outcomes.push_back(what);
  }
}

// The numbered findings of all rows, in table order: the footnotes of the table.
struct Footnote {
  const MatrixRow* row;
  RuleFamily family;
};

std::vector<Footnote> footnotes_of(const std::vector<MatrixRow>& rows) {
  std::vector<Footnote> notes;
  for (const MatrixRow& row : rows) {
    for (unsigned f = 0; f < RULE_FAMILY_COUNT; ++f) {
      if (row.cells[f].verdict == CellVerdict::DIVERGES) notes.push_back({&row, static_cast<RuleFamily>(f)});
    }
  }
  return notes;
}

// "ok", "allowed", "DIVERGES [2]" (the footnote's number).
std::string cell_text(const MatrixRow& row, unsigned family, const std::vector<Footnote>& notes) {
  const Cell& cell = row.cells[family];
  if (cell.verdict != CellVerdict::DIVERGES) return verdict_word(cell.verdict);
  for (std::size_t n = 0; n < notes.size(); ++n) {
    if (notes[n].row == &row && static_cast<unsigned>(notes[n].family) == family) {
      return std::string("DIVERGES [") + std::to_string(n + 1) + "]";
    }
  }
  return "DIVERGES";
}

// What the allocator did on one misuse op: its outcomes joined by " / ", or "not run".
std::string misuse_text(const MatrixRow& row, unsigned column) {
  std::string text;
  for (const std::string& outcome : row.misuse[column]) {
    if (!text.empty()) text += " / ";
    text += outcome;
  }
  return text.empty() ? "not run" : text;
}

std::string csv_field(const std::string& text) {
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string describe_plan(const MatrixPlan& plan) {
  char text[200];
  std::snprintf(text, sizeof text,
                "%.0f s of seeded random streams per allocator (seed %llu, ha_diff --matrix), each compared with "
                "glibc's malloc",
                plan.seconds_per_allocator, static_cast<unsigned long long>(plan.seed));
  return text;
}

}  // namespace

std::vector<MatrixAllocator> installed_allocators(const std::vector<std::string>& extra_libraries,
                                                  const std::vector<std::string>& only, std::string* error) {
  std::vector<MatrixAllocator> all{{"glibc", "system", false}};
  for (const KnownLibrary& library : DEBIAN_LIBRARIES) {
    if (readable(library.path)) all.push_back({library.name, library.path, false});
  }
#ifdef HA_DIFF_HARDALLOC_LIBRARY
  all.push_back({"hardalloc", HA_DIFF_HARDALLOC_LIBRARY, false});
  all.push_back({"hardalloc-hardened", HA_DIFF_HARDALLOC_HARDENED_LIBRARY, true});
#endif
  for (const std::string& path : extra_libraries) {
    if (!readable(path)) {
      *error = "cannot read " + path;
      return {};
    }
    all.push_back({file_name(path), path, false});
  }
  if (only.empty()) return all;
  std::vector<MatrixAllocator> chosen;
  for (const std::string& name : only) {
    const auto found = std::find_if(all.begin(), all.end(), [&](const MatrixAllocator& a) { return a.name == name; });
    if (found == all.end()) {
      std::string names;
      for (const MatrixAllocator& a : all) names += (names.empty() ? "" : ", ") + a.name;
      *error = "--only: '" + name + "' is not installed here (" + names + ")";
      return {};
    }
    chosen.push_back(*found);
  }
  return chosen;
}

bool run_matrix_row(const MatrixAllocator& allocator, const MatrixPlan& plan, MatrixRow* row, std::string* error) {
  SessionConfig config;
  config.target_spec = allocator.spec;
  config.second_spec = allocator.spec == "system" ? "" : "system";
  config.run = plan.run;
  config.run.record_misuse = true;
  config.run.misuse_must_be_reported = allocator.reports_misuse;
  config.fresh_process_per_input = plan.fresh_process_per_input;
  auto session = FuzzSession::create(config, error);
  if (!session) return false;
  row->allocator = allocator.name;
  RandomStreams streams(plan.seed, MATRIX_MAX_BYTES);
  auto stream = std::make_unique<OpStream>();
  std::uint32_t found_families = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed_seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  while (elapsed_seconds() < plan.seconds_per_allocator) {
    const std::vector<std::uint8_t> bytes = streams.next();
    ++row->stream_count;
    const std::string finding = session->run(bytes.data(), bytes.size(), true);
    decode_op_stream(bytes.data(), bytes.size(), stream.get());
    note_misuse(*stream, session->target_result(), row);
    if (session->second_result() != nullptr && session->target_result().verdict == Verdict::PASS &&
        session->second_result()->verdict == Verdict::PASS) {
      note_allowed_differences(*stream, session->target_result(), *session->second_result(), row);
    }
    // A promise glibc itself broke says nothing of this allocator (none has been seen).
    if (finding.empty() || session->last_finding_in_second()) continue;
    const RuleFamily family = session->last_family();
    Cell& cell = row->cells[static_cast<unsigned>(family)];
    const FindingTrace trace = minimize_finding(*session, bytes, finding,
                                                "ha_diff --matrix --seed " + std::to_string(plan.seed) + ", " +
                                                    allocator.name + ", stream " + std::to_string(row->stream_count));
    cell.verdict = CellVerdict::DIVERGES;
    cell.finding = trace.finding;
    cell.trace_path = plan.out_dir + "/matrix-" + allocator.name + "-" + family_name(family) + ".trace";
    if (!write_file_bytes(cell.trace_path, trace.text.data(), trace.text.size(), error)) return false;
    // A family with a finding is looked past from now on, so the others get their chance.
    found_families |= 1u << static_cast<unsigned>(family);
    session->ignore_families(found_families);
  }
  return true;
}

void print_matrix(const std::vector<MatrixRow>& rows, const MatrixPlan& plan, std::FILE* out) {
  const std::vector<Footnote> notes = footnotes_of(rows);
  int name_width = 9;
  for (const MatrixRow& row : rows) name_width = std::max(name_width, static_cast<int>(row.allocator.size()));
  // Columns of 14 characters, the last one unpadded.
  const auto print_cells = [&](const auto& text_of) {
    for (unsigned f = 0; f < RULE_FAMILY_COUNT; ++f) {
      std::fprintf(out, f + 1 < RULE_FAMILY_COUNT ? " %-14s" : " %s\n", text_of(f).c_str());
    }
  };
  std::fprintf(out, "Conformance matrix: %s\n\n%-*s %8s", describe_plan(plan).c_str(), name_width, "allocator",
               "streams");
  print_cells([](unsigned f) { return std::string(family_name(static_cast<RuleFamily>(f))); });
  for (const MatrixRow& row : rows) {
    std::fprintf(out, "%-*s %8llu", name_width, row.allocator.c_str(),
                 static_cast<unsigned long long>(row.stream_count));
    print_cells([&](unsigned f) { return cell_text(row, f, notes); });
  }
  std::fprintf(out, "\nMisuse ops, each in a forked child: what the allocator did\n%-*s", name_width, "allocator");
  std::size_t widths[MISUSE_KIND_COUNT];
  for (unsigned k = 0; k < MISUSE_KIND_COUNT; ++k) {
    widths[k] = std::strlen(op_info(MISUSE_KINDS[k]).name);
    for (const MatrixRow& row : rows) widths[k] = std::max(widths[k], misuse_text(row, k).size());
    std::fprintf(out, " %-*s", static_cast<int>(widths[k]), op_info(MISUSE_KINDS[k]).name);
  }
  for (const MatrixRow& row : rows) {
    std::fprintf(out, "\n%-*s", name_width, row.allocator.c_str());
    for (unsigned k = 0; k < MISUSE_KIND_COUNT; ++k) {
      std::fprintf(out, " %-*s", static_cast<int>(widths[k]), misuse_text(row, k).c_str());
    }
  }
  std::fputc('\n', out);
  for (std::size_t n = 0; n < notes.size(); ++n) {
    const Cell& cell = notes[n].row->cells[static_cast<unsigned>(notes[n].family)];
    std::fprintf(out, "\n[%zu] %s, %s: %s\n    trace: %s", n + 1, notes[n].row->allocator.c_str(),
                 family_name(notes[n].family), cell.finding.c_str(), cell.trace_path.c_str());
  }
  bool header = false;
  for (const MatrixRow& row : rows) {
    for (unsigned f = 0; f < RULE_FAMILY_COUNT; ++f) {
      for (const std::string& rule_name : row.cells[f].allowed_rules) {
        if (!header) std::fprintf(out, "\n\nAllowed differences seen (ha_diff --rules):");
        header = true;
        std::fprintf(out, "\n  %s, %s: %s", row.allocator.c_str(), family_name(static_cast<RuleFamily>(f)),
                     rule_name.c_str());
      }
    }
  }
  std::fputc('\n', out);
}

bool write_matrix_files(const std::vector<MatrixRow>& rows, const MatrixPlan& plan, std::string* error) {
  const std::vector<Footnote> notes = footnotes_of(rows);
  std::string csv = "allocator,streams,family,verdict,detail,trace\n";
  std::string markdown = describe_plan(plan) + ": `ok` conforms, `allowed` differs only as the standards allow " +
                         "(`ha_diff --rules`), **diverges** has a finding (footnote: the finding and its " +
                         "minimized trace).\n\n| allocator | streams |";
  std::string rule_line = "|---|---:|";
  for (unsigned f = 0; f < RULE_FAMILY_COUNT; ++f) {
    markdown += std::string(" ") + family_name(static_cast<RuleFamily>(f)) + " |";
    rule_line += "---|";
  }
  markdown += "\n" + rule_line + "\n";
  for (const MatrixRow& row : rows) {
    markdown += "| " + row.allocator + " | " + std::to_string(row.stream_count) + " |";
    for (unsigned f = 0; f < RULE_FAMILY_COUNT; ++f) {
      const Cell& cell = row.cells[f];
      std::string text = cell_text(row, f, notes);
      if (cell.verdict == CellVerdict::DIVERGES) text = "**diverges** " + text.substr(std::string("DIVERGES ").size());
      markdown += " " + text + " |";
      std::string detail = cell.finding;
      for (const std::string& rule_name : cell.allowed_rules) detail += (detail.empty() ? "" : "; ") + rule_name;
      csv += csv_field(row.allocator) + "," + std::to_string(row.stream_count) + "," +
             family_name(static_cast<RuleFamily>(f)) + "," + verdict_word(cell.verdict) + "," + csv_field(detail) +
             "," + csv_field(cell.trace_path) + "\n";
    }
    markdown += "\n";
  }
  markdown += "\nMisuse ops, each in a forked child, and what the allocator did:\n\n| allocator |";
  std::string misuse_rule = "|---|";
  for (const OpKind kind : MISUSE_KINDS) {
    markdown += std::string(" ") + op_info(kind).name + " |";
    misuse_rule += "---|";
  }
  markdown += "\n" + misuse_rule + "\n";
  for (const MatrixRow& row : rows) {
    markdown += "| " + row.allocator + " |";
    for (unsigned k = 0; k < MISUSE_KIND_COUNT; ++k) {
      markdown += ' ';
      markdown += misuse_text(row, k);
      markdown += " |";
      csv += csv_field(row.allocator) + "," + std::to_string(row.stream_count) +
             ",misuse:" + op_info(MISUSE_KINDS[k]).name + ",observed," + csv_field(misuse_text(row, k)) + ",\"\"\n";
    }
    markdown += "\n";
  }
  if (!notes.empty()) markdown += "\n";
  for (std::size_t n = 0; n < notes.size(); ++n) {
    const Cell& cell = notes[n].row->cells[static_cast<unsigned>(notes[n].family)];
    markdown += std::to_string(n + 1) + ". " + notes[n].row->allocator + ", " + family_name(notes[n].family) + ": `" +
                cell.finding + "` (`" + file_name(cell.trace_path) + "`)\n";
  }
  return write_file_bytes(plan.out_dir + "/matrix.csv", csv.data(), csv.size(), error) &&
         write_file_bytes(plan.out_dir + "/matrix.md", markdown.data(), markdown.size(), error);
}

}  // namespace hafuzz
