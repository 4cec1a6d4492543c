#!/usr/bin/env bash
# CLI test of ha_fuzz_replay (ctest label cli): --help, and a one-line error with exit status 2
# for a directory, a missing file, bad numbers, unknown options, bad HARDALLOC_FUZZ_* values
# and a library that is not an allocator. A few seconds.
#   tests/cli/ha_fuzz_replay_cli.sh BUILD/fuzz/ha_fuzz_replay CORPUS_DIR
set -euo pipefail
replay=$1
corpus=$2
source "$(dirname "$0")/cli_lib.sh"
unset "${!HARDALLOC_FUZZ_@}"
trace=$corpus/regressions/$(ls "$corpus/regressions" | head -n 1)
libz=$(non_allocator_library)

expect_help "$replay" --help
expect_help "$replay" -h
# Its helper process answers too, though nobody should run it by hand.
child=$(dirname "$replay")/ha_fuzz_child
expect_help "$child" --help
expect_usage_error '^ha_fuzz_child: error: unexpected argument' "$child" --bogus
expect_usage_error '^ha_fuzz_child: error: started without HARDALLOC_FUZZ_CHANNEL' "$child"
for channel in 3,4 3,4,5x -1,4,5 3,,5 a,b,c 3,4,99999999999; do
  expect_usage_error "^ha_fuzz_child: error: HARDALLOC_FUZZ_CHANNEL: '$channel' is not MEMFD,REQUEST_FD,REPLY_FD\$" \
    env HARDALLOC_FUZZ_CHANNEL="$channel" "$child"
done

# A directory where a file is expected.
expect_usage_error 'cannot read .*: Is a directory' "$replay" --to-text "$corpus"
expect_usage_error 'cannot read .*: Is a directory' "$replay" --to-binary "$corpus" "$cli_scratch/out.bin"
expect_usage_error 'cannot read .*: Is a directory' "$replay" --minimize "$corpus" "$cli_scratch/out.trace"
# A missing file.
expect_usage_error '^ha_fuzz_replay: error: cannot read nope.bin: No such file or directory$' "$replay" nope.bin
expect_usage_error 'cannot read nope.bin: No such file' "$replay" --to-text nope.bin
expect_usage_error 'cannot read nope.trace: No such file' "$replay" --to-binary nope.trace "$cli_scratch/x"
expect_usage_error 'cannot read nope.bin: No such file' "$replay" --minimize nope.bin "$cli_scratch/x.trace"
expect_usage_error 'cannot write .*/no/such/dir/x' "$replay" --to-binary "$trace" "$cli_scratch/no/such/dir/x"
# Missing or bad values.
expect_usage_error '--to-text.*(required|missing)' "$replay" --to-text
expect_usage_error '--to-binary' "$replay" --to-binary "$trace"
expect_usage_error "--random: 'abc' is not a non-negative integer" "$replay" --random abc
expect_usage_error "--random: '0' is below the minimum 1" "$replay" --random 0
expect_usage_error "--seed: '-1' is not a non-negative integer" "$replay" --random 1 --seed -1
expect_usage_error "--seed: '18446744073709551616' is above the maximum" "$replay" --random 1 --seed 18446744073709551616
expect_usage_error "--max-bytes: '12x'" "$replay" --random 1 --max-bytes 12x
expect_usage_error "--seconds: 'soon' is not a number of seconds" "$replay" --seconds soon
expect_usage_error '--seed needs --random or --seconds' "$replay" --seed 3 "$trace"
expect_usage_error 'choose one of' "$replay" --random 1 --to-text "$trace"
expect_usage_error 'nothing to do' "$replay"
# A trace with a bad number: no strtoull reading of "-1" as SIZE_MAX.
printf 'threads 1\nmalloc t0 s0 size=-1\n' >"$cli_scratch/negative.trace"
expect_usage_error "negative.trace: line 2: bad operand 'size=-1'" "$replay" "$cli_scratch/negative.trace"
# Unknown options.
expect_usage_error 'not expected: --bogus' "$replay" --bogus
expect_usage_error 'not expected' "$replay" --random 1 --frobnicate 3
# The environment, validated in one place.
expect_usage_error "HARDALLOC_FUZZ_MODE: 'bogus' is not one of lockstep, free" \
  env HARDALLOC_FUZZ_MODE=bogus "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_LIVE_CAP_MB: 'abc' is not a non-negative integer" \
  env HARDALLOC_FUZZ_LIVE_CAP_MB=abc "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_TIMEOUT_MS: '-5'" env HARDALLOC_FUZZ_TIMEOUT_MS=-5 "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_REUSE_CHILD: 'yes'" env HARDALLOC_FUZZ_REUSE_CHILD=yes "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_LIVE_CAP_MB: '0' is below the minimum 1" \
  env HARDALLOC_FUZZ_LIVE_CAP_MB=0 "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_LIVE_CAP_MB: '99999999' is above the maximum" \
  env HARDALLOC_FUZZ_LIVE_CAP_MB=99999999 "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_TIMEOUT_MS: '0' is below the minimum 1" \
  env HARDALLOC_FUZZ_TIMEOUT_MS=0 "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_DIFF_SAMPLE: '0' is below the minimum 1" \
  env HARDALLOC_FUZZ_DIFF_SAMPLE=0 "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_DIFF_SAMPLE: '1e3' is not a non-negative integer" \
  env HARDALLOC_FUZZ_DIFF_SAMPLE=1e3 "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_IGNORE: 'bogus' is no finding class \\(errno-on-failure, null-on-satisfiable, errno-changed-by-free, new-handler\\)" \
  env HARDALLOC_FUZZ_IGNORE=bogus "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_IGNORE: '' is no finding class" \
  env HARDALLOC_FUZZ_IGNORE=errno-on-failure, "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_CHILD: cannot run /nonexistent: No such file" \
  env HARDALLOC_FUZZ_CHILD=/nonexistent "$replay" --quiet "$trace"
expect_usage_error "HARDALLOC_FUZZ_CHILD: cannot run .*: Permission denied" \
  env HARDALLOC_FUZZ_CHILD="$trace" "$replay" --quiet "$trace"
expect_usage_error 'HARDALLOC_FUZZ_CHANNEL: is set by the preload runner for ha_fuzz_child, never by hand' \
  env HARDALLOC_FUZZ_CHANNEL=3,4,5 "$replay" --quiet "$trace"
expect_usage_error 'unknown variable HARDALLOC_FUZZ_TARGT' env HARDALLOC_FUZZ_TARGT=system "$replay" --quiet "$trace"
expect_usage_error "unknown target 'jemalloc'" env HARDALLOC_FUZZ_TARGET=jemalloc "$replay" --quiet "$trace"
expect_usage_error "unknown target 'jemalloc'" env HARDALLOC_FUZZ_DIFF=jemalloc "$replay" --quiet "$trace"
# A library that is not an allocator, or not a library at all.
expect_usage_error 'is not an allocator library: malloc resolves to' \
  env HARDALLOC_FUZZ_TARGET="$libz" "$replay" --random 1
expect_usage_error 'is not an allocator library' env HARDALLOC_FUZZ_TARGET="$replay" "$replay" --random 1
expect_usage_error 'cannot read allocator library .*: Is a directory' env HARDALLOC_FUZZ_TARGET="$corpus/" "$replay" --random 1
expect_usage_error 'cannot read allocator library /nonexistent.so: No such file' \
  env HARDALLOC_FUZZ_TARGET=/nonexistent.so "$replay" --random 1
expect_usage_error 'is not an allocator library' env HARDALLOC_FUZZ_DIFF="$libz" "$replay" --quiet "$trace"

# Conversions detect the form of their input.
expect_status 0 '^threads [1-4]$' "$replay" --to-text "$trace"
cp "$trace" "$cli_scratch/trace-without-suffix"
expect_status 0 '^threads [1-4]$' "$replay" --to-text "$cli_scratch/trace-without-suffix"
expect_status 0 '' "$replay" --to-binary "$trace" "$cli_scratch/input.bin"
expect_status 0 '^threads [1-4]$' "$replay" --to-text "$cli_scratch/input.bin"
expect_usage_error 'is already a binary input' "$replay" --to-binary "$cli_scratch/input.bin" "$cli_scratch/again.bin"
# Runs: a clean replay and a short random run exit 0 and stay quiet off a terminal.
expect_status 0 'replayed 1 inputs, 0 findings' "$replay" --quiet "$trace"
expect_status 0 '^ok .* in 0 of 3 runs$' "$replay" --repeat 3 "$trace"
expect_status 0 '^ok .* in 0 of 3 runs$' env HARDALLOC_FUZZ_MODE=epochs "$replay" --repeat 3 "$trace"
expect_usage_error '^ha_fuzz_replay: error: --repeat needs inputs$' "$replay" --repeat 3 --random 5
expect_usage_error "repeat: '0' is below the minimum 1" "$replay" --repeat 0 "$trace"
expect_usage_error "HARDALLOC_FUZZ_MODE: 'race' is not one of" env HARDALLOC_FUZZ_MODE=race "$replay" "$trace"
expect_status 0 'ran 5 random streams' "$replay" --quiet --random 5
expect_status 0 'streams, .* execs/s, 0 findings' "$replay" --quiet --progress --seconds 2.5
cli_done
