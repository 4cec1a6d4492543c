// The conformance matrix (ha_diff --matrix): the same seeded random streams on every allocator
// installed on the machine, each compared with the system malloc, and one verdict per allocator
// and rule family (rules.h): it conforms, differs only as the standards allow, or diverges (with
// a minimized reproducer trace). Printed as a table, and written as CSV and Markdown.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "misuse.h"
#include "rules.h"
#include "run_result.h"

namespace hafuzz {

struct MatrixAllocator {
  std::string name;             // "glibc", "mimalloc", or a library's file name
  std::string spec;             // the target (target_registry.h): "system" or a library path
  bool reports_misuse = false;  // promises a report of every misuse op's KIND (hardalloc-hardened)
};

// glibc (the system malloc), then each allocator library found at its Debian path (mimalloc,
// jemalloc, tcmalloc, scudo from clang 14's runtime), hardalloc and hardalloc-hardened from this
// build, then `extra_libraries`; `only` (names, empty: all) selects among them. Sets *error and
// returns an empty list when a name in `only` is unknown or an extra library does not exist.
std::vector<MatrixAllocator> installed_allocators(const std::vector<std::string>& extra_libraries,
                                                  const std::vector<std::string>& only, std::string* error);

struct MatrixPlan {
  double seconds_per_allocator = 20;
  std::uint64_t seed = 1;
  std::string out_dir = ".";  // traces, matrix.csv, matrix.md
  RunConfig run;
  bool fresh_process_per_input = true;
};

enum class CellVerdict : std::uint8_t { CONFORMS, ALLOWED, DIVERGES };

struct Cell {
  CellVerdict verdict = CellVerdict::CONFORMS;
  std::vector<std::string> allowed_rules;  // ALLOWED rows seen (names)
  std::string finding;                     // DIVERGES: the minimized finding
  std::string trace_path;                  // DIVERGES: its trace
};

struct MatrixRow {
  std::string allocator;
  std::uint64_t stream_count = 0;
  Cell cells[RULE_FAMILY_COUNT];
  // Per misuse op (misuse.h's MISUSE_KINDS, the columns of the second table): what the allocator
  // did, each distinct outcome once ("dies: SIGABRT").
  std::vector<std::string> misuse[MISUSE_KIND_COUNT];
};

// Runs the plan's streams on `allocator` (compared with the system malloc unless it is that
// one) for plan.seconds_per_allocator, misuse ops included (an allocator that reports misuse
// must report each with its KIND: rule misuse-reported); each family's first finding is
// minimized into plan.out_dir/matrix-NAME-FAMILY.trace and that family is then looked past.
// Sets *error and returns false when the target cannot be made.
bool run_matrix_row(const MatrixAllocator& allocator, const MatrixPlan& plan, MatrixRow* row, std::string* error);

// The table for a terminal, with the findings and allowed differences below it.
void print_matrix(const std::vector<MatrixRow>& rows, const MatrixPlan& plan, std::FILE* out);

// matrix.csv (allocator,streams,family,verdict,detail,trace) and matrix.md (the table and
// footnotes) in plan.out_dir; sets *error and returns false when one cannot be written.
bool write_matrix_files(const std::vector<MatrixRow>& rows, const MatrixPlan& plan, std::string* error);

}  // namespace hafuzz
