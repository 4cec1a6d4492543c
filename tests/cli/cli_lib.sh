# Shared by the CLI tests (ctest label cli): run a command, check its exit status and output.
# A usage error must be exactly one line on stderr, "TOOL: error: REASON", with exit status 2;
# --help must print the usage on stdout with exit 0. Sourced; each test script ends with
# `cli_done`, which exits 1 if any check failed.

cli_failures=0
cli_checks=0
cli_scratch=$(mktemp -d)
trap 'rm -rf "$cli_scratch"' EXIT

# Runs "$@", leaving status, stdout and stderr in cli_status, cli_out, cli_err.
cli_run() {
  set +e
  "$@" >"$cli_scratch/out" 2>"$cli_scratch/err" </dev/null
  cli_status=$?
  set -e
  cli_out=$(cat "$cli_scratch/out")
  cli_err=$(cat "$cli_scratch/err")
}

cli_fail() {
  cli_failures=$((cli_failures + 1))
  printf 'FAIL: %s\n  status %s\n  stdout: %s\n  stderr: %s\n' "$1" "$cli_status" "${cli_out:0:400}" \
    "${cli_err:0:400}"
}

cli_pass() {
  printf 'ok: %s\n' "$1"
}

# expect_help COMMAND...: exit 0, usage on stdout, nothing on stderr.
expect_help() {
  cli_checks=$((cli_checks + 1))
  cli_run "$@"
  local what="help: $*"
  if [[ $cli_status != 0 || -z $cli_out || -n $cli_err ]] || ! grep -qi -e usage "$cli_scratch/out"; then
    cli_fail "$what"
  else
    cli_pass "$what"
  fi
}

# expect_usage_error PATTERN COMMAND...: exit 2, stderr exactly one line matching PATTERN
# (an extended regular expression).
expect_usage_error() {
  local pattern=$1
  shift
  cli_checks=$((cli_checks + 1))
  cli_run "$@"
  local what="usage error /$pattern/: $*"
  local lines
  lines=$(wc -l <"$cli_scratch/err")
  if [[ $cli_status != 2 || $lines != 1 ]] || ! grep -qE -e "$pattern" "$cli_scratch/err"; then
    cli_fail "$what"
  else
    cli_pass "$what"
  fi
}

# expect_status STATUS PATTERN COMMAND...: that exit status, and stdout or stderr matching PATTERN.
expect_status() {
  local status=$1 pattern=$2
  shift 2
  cli_checks=$((cli_checks + 1))
  cli_run "$@"
  local what="status $status /$pattern/: $*"
  if [[ $cli_status != "$status" ]] || { [[ -n $pattern ]] && ! grep -qE -e "$pattern" "$cli_scratch/out" "$cli_scratch/err"; }; then
    cli_fail "$what"
  else
    cli_pass "$what"
  fi
}

# A shared library that is not an allocator (defines no malloc), for the "non-allocator" cases.
non_allocator_library() {
  local candidate
  for candidate in /lib/x86_64-linux-gnu/libz.so.1 /usr/lib/x86_64-linux-gnu/libz.so.1 /lib64/libz.so.1; do
    [[ -f $candidate ]] && { echo "$candidate"; return; }
  done
  echo "no libz.so.1 on this machine" >&2
  return 1
}

cli_done() {
  echo "$cli_checks checks, $cli_failures failed"
  [[ $cli_failures == 0 ]]
}
