#!/usr/bin/env bash
# Runs a real program under hardalloc and shows hardalloc's statistics at exit: sqlite3 runs an
# in-memory SQL workload (the one the preload tests use) with libhardalloc.so in LD_PRELOAD and
# HARDALLOC_OPTIONS=print_stats=1. Usage: --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/demo.sh [path/to/libhardalloc.so]

Runs sqlite3 on an in-memory SQL workload with the library preloaded and print_stats=1, so
hardalloc's statistics follow the program's output. Without an argument, builds the release
preset if needed (a few minutes the first time) and uses build/release/src/libhardalloc.so;
the demonstration itself takes seconds.
Exit status: 0 done, 1 the program failed, 2 bad usage (a missing or non-allocator library).
USAGE
}

usage_error() {
  echo "demo: error: $*" >&2
  exit 2
}

case ${1:-} in
  -h|--help) usage; exit 0 ;;
  -*) usage_error "unknown option '$1' (see --help)" ;;
esac
[[ $# -le 1 ]] || usage_error "too many arguments (see --help)"
root=$(cd "$(dirname "$0")/.." && pwd)
library=${1:-$root/build/release/src/libhardalloc.so}
if [ $# -eq 0 ] && [ ! -f "$library" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target hardalloc
fi
[[ -e $library ]] || usage_error "$library: No such file or directory"
[[ -f $library ]] || usage_error "$library: not a file"
symbols=$(nm -D --defined-only "$library" 2>/dev/null || true)
grep -qE '^[0-9a-f]+ [TiW] malloc$' <<<"$symbols" || usage_error "$library does not define malloc: not an allocator library"
command -v sqlite3 >/dev/null || { echo "demo: error: sqlite3 is not installed (tools/install-deps.sh)" >&2; exit 1; }

echo "== sqlite3 :memory: under LD_PRELOAD=$library, HARDALLOC_OPTIONS=print_stats=1"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
HARDALLOC_OPTIONS=print_stats=1 LD_PRELOAD=$library bash "$root/tests/preload/workloads/sqlite_queries.sh"
