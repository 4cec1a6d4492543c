#!/usr/bin/env bash
# usage: check_usage.sh SCRIPT_OR_PROGRAM...
#
# The command-line contract of the project's scripts: --help prints usage on stdout and exits 0
# (without doing the work: tools/test.sh --help must not start the suite), and an unknown option
# prints one line on stderr and exits 2. A ctest test (label cli) runs this on every script.
set -euo pipefail
case "${1:-}" in
  -h | --help) sed -n '2,6s/^# \{0,1\}//p' "$0"; exit 0 ;;
  "") echo "check_usage.sh: no script given (see --help)" >&2; exit 2 ;;
  -*) echo "check_usage.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
esac
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
for tool in "$@"; do
  run=("$tool")
  case "$tool" in *.sh) run=(bash "$tool") ;; esac
  status=0
  timeout 20 "${run[@]}" --help > "$scratch/out" 2> "$scratch/err" || status=$?
  if [ "$status" != 0 ] || ! grep -qi "usage" "$scratch/out" || [ -s "$scratch/err" ]; then
    echo "FAIL: $tool --help: status $status (want 0), usage on stdout: $(grep -ci usage "$scratch/out" || true), stderr: $(head -c 200 "$scratch/err")"
    failures=$((failures + 1))
  fi
  status=0
  timeout 20 "${run[@]}" --no-such-option > "$scratch/out" 2> "$scratch/err" || status=$?
  if [ "$status" != 2 ] || [ "$(wc -l < "$scratch/err")" != 1 ] || [ -s "$scratch/out" ]; then
    echo "FAIL: $tool --no-such-option: status $status (want 2), $(wc -l < "$scratch/err") stderr lines (want 1): $(head -c 300 "$scratch/err")"
    failures=$((failures + 1))
  fi
done
[ "$failures" = 0 ] && echo "check_usage: $# commands keep the contract"
exit $((failures > 0))
