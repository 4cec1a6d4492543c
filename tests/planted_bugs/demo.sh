#!/usr/bin/env bash
# The timed demonstration that the fuzzing suite finds each planted bug through
# HARDALLOC_FUZZ_TARGET within a minute, and nothing in the bug-free library.
#
#   tests/planted_bugs/demo.sh [BUILD_DIR] [FUZZ_BUILD_DIR]
#
# BUILD_DIR (default build/release) provides ha_fuzz_replay and libplanted_*.so; with
# FUZZ_BUILD_DIR (default build/fuzz, used when it holds fuzz_ops) each bug is also hunted by
# the libFuzzer binary. Prints one line per engine and bug: seconds to the first finding.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build/release}
fuzz_build=${2:-$root/build/fuzz}
replay=$build/fuzz/ha_fuzz_replay
planted=$build/tests/planted_bugs
limit_seconds=60
bugs=(realloc_lost_byte overlapping_class calloc_recycled_not_zeroed wrong_large_alignment
      usable_size_under double_free_list_push unlocked_cross_thread_free none)

[[ -x $replay ]] || { echo "no $replay: build first (cmake --preset release && cmake --build build/release)" >&2; exit 2; }

mode_for() {  # a race needs free-running threads in a long-lived child
  if [[ $1 == unlocked_cross_thread_free ]]; then
    echo "HARDALLOC_FUZZ_MODE=free HARDALLOC_FUZZ_REUSE_CHILD=1"
  else
    echo "HARDALLOC_FUZZ_MODE=lockstep"
  fi
}

printf '%-9s %-28s %-9s %s\n' engine bug seconds finding
for bug in "${bugs[@]}"; do
  for seed in 1 2 3; do
    start=$(date +%s.%N)
    output=$(env $(mode_for "$bug") HARDALLOC_FUZZ_TARGET="$planted/libplanted_$bug.so" HARDALLOC_FUZZ_DIFF=none \
             "$replay" --quiet --random 100000000 --seconds "$limit_seconds" --seed "$seed" 2>&1 || true)
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    finding=$(grep -m1 '^  \[' <<<"$output" | cut -c3-130 || true)
    printf '%-9s %-28s %-9.2f %s\n' "replay/$seed" "$bug" "$seconds" "${finding:-none in ${limit_seconds} s}"
  done
done

fuzz_ops=$fuzz_build/fuzz/fuzz_ops
[[ -x $fuzz_ops ]] || { echo "(no $fuzz_ops: libFuzzer part skipped)"; exit 0; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
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
