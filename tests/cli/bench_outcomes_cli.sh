#!/usr/bin/env bash
# How bench/run.py records runs that do not complete, and what a variant's child sees (ctest label
# cli, about 25 s). The workloads are stand-ins (fake_workload.sh) that misbehave under one anchor
# library only, so no real allocator has to be slow or broken for the test to see:
#   - under an anchor, a timeout, a signal and an exit status are each a DNF with its reason, the
#     driver exits 0 and does not run that pair again in the next round;
#   - the same under a build of ours is a FAIL and exit status 1;
#   - a variant's child gets HARDALLOC_OPTIONS=OPTIONS with its base's library, every other child
#     has HARDALLOC_OPTIONS unset even when the driver's own environment sets it;
#   - efence is not in the default set.
# Skipped (exit 77) on a machine without any of the anchor libraries.
#   tests/cli/bench_outcomes_cli.sh REPO_ROOT
set -euo pipefail
root=$1
source "$(dirname "$0")/cli_lib.sh"

anchor="" library=""
for candidate in mimalloc:/usr/lib/x86_64-linux-gnu/libmimalloc.so.2 \
  jemalloc:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
  tcmalloc:/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4; do
  if [[ -f ${candidate#*:} ]]; then
    anchor=${candidate%%:*} library=${candidate#*:}
    break
  fi
done
if [[ -z $anchor ]]; then
  echo "skipped: none of mimalloc, jemalloc, tcmalloc installed (tools/install-deps.sh)"
  exit 77
fi

bench_dir=$cli_scratch/bench
mkdir "$bench_dir"
for name in pairs mixed larson; do
  cp "$root/tests/cli/fake_workload.sh" "$bench_dir/bench_$name"
  chmod +x "$bench_dir/bench_$name"
done
export FAKE_LOG=$cli_scratch/children.log
summary=$cli_scratch/results/summary.md
run_py=(python3 "$root/bench/run.py" --bench-dir "$bench_dir" --out "$cli_scratch/results"
  --workloads pairs,mixed,larson --reference system)

# The anchor: three kinds of DNF, each with its reason; two rounds, but each DNF is run once.
: >"$FAKE_LOG"
expect_status 0 "" env FAKE_MISBEHAVE="$library" "${run_py[@]}" --only "system,$anchor" --rounds 2 --timeout 1
expect_status 0 "^DNF: $anchor on pairs: timed out after 1 s$" cat "$summary"
expect_status 0 "^DNF: $anchor on mixed: killed by signal 11 \(SIGSEGV\)$" cat "$summary"
expect_status 0 "^DNF: $anchor on larson: exit status 3: bench: FAILED: wrong answer$" cat "$summary"
expect_status 0 "^\| 1 pairs \| [0-9.]+s 1.00x .* \| DNF \|$" cat "$summary"
expect_status 0 "^$anchor .*over 0/3 workloads; did not complete: pairs, mixed, larson$" \
  cat "$summary"
expect_status 0 "^3$" grep -c "^$library unset$" "$FAKE_LOG"
expect_status 0 "^6$" grep -c "^none unset$" "$FAKE_LOG"

# The same under a build of ours (the anchor's library given as name=path.so): FAIL, exit 1.
# (The driver resolves the path of a build of ours, hence readlink.)
ours=$(readlink -f "$library")
expect_status 1 "FAILED: pairs under ours: timed out after 1 s" \
  env FAKE_MISBEHAVE="$library" "${run_py[@]}" --only system,ours --rounds 1 --timeout 1 "ours=$library"
expect_status 0 "^FAIL: ours on mixed: killed by signal 11 \(SIGSEGV\)$" cat "$summary"

# Variants (which run whatever --only says): HARDALLOC_OPTIONS reaches a variant's child and no
# other, whatever the driver inherits.
: >"$FAKE_LOG"
expect_status 0 "^variant ours-q = ours with HARDALLOC_OPTIONS='probe=1': time geomean [0-9.]+x ours" \
  env HARDALLOC_OPTIONS=inherited "${run_py[@]}" --only system,ours --rounds 1 \
  "ours=$library" --variant ours-q=ours:probe=1 --variant ours-aa=ours:
expect_status 0 "^3$" grep -c "^$ours probe=1$" "$FAKE_LOG"
expect_status 0 "^3$" grep -c "^$ours $" "$FAKE_LOG"
expect_status 0 "^3$" grep -c "^$ours unset$" "$FAKE_LOG"
expect_status 0 "^3$" grep -c "^none unset$" "$FAKE_LOG"
expect_status 1 "" grep -c inherited "$FAKE_LOG"

# efence runs only when --only names it (the default set below runs every other anchor).
: >"$FAKE_LOG"
expect_status 0 "" "${run_py[@]}" --rounds 1 --workloads pairs
expect_status 0 "^1$" grep -c "^none unset$" "$FAKE_LOG"
expect_status 1 "^0$" grep -c efence "$FAKE_LOG"
cli_done
