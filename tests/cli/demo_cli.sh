#!/usr/bin/env bash
# CLI test of the demonstration scripts, tools/demo.sh and tests/planted_bugs/demo.sh, and of
# tools/install-deps.sh (ctest label cli): --help, and one-line usage errors with exit status 2.
# Seconds: the demonstrations themselves (minutes) and the installation do not run.
#   tests/cli/demo_cli.sh REPO_ROOT
set -euo pipefail
root=$1
source "$(dirname "$0")/cli_lib.sh"
libz=$(non_allocator_library)
demo=$root/tools/demo.sh
planted_demo=$root/tests/planted_bugs/demo.sh

expect_help "$demo" --help
expect_usage_error "^demo: error: unknown option '--bogus'" "$demo" --bogus
expect_usage_error '^demo: error: /nonexistent.so: No such file or directory$' "$demo" /nonexistent.so
expect_usage_error 'not a file' "$demo" "$root/corpus"
expect_usage_error 'does not define malloc: not an allocator library' "$demo" "$libz"
expect_usage_error 'too many arguments' "$demo" a b

expect_help "$planted_demo" --help
expect_usage_error "^demo: error: unknown option '--bogus'" "$planted_demo" --bogus
expect_usage_error '/nonexistent: No such directory' "$planted_demo" /nonexistent
expect_usage_error 'no .*/fuzz/ha_fuzz_replay' "$planted_demo" "$root/corpus"
expect_usage_error 'too many arguments' "$planted_demo" a b c
expect_help "$root/tools/install-deps.sh" --help
expect_usage_error "^install-deps: error: unexpected argument '--bogus'" "$root/tools/install-deps.sh" --bogus
cli_done
