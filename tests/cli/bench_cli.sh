#!/usr/bin/env bash
# CLI test of the benchmark workloads (bench_*), bench/run.py and bench/fuzz_speed.py (ctest label cli): --help,
# and a one-line error with exit status 2 for bad numbers, unknown options, a directory or a
# missing file, and a library that is not an allocator. A few seconds.
#   tests/cli/bench_cli.sh BENCH_DIR REPO_ROOT
set -euo pipefail
bench_dir=$1
root=$2
source "$(dirname "$0")/cli_lib.sh"
libz=$(non_allocator_library)
run_py=(python3 "$root/bench/run.py")

for workload in "$bench_dir"/bench_*; do
  [[ -x $workload ]] || continue
  name=$(basename "$workload")
  expect_help "$workload" --help
  expect_usage_error "^$name: error: scale: 'abc' is not a number" "$workload" abc
done
# One parser (bench/common/arguments.cpp) serves them all: the other cases once.
expect_usage_error "^bench_pairs: error: scale: '-1'" "$bench_dir/bench_pairs" -1
expect_usage_error "^bench_pairs: error: scale: '0'" "$bench_dir/bench_pairs" 0
expect_usage_error "^bench_pairs: error: .*not expected: --bogus" "$bench_dir/bench_pairs" --bogus
expect_usage_error "^bench_pairs: error: .*not expected: 2" "$bench_dir/bench_pairs" 1 2
expect_usage_error "not expected: --callgrind" "$bench_dir/bench_larson" --callgrind

expect_help "${run_py[@]}" --help
expect_usage_error "^run.py: error: argument --rounds: 'abc' is not a number$" "${run_py[@]}" --rounds abc
expect_usage_error "argument --scale: '0' must be above 0" "${run_py[@]}" --scale 0
expect_usage_error '^run.py: error: unrecognized arguments: --bogus$' "${run_py[@]}" --bogus
expect_usage_error 'not allowed with argument --full' "${run_py[@]}" --full --smoke

speed_py=(python3 "$root/bench/fuzz_speed.py")
expect_help "${speed_py[@]}" --help
expect_usage_error '^fuzz_speed.py: error: the following arguments are required: --old$' "${speed_py[@]}"
expect_usage_error "argument --seconds: 'x' is not a number" "${speed_py[@]}" --old "$root" --seconds x
expect_usage_error "^fuzz_speed.py: error: --old /: not a hardalloc source tree" "${speed_py[@]}" --old /
expect_usage_error "^fuzz_speed.py: error: --engines: 'honggfuzz' must name libfuzzer and/or afl" \
  "${speed_py[@]}" --old "$root" --engines honggfuzz
expect_usage_error "no workloads in $root/corpus" "${run_py[@]}" --bench-dir "$root/corpus"
expect_usage_error "no workloads in /nonexistent" "${run_py[@]}" --bench-dir /nonexistent
expect_usage_error "unknown workloads \['nosuch'\]" "${run_py[@]}" --bench-dir "$bench_dir" --workloads nosuch
expect_usage_error "unknown allocators \['nosuch'\]" "${run_py[@]}" --bench-dir "$bench_dir" --only nosuch
expect_usage_error "expected name=path.so, got 'bad'" "${run_py[@]}" --bench-dir "$bench_dir" bad
expect_usage_error "argument --timeout: '0' must be above 0" "${run_py[@]}" --timeout 0
# --variant NAME=BASE:OPTIONS: its form at parse time, its base once every allocator is known.
expect_usage_error "^run.py: error: argument --variant: expected NAME=BASE:OPTIONS, got 'v'$" \
  "${run_py[@]}" --variant v
expect_usage_error "argument --variant: expected NAME=BASE:OPTIONS, got 'v=hardalloc'$" \
  "${run_py[@]}" --variant v=hardalloc
expect_usage_error "argument --variant: expected NAME=BASE:OPTIONS, got '=hardalloc:x=1'$" \
  "${run_py[@]}" --variant =hardalloc:x=1
expect_usage_error "argument --variant: variant name 'a,b': letters, digits and _ . \+ - only$" \
  "${run_py[@]}" --variant a,b=hardalloc:x=1
expect_usage_error "^run.py: error: variant v: unknown base allocator 'nosuch'; known: \['system'," \
  "${run_py[@]}" --bench-dir "$bench_dir" --variant v=nosuch:x=1
expect_usage_error "^run.py: error: variant v: mimalloc is not a hardalloc build; only those read HARDALLOC_OPTIONS$" \
  "${run_py[@]}" --bench-dir "$bench_dir" --variant v=mimalloc:x=1
expect_usage_error "^run.py: error: variant w: unknown base allocator 'v'" \
  "${run_py[@]}" --bench-dir "$bench_dir" --variant v=hardalloc:x=1 --variant w=v:x=2
expect_usage_error "^run.py: error: allocator names must be unique: v more than once$" \
  "${run_py[@]}" --bench-dir "$bench_dir" --variant v=hardalloc:x=1 --variant v=hardalloc:x=2
expect_usage_error "^run.py: error: allocator names must be unique: scudo more than once$" \
  "${run_py[@]}" --bench-dir "$bench_dir" --variant scudo=hardalloc:x=1
expect_usage_error 'hardalloc: /nonexistent.so not found' \
  "${run_py[@]}" --bench-dir "$bench_dir" --only hardalloc --hardalloc /nonexistent.so
expect_usage_error 'libz: .* does not define malloc: not an allocator library' \
  "${run_py[@]}" --bench-dir "$bench_dir" --only libz "libz=$libz"
cli_done
