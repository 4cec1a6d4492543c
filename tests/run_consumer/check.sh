#!/usr/bin/env bash
# Part of the install test: hardalloc-run and the CMake helper hardalloc_test_environment on a
# small project (tests/run_consumer) with one clean test and one with a double free, under the
# hardened library.
# usage: check.sh PREFIX SCRATCH_DIR   (about 20 s)
case "${1:-}" in
  -h | --help) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;;
  -*) echo "check.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
esac
[ $# -eq 2 ] || { echo "check.sh: expected PREFIX and SCRATCH_DIR, got $# arguments (see --help)" >&2; exit 2; }
set -euo pipefail
prefix=$1
scratch=$2
source_dir=$(cd "$(dirname "$0")" && pwd)
run=$prefix/bin/hardalloc-run
fail() { echo "FAIL (hardalloc-run): $*" >&2; exit 1; }
# expect STATUS OUTPUT_FILE COMMAND...: runs COMMAND, output to OUTPUT_FILE, checks its status.
expect() {
  local want=$1 output=$2 status=0
  shift 2
  "$@" > "$output" 2>&1 || status=$?
  [ "$status" = "$want" ] || { cat "$output" >&2; fail "'$*' exited $status, expected $want"; }
}

cmake -S "$source_dir" -B "$scratch" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$scratch" > /dev/null
plain=$scratch/plain
cmake -S "$source_dir" -B "$plain" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DUSE_HARDALLOC_HELPER=OFF > /dev/null
cmake --build "$plain" > /dev/null

# Usage: --help on stdout with status 0; bad usage one line and status 2.
expect 0 "$scratch/help.out" "$run" --help
grep -c "usage: hardalloc-run" "$scratch/help.out" > /dev/null || fail "--help shows no usage"
for bad in "--bogus" "" "--log-dir" "--options log_path=/x -- true" "-- /nonexistent/program" "true" \
  "--summarize /nonexistent"; do
  # shellcheck disable=SC2086 # each case is a list of words
  expect 2 "$scratch/bad.out" "$run" $bad
  [ "$(wc -l < "$scratch/bad.out")" = 1 ] || { cat "$scratch/bad.out" >&2; fail "'hardalloc-run $bad' did not print one line"; }
done
expect 0 "$scratch/hardened.out" "$run" --hardened -- true

# hardalloc-run around the whole suite: both processes seen, one report, named with its program.
expect 1 "$scratch/run.out" "$run" --hardened --log-dir "$scratch/logs-all" -- ctest --test-dir "$plain"
grep -c "double_free: error: double-free on 0x" "$scratch/run.out" > /dev/null || { cat "$scratch/run.out"; fail "summary lacks the report"; }
grep -Ec "^  error: 1 \(from double_free\)" "$scratch/run.out" > /dev/null || { cat "$scratch/run.out"; fail "summary lacks the kind and program"; }
grep -Ec "processes seen \(.*correct_program 1.*\)" "$scratch/run.out" > /dev/null || { cat "$scratch/run.out"; fail "the clean test's process was not seen"; }
expect 0 "$scratch/clean.out" "$run" --log-dir "$scratch/logs-clean" -- "$scratch/correct_program"
grep -c "no reports" "$scratch/clean.out" > /dev/null || { cat "$scratch/clean.out"; fail "clean run did not say 'no reports'"; }
expect 2 "$scratch/nonempty.out" "$run" --log-dir "$scratch/logs-clean" -- "$scratch/correct_program"

# The CMake helper: the summary test fails because of double_free, and passes without it.
expect 8 "$scratch/ctest.out" ctest --test-dir "$scratch" --output-on-failure
grep -c "double_free: error: double-free on 0x" "$scratch/ctest.out" > /dev/null || { cat "$scratch/ctest.out"; fail "helper summary lacks the report"; }
grep -Ec "hardalloc_logs_summary .*Failed" "$scratch/ctest.out" > /dev/null || { cat "$scratch/ctest.out"; fail "helper summary test did not fail"; }
expect 0 "$scratch/ctest-clean.out" ctest --test-dir "$scratch" --output-on-failure -R "^clean$"
grep -Ec "hardalloc_logs_summary .*Passed" "$scratch/ctest-clean.out" > /dev/null || { cat "$scratch/ctest-clean.out"; fail "helper summary did not run after the clean test"; }
echo "hardalloc-run and hardalloc_test_environment: ok"
