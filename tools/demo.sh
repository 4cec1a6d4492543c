#!/usr/bin/env bash
# Runs a real program under hardalloc and shows hardalloc's statistics at exit: sqlite3 runs an
# in-memory SQL workload (the one the preload tests use) with libhardalloc.so in LD_PRELOAD and
# HARDALLOC_OPTIONS=print_stats=1.
#
# Usage: tools/demo.sh [path/to/libhardalloc.so]
#   Without an argument, builds the release preset if needed and uses build/release/src/libhardalloc.so.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
library=${1:-$root/build/release/src/libhardalloc.so}
if [ $# -eq 0 ] && [ ! -f "$library" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target hardalloc
fi
if [ ! -f "$library" ]; then
  echo "demo: $library not found" >&2
  exit 1
fi
command -v sqlite3 >/dev/null || { echo "demo: sqlite3 is not installed (tools/install-deps.sh)" >&2; exit 1; }

echo "== sqlite3 :memory: under LD_PRELOAD=$library, HARDALLOC_OPTIONS=print_stats=1"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
HARDALLOC_OPTIONS=print_stats=1 LD_PRELOAD=$library bash "$root/tests/preload/workloads/sqlite_queries.sh"
