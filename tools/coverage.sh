#!/usr/bin/env bash
# Line coverage of the allocator's own sources (src/, hardening/, include/) by a corpus: replays
# it through the coverage preset's ha_fuzz_replay on hardalloc and on hardalloc-hardened, merges
# the profiles and writes an llvm-cov HTML report and a text summary. Usage: --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/coverage.sh [--build DIR] [--out DIR] CORPUS...

Builds ha_fuzz_replay of the coverage preset (clang, -fprofile-instr-generate
-fcoverage-mapping) when it is missing or out of date, replays each CORPUS file or directory
(binary inputs and .trace files) on the targets hardalloc and hardalloc-hardened in process,
merges the profiles (llvm-profdata-14) and reports the coverage of src/, hardening/ and
include/ (llvm-cov-14), printing the total line coverage last.

  --build DIR  the coverage build tree (default build/coverage; configured with
               cmake --preset coverage -B DIR when it has no CMakeCache.txt).
               CMAKE_BUILD_PARALLEL_LEVEL sets the build's jobs
  --out DIR    results (default BUILD/report): html/index.html, summary.txt, merged.profdata,
               replay-TARGET.log
  -h, --help   this text

Exit status: 0 report written (findings of the replay are noted, not fatal), 2 bad usage,
3 the build failed, 4 the replay or llvm-cov failed.
USAGE
}

usage_error() {  # one line on stderr, exit 2
  echo "coverage: error: $*" >&2
  exit 2
}

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/coverage
out=""
corpus=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) [[ $# -ge 2 && $2 != -* ]] || usage_error "--build needs a value (see --help)"
      build=$(realpath -m "$2"); shift ;;
    --out) [[ $# -ge 2 && $2 != -* ]] || usage_error "--out needs a value (see --help)"
      out=$(realpath -m "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    -*) usage_error "unknown argument '$1' (see --help)" ;;
    *) [[ -e $1 ]] || usage_error "$1: No such file or directory"
      corpus+=("$(realpath "$1")") ;;
  esac
  shift
done
[[ ${#corpus[@]} -gt 0 ]] || usage_error "no CORPUS given (see --help)"
out=${out:-$build/report}
profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata || true)
llvm_cov=$(command -v llvm-cov-14 || command -v llvm-cov || true)
[[ -n $profdata && -n $llvm_cov ]] || usage_error "llvm-profdata-14 and llvm-cov-14 are needed (Debian llvm-14)"
mkdir -p "$out" 2>/dev/null || usage_error "--out $out: cannot create the directory"

# ---- build ------------------------------------------------------------------------------
replay=$build/fuzz/ha_fuzz_replay
echo "coverage: building $replay (log: $out/build.log)"
{
  cd "$root"
  [[ -f $build/CMakeCache.txt ]] || cmake --preset coverage -B "$build"
  cmake --build "$build" --target ha_fuzz_replay
} >"$out/build.log" 2>&1 || { echo "coverage: error: build failed, see $out/build.log" >&2; exit 3; }

# ---- replay -----------------------------------------------------------------------------
# One raw profile per process (%p); findings are the corpus's business, not this report's.
rm -rf "$out/profraw"
mkdir -p "$out/profraw"
for target in hardalloc hardalloc-hardened; do
  status=0
  env -u HARDALLOC_FUZZ_DIFF HARDALLOC_FUZZ_TARGET=$target LLVM_PROFILE_FILE="$out/profraw/$target-%p.profraw" \
    "$replay" --quiet "${corpus[@]}" >"$out/replay-$target.log" 2>&1 || status=$?
  case $status in
    0) ;;
    1) echo "coverage: note: the replay on $target has findings, see $out/replay-$target.log" ;;
    *) echo "coverage: error: the replay on $target failed ($status), see $out/replay-$target.log" >&2; exit 4 ;;
  esac
done

# ---- report -----------------------------------------------------------------------------
"$profdata" merge -sparse -o "$out/merged.profdata" "$out"/profraw/*.profraw || exit 4
sources=("$root/src" "$root/hardening" "$root/include")
rm -rf "$out/html"
"$llvm_cov" show "$replay" -instr-profile="$out/merged.profdata" -format=html -output-dir="$out/html" \
  -show-line-counts-or-regions "${sources[@]}" || exit 4
"$llvm_cov" report "$replay" -instr-profile="$out/merged.profdata" "${sources[@]}" >"$out/summary.txt" || exit 4
# TOTAL's columns: regions, missed, cover, functions, missed, executed, lines, missed, cover, ...
total=$(awk '$1 == "TOTAL" { printf "%s of %s lines (%s)", $8 - $9, $8, $10 }' "$out/summary.txt")
echo "coverage: report $out/html/index.html, summary $out/summary.txt"
echo "coverage: line coverage of src/, hardening/, include/: $total"
