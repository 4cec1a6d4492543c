#!/usr/bin/env bash
# Process start-up cost of a preloaded allocator: hyperfine on /bin/true plain, with
# libhardalloc.so and with Debian's mimalloc preloaded, interleaved, then the ratios of medians.
usage() {
  cat <<'USAGE'
usage: bench/process_start.sh [--runs N] [--library PATH] [--mimalloc PATH] [--program PATH]

Times PROGRAM (default /bin/true) started through `env` three ways: plain, with hardalloc's
library in LD_PRELOAD and with mimalloc's, using hyperfine (-N, no shell; 3 warm-up runs), and
prints each median and its ratio to the plain start and to mimalloc. Takes about 10 s at the
default 300 runs per command.
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
python3 - "$json" "$program" "$runs" <<'PY'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
median = {name: statistics.median(r["times"]) * 1000 for name, r in results.items()}
print(f"process start of {sys.argv[2]} (median of {sys.argv[3]} runs, hyperfine -N through env)")
for name in ("plain", "hardalloc", "mimalloc"):
    print(f"  {name:<10} {median[name]:6.3f} ms   {median[name] / median['plain']:5.2f}x plain"
          f"   {median[name] / median['mimalloc']:5.2f}x mimalloc")
PY
