#!/usr/bin/env bash
# CLI test of ha_diff (ctest label cli): --help, one-line errors with exit status 2, and
# --explain giving the same verdict and exit status as the plain comparison. A few seconds.
#   tests/cli/ha_diff_cli.sh BUILD/differential/ha_diff CORPUS_DIR [PLANTED_LIBRARY]
# PLANTED_LIBRARY: an allocator with a planted realloc bug (libplanted_realloc_lost_byte.so).
set -euo pipefail
diff=$1
corpus=$2
planted=${3:-}
source "$(dirname "$0")/cli_lib.sh"
unset "${!HARDALLOC_FUZZ_@}"
trace=$corpus/regressions/$(ls "$corpus/regressions" | head -n 1)
libz=$(non_allocator_library)

expect_help "$diff" --help
expect_status 0 'zero-size request' "$diff" --rules
expect_usage_error '^ha_diff: error: cannot read .*: Is a directory$' "$diff" --explain "$corpus"
expect_usage_error '^ha_diff: error: cannot read nope.bin: No such file or directory$' "$diff" nope.bin
expect_usage_error 'cannot read nope.bin: No such file' "$diff" --explain nope.bin
expect_usage_error '--explain.*(required|missing)' "$diff" --explain
expect_usage_error 'not expected: --bogus' "$diff" --bogus
expect_usage_error 'no inputs' "$diff"
expect_usage_error 'excludes' "$diff" --explain "$trace" "$trace"
expect_usage_error 'is not an allocator library' "$diff" --b "$libz" "$trace"
expect_usage_error 'is not an allocator library' "$diff" --a "$libz" --explain "$trace"
expect_usage_error "unknown target 'jemalloc'" "$diff" --b jemalloc "$trace"
expect_usage_error "HARDALLOC_FUZZ_LIVE_CAP_MB: 'abc'" env HARDALLOC_FUZZ_LIVE_CAP_MB=abc "$diff" "$trace"
expect_usage_error 'lock-step runs only' env HARDALLOC_FUZZ_MODE=free "$diff" "$trace"
expect_usage_error '^ha_diff: error: --seed needs --seconds or --matrix$' "$diff" --seed 3
expect_usage_error "threads: '5' is above the maximum 4" "$diff" --seconds 1 --threads 5
expect_usage_error 'seconds' "$diff" --seconds abc
expect_usage_error 'name no inputs' "$diff" --seconds 1 "$trace"
expect_usage_error 'out' "$diff" --seconds 1 --out "$cli_scratch/missing-dir"

expect_usage_error '^ha_diff: error: --only needs --matrix$' "$diff" --only glibc
expect_usage_error "--only: 'bogus' is not installed here \\(glibc" "$diff" --matrix --only bogus
expect_usage_error 'excludes' "$diff" --matrix --a hardalloc
expect_usage_error 'cannot read nope.so' "$diff" --matrix nope.so

# Random streams: the same seed, the same streams; hardalloc against the system malloc agrees.
expect_status 0 'compared [0-9]+ random streams in [0-9.]+ s \(seed 3\), no finding' \
  "$diff" --a hardalloc --b system --seconds 2 --seed 3 --threads 2

# One verdict: --explain ends with the plain comparison's verdict and exit status.
expect_status 0 'compared 1 inputs, 0 findings' "$diff" "$trace"
expect_status 0 '^verdict: no finding$' "$diff" --explain "$trace"
if [[ -n $planted ]]; then
  # realloc growth loses the block's first byte: a violation in target B.
  printf 'threads 1\nmalloc t0 s0 size=100\nrealloc t0 s0 size=5000\nverify t0 s0\n' >"$cli_scratch/lost.trace"
  expect_status 1 '\[libplanted_realloc_lost_byte.so\] violation.*\(second target\)' \
    "$diff" --b "$planted" "$cli_scratch/lost.trace"
  expect_status 1 '^verdict: FINDING \[libplanted_realloc_lost_byte.so\] violation' \
    "$diff" --b "$planted" --explain "$cli_scratch/lost.trace"
  if grep -q 'skipped.*DISAGREE' "$cli_scratch/out"; then
    cli_fail "--explain marks an op one side skipped as DISAGREE"
  fi
  # A random-stream finding is minimized to a trace, which replays it alone.
  expect_status 1 'minimized [0-9]+ ops -> [0-9]+ ops: .*/ha_diff-1-[0-9]+\.trace' \
    "$diff" --b "$planted" --seconds 20 --seed 1 --out "$cli_scratch"
  found=$(ls "$cli_scratch"/ha_diff-1-*.trace | head -n 1)
  expect_status 1 'compared 1 inputs, 1 findings' "$diff" --b "$planted" "$found"
  # The matrix: glibc conforms, the planted realloc bug diverges in the realloc family with a
  # trace; the table is also written as CSV and Markdown.
  mkdir -p "$cli_scratch/matrix"
  expect_status 0 'libplanted_realloc_lost_byte.so +[0-9]+ .*DIVERGES \[1\]' \
    "$diff" --matrix --seconds 2 --only glibc,libplanted_realloc_lost_byte.so --out "$cli_scratch/matrix" "$planted"
  grep -Eq '^glibc +[0-9]+( +ok){10}$' "$cli_scratch/out" || cli_fail "glibc does not conform in the matrix"
  grep -q '^"libplanted_realloc_lost_byte.so",[0-9]*,realloc,DIVERGES,' "$cli_scratch/matrix/matrix.csv" ||
    cli_fail "matrix.csv lacks the realloc divergence"
  grep -q '^| glibc | [0-9]* | ok |' "$cli_scratch/matrix/matrix.md" || cli_fail "matrix.md lacks the glibc row"
  [[ -s $cli_scratch/matrix/matrix-libplanted_realloc_lost_byte.so-realloc.trace ]] ||
    cli_fail "no reproducer trace for the divergence"
fi
cli_done
