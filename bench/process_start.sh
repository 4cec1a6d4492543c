#!/usr/bin/env bash
# Process start-up cost of a preloaded allocator: hyperfine on /bin/true plain, with
# libhardalloc.so and with Debian's mimalloc preloaded, then the ratios; and the instructions
# each start executes (callgrind), which stay exact on a loaded machine where times do not.
usage() {
  cat <<'USAGE'
usage: bench/process_start.sh [--runs N] [--library PATH] [--mimalloc PATH] [--program PATH]

Times PROGRAM (default /bin/true) started through `env` three ways: plain, with hardalloc's
library in LD_PRELOAD and with mimalloc's, using hyperfine (-N, no shell; 3 warm-up runs), and
prints for each the median and minimum wall time, the mean CPU time (user + system) and, when valgrind is
installed, the instructions the start executes (callgrind: exact and repeatable, unlike times
on a shared machine), each with its ratio to the plain start and to mimalloc. Takes about 10 s
at the default 300 runs per command.
  --runs N         runs per command (default 300)
  --library PATH   the hardalloc library (default build/release/src/libhardalloc.so)
  --mimalloc PATH  the mimalloc library (default /usr/lib/x86_64-linux-gnu/libmimalloc.so.2)
  --program PATH   the program to start (default /bin/true)
Exit status: 0 measured, 1 hyperfine failed, 2 bad usage or a missing file.
USAGE
}
set -euo pipefail
cd "$(dirname "$0")/.."
runs=300
library=build/release/src/libhardalloc.so
mimalloc=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2
program=/bin/true
bad() { echo "process_start.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --runs | --library | --mimalloc | --program)
      [ $# -ge 2 ] || bad "$1 needs a value"
      case "$1" in
        --runs) [[ "$2" =~ ^[1-9][0-9]*$ ]] || bad "--runs needs a positive number, not '$2'"; runs=$2 ;;
        --library) library=$2 ;;
        --mimalloc) mimalloc=$2 ;;
        --program) program=$2 ;;
      esac
      shift 2 ;;
    *) bad "unknown argument '$1' (see --help)" ;;
  esac
done
command -v hyperfine > /dev/null || bad "hyperfine is not installed (bash tools/install-deps.sh)"
for f in "$library" "$mimalloc" "$program"; do [ -f "$f" ] || bad "no such file: $f"; done
library=$(readlink -f "$library")

json=$(mktemp)
trap 'rm -f "$json"' EXIT
hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" --style basic \
  -n plain "env $program" \
  -n hardalloc "env LD_PRELOAD=$library $program" \
  -n mimalloc "env LD_PRELOAD=$mimalloc $program" > /dev/null || { echo "process_start.sh: hyperfine failed" >&2; exit 1; }
# Instructions of one start, for each (valgrind honours LD_PRELOAD and adds its own after it).
instructions=()
if command -v valgrind > /dev/null; then
  for preload in "" "$library" "$mimalloc"; do
    count=$(LD_PRELOAD=$preload valgrind --tool=callgrind --callgrind-out-file=/dev/null "$program" 2>&1 |
      sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    instructions+=("${count:-0}")
  done
fi
python3 - "$json" "$program" "$runs" "${instructions[@]}" <<'PY'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
names = ("plain", "hardalloc", "mimalloc")
columns = {
    "wall ms (median)": {n: statistics.median(results[n]["times"]) * 1000 for n in names},
    "wall ms (min: least disturbed by other load)": {n: min(results[n]["times"]) * 1000 for n in names},
    "cpu ms (mean user+sys)": {n: (results[n]["user"] + results[n]["system"]) * 1000 for n in names},
}
if len(sys.argv) == 7:
    columns["instructions"] = {n: float(sys.argv[4 + i]) for i, n in enumerate(names)}
print(f"process start of {sys.argv[2]} ({sys.argv[3]} runs each, hyperfine -N through env)")
for title, value in columns.items():
    print(f"  {title}")
    for n in names:
        shown = f"{value[n]:10.0f}" if title == "instructions" else f"{value[n]:10.3f}"
        print(f"    {n:<10}{shown}   {value[n] / value['plain']:5.2f}x plain   {value[n] / value['mimalloc']:5.2f}x mimalloc")
PY
