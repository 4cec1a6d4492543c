#!/usr/bin/env bash
# Usage: compare_with_system_malloc.sh LIBRARY WORKLOAD
#
# Runs WORKLOAD (a bash script that writes its results to stdout) twice, each time in a fresh
# empty directory: once with the system malloc and once with LIBRARY in LD_PRELOAD. Passes when
# both runs exit 0 and their standard output is byte for byte the same; exits 77 (skipped) when
# the workload's program is missing. Standard error is not compared (it may carry allocator
# statistics), but it is shown when a run fails.
set -euo pipefail

library=$(readlink -f "$1")
workload=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The preload must take effect, or the comparison below proves nothing.
if ! maps=$(LD_PRELOAD=$library cat /proc/self/maps); then
  echo "FAIL: cat fails with $library preloaded" >&2
  exit 1
fi
if ! grep -qF "$library" <<<"$maps"; then
  echo "FAIL: $library is not mapped into a process started with LD_PRELOAD" >&2
  exit 1
fi

# run_workload NAME [VAR=value...]: runs the workload in $scratch/NAME/work, output in $scratch/NAME.*
run_workload() {
  local name=$1
  shift
  mkdir -p "$scratch/$name/work"
  local started=$SECONDS status=0
  (cd "$scratch/$name/work" && env "$@" bash "$workload" >"$scratch/$name.out" 2>"$scratch/$name.err") ||
    status=$?
  echo "$name: exit $status, $(wc -c <"$scratch/$name.out") bytes of output, $((SECONDS - started)) s"
  return "$status"
}

status=0
run_workload system || status=$?
if [ "$status" = 77 ]; then
  echo "SKIP: $(cat "$scratch/system.err")"
  exit 77
fi
if [ "$status" != 0 ]; then
  echo "FAIL: the workload fails with the system malloc; stderr:" >&2
  cat "$scratch/system.err" >&2
  exit 1
fi
if ! run_workload hardalloc "LD_PRELOAD=$library"; then
  echo "FAIL: the workload fails with $library preloaded; stderr:" >&2
  tail -n 50 "$scratch/hardalloc.err" >&2
  exit 1
fi
if ! diff -u "$scratch/system.out" "$scratch/hardalloc.out" | head -n 40; then
  echo "FAIL: output differs between the system malloc and $library" >&2
  exit 1
fi
echo "PASS: identical output"
