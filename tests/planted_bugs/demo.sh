#!/usr/bin/env bash
# The timed demonstration that the fuzzing suite finds each planted bug through
# HARDALLOC_FUZZ_TARGET within a minute, and nothing in the bug-free library. Usage: --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tests/planted_bugs/demo.sh [BUILD_DIR] [FUZZ_BUILD_DIR]

Hunts each planted bug (tests/planted_bugs/planted_alloc.cpp) with random streams from
ha_fuzz_replay, three seeds each, and with the libFuzzer binary fuzz_ops when FUZZ_BUILD_DIR
holds it; prints one line per engine and bug: seconds to the first finding.

  BUILD_DIR        a plain build with ha_fuzz_replay and libplanted_*.so (default build/release)
  FUZZ_BUILD_DIR   a libFuzzer build (cmake --preset fuzz; default build/fuzz, used if present)

Takes about 4 minutes, 6 with libFuzzer: each bug is found in seconds, but the bug-free
library is given the full minute per seed and engine.
Exit status: 0 done (the table is the result), 2 bad usage.
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
[[ $# -le 2 ]] || usage_error "too many arguments (see --help)"
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
fuzz_build=${2:-$root/build/fuzz}
# Absolute: the runs below start in a scratch directory, where findings' reproducers go.
[[ -d $build ]] && build=$(cd "$build" && pwd)
[[ -d $fuzz_build ]] && fuzz_build=$(cd "$fuzz_build" && pwd)
replay=$build/fuzz/ha_fuzz_replay
planted=$build/tests/planted_bugs
limit_seconds=60
bugs=(realloc_lost_byte overlapping_class calloc_recycled_not_zeroed wrong_large_alignment
      usable_size_under double_free_list_push unlocked_cross_thread_free one_class_double_push
      unlocked_remote_free_one_class usable_size_over usable_ranges_overlap free_writes_errno
      realloc_shrink_loses_tail memalign_failure_writes_output new_handler_never_called
      hardened_misses_double_free none)

[[ -d $build ]] || usage_error "$build: No such directory (build first: cmake --preset release && cmake --build build/release)"
[[ -x $replay ]] || usage_error "no $replay: build first (cmake --preset release && cmake --build build/release)"
[[ -f $planted/libplanted_none.so ]] || usage_error "no $planted/libplanted_*.so in $build"
[[ $# -lt 2 || -d $fuzz_build ]] || usage_error "$fuzz_build: No such directory"

mode_for() {  # a race needs free-running threads in a long-lived child
  if [[ $1 == unlocked_* ]]; then
    echo "HARDALLOC_FUZZ_MODE=free HARDALLOC_FUZZ_REUSE_CHILD=1"
  elif [[ $1 == hardened_misses_double_free ]]; then  # a "hardened" library must report each misuse
    echo "HARDALLOC_FUZZ_MODE=lockstep HARDALLOC_FUZZ_MISUSE=report"
  else
    echo "HARDALLOC_FUZZ_MODE=lockstep"
  fi
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf '%-9s %-28s %-9s %s\n' engine bug seconds finding
for bug in "${bugs[@]}"; do
  for seed in 1 2 3; do
    start=$(date +%s.%N)
    output=$(cd "$scratch" && env $(mode_for "$bug") HARDALLOC_FUZZ_TARGET="$planted/libplanted_$bug.so" \
             HARDALLOC_FUZZ_DIFF=none "$replay" --quiet --random 100000000 --seconds "$limit_seconds" --seed "$seed" 2>&1 || true)
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    finding=$(grep -m1 '^  \[' <<<"$output" | cut -c3-130 || true)
    printf '%-9s %-28s %-9.2f %s\n' "replay/$seed" "$bug" "$seconds" "${finding:-none in ${limit_seconds} s}"
  done
done

fuzz_ops=$fuzz_build/fuzz/fuzz_ops
[[ -x $fuzz_ops ]] || { echo "(no $fuzz_ops: libFuzzer part skipped)"; exit 0; }
for bug in "${bugs[@]}"; do
  mkdir -p "$scratch/$bug"
  start=$(date +%s.%N)
  output=$(cd "$scratch" && env $(mode_for "$bug") HARDALLOC_FUZZ_TARGET="$planted/libplanted_$bug.so" \
           HARDALLOC_FUZZ_DIFF=none "$fuzz_ops" -max_total_time=$limit_seconds -seed=1 \
           "$scratch/$bug" "$root/corpus/fuzz_ops" 2>&1 || true)
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  finding=$(grep -m1 'FINDING' <<<"$output" | sed 's/^fuzz_ops: FINDING //' | cut -c1-128 || true)
  printf '%-9s %-28s %-9.2f %s\n' libfuzzer "$bug" "$seconds" "${finding:-none in ${limit_seconds} s}"
done
