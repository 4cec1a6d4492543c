#!/usr/bin/env bash
# CLI test of the libFuzzer targets fuzz_ops and fuzz_options (ctest label cli, fuzz preset):
# --help prints the usage and exits 0 (libFuzzer alone ignores two-dash flags and fuzzes for
# ever); other two-dash options, a bad HARDALLOC_FUZZ_* value and a non-allocator library are
# one line on stderr with exit status 2, before any fuzzing. Seconds.
#   tests/cli/fuzz_engine_cli.sh BUILD/fuzz/fuzz_ops [BUILD/fuzz/fuzz_options]
set -euo pipefail
fuzz_ops=$1
fuzz_options=${2:-}
source "$(dirname "$0")/cli_lib.sh"
unset "${!HARDALLOC_FUZZ_@}"
libz=$(non_allocator_library)
cd "$cli_scratch"  # where libFuzzer would drop a crash file

expect_help "$fuzz_ops" --help
expect_usage_error "^fuzz_ops: error: unknown option '--bogus'" "$fuzz_ops" --bogus
expect_usage_error "^fuzz_ops: error: HARDALLOC_FUZZ_MODE: 'bogus' is not one of lockstep, free, epochs$" \
  env HARDALLOC_FUZZ_MODE=bogus "$fuzz_ops" -runs=1
expect_usage_error "^fuzz_ops: error: HARDALLOC_FUZZ_LIVE_CAP_MB: 'abc'" \
  env HARDALLOC_FUZZ_LIVE_CAP_MB=abc "$fuzz_ops" -runs=1
expect_usage_error '^fuzz_ops: error: .* is not an allocator library' \
  env HARDALLOC_FUZZ_TARGET="$libz" "$fuzz_ops" -runs=1
expect_status 0 'Done 20 runs' "$fuzz_ops" -runs=20 -seed=1
if [[ -n $fuzz_options ]]; then
  expect_help "$fuzz_options" --help
  expect_usage_error "^fuzz_options: error: unknown option '--bogus'" "$fuzz_options" --bogus
fi
cli_done
