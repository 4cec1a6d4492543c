#!/usr/bin/env bash
# CLI test of tools/campaign.sh (ctest label cli): --help, one-line usage errors with exit
# status 2, and the exit status of a campaign: 0 without findings, 1 with findings (so CI can
# gate on it). The campaigns run stand-ins for fuzz_ops and ha_fuzz_replay in a fake build tree
# (--no-build), so the test takes seconds, not the campaign's minutes.
#   tests/cli/campaign_cli.sh [REPO_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
campaign=$root/tools/campaign.sh
source "$(dirname "$0")/cli_lib.sh"
unset "${!HARDALLOC_FUZZ_@}"
libz=$(non_allocator_library)

expect_help "$campaign" --help
expect_help "$campaign" -h
expect_usage_error '^campaign: error: --time needs a value' "$campaign" --time
expect_usage_error "--time: 'abc' is not a positive integer" "$campaign" --time abc
expect_usage_error "--time: '-5' is not a positive integer|--time needs a value" "$campaign" --time -5
expect_usage_error "--jobs: '0' is not a positive integer" "$campaign" --jobs 0
expect_usage_error '--jobs needs a value' "$campaign" --jobs --quick
expect_usage_error '--target /nonexistent.so: No such file or directory' "$campaign" --target /nonexistent.so
expect_usage_error 'does not define malloc: not an allocator library' "$campaign" --target "$libz"
expect_usage_error "--target .*: not a readable file" "$campaign" --target "$root"
expect_usage_error "unknown argument '--bogus'" "$campaign" --bogus
expect_usage_error '--sync needs a value' "$campaign" --sync
expect_usage_error "--sync $campaign: not a directory" "$campaign" --sync "$campaign"
expect_usage_error "--no-build: .*fuzz_ops is not built" \
  "$campaign" --quick --no-build --build-root "$cli_scratch/empty" --out "$cli_scratch/empty-out"

# A fake build tree: fuzz_ops leaves a crash when CAMPAIGN_TEST_FINDING=1, ha_fuzz_replay
# reports it as a finding and minimizes it.
fake=$cli_scratch/build
mkdir -p "$fake/fuzz/fuzz"
cat >"$fake/fuzz/fuzz/fuzz_ops" <<'STUB'
#!/usr/bin/env bash
for argument; do
  case $argument in -artifact_prefix=*) prefix=${argument#-artifact_prefix=} ;; esac
done
[[ -z ${CAMPAIGN_TEST_RECORD:-} ]] || env | grep '^HARDALLOC_FUZZ_' >>"$CAMPAIGN_TEST_RECORD"
echo "INFO: Seed: 1"
echo "#2: cov: 7 ft: 7 corp: 1/1b exec/s: 2 rss: 30Mb"
if [[ ${CAMPAIGN_TEST_FINDING:-0} == 1 && ${HARDALLOC_FUZZ_TARGET:-} == hardalloc ]]; then
  printf 'x' >"${prefix}crash-stub"
fi
exit 0
STUB
cat >"$fake/fuzz/fuzz/ha_fuzz_replay" <<'STUB'
#!/usr/bin/env bash
if [[ $1 == --minimize ]]; then
  printf '# finding: [stub] violation: planted by the campaign test\nthreads 1\n' >"$3"
  exit 0
fi
printf 'FINDING %s\n  [stub] violation: planted by the campaign test\n' "${@: -1}"
exit 1
STUB
chmod +x "$fake/fuzz/fuzz/fuzz_ops" "$fake/fuzz/fuzz/ha_fuzz_replay"
expect_status 0 '^no findings$' "$campaign" --quick --no-build --build-root "$fake" --out "$cli_scratch/clean"
# --jobs 1: the two runs of --quick take turns, one process at a time.
expect_status 0 '2 runs in 2 turn\(s\) of 20 s' \
  "$campaign" --quick --jobs 1 --no-build --build-root "$fake" --out "$cli_scratch/one-job"
# --ignore reaches every fuzzer (the stub records its HARDALLOC_FUZZ_* variables).
expect_status 0 '^libfuzzer +4 +' env CAMPAIGN_TEST_RECORD="$cli_scratch/record" \
  "$campaign" --quick --ignore errno-on-failure --no-build --build-root "$fake" --out "$cli_scratch/ignore"
cli_checks=$((cli_checks + 1))
if [[ $(grep -c '^HARDALLOC_FUZZ_IGNORE=errno-on-failure$' "$cli_scratch/record") == 2 ]]; then
  cli_pass "--ignore sets HARDALLOC_FUZZ_IGNORE for both runs"
else
  cli_fail "--ignore sets HARDALLOC_FUZZ_IGNORE for both runs"
fi
# --quick fuzzes the one library it is given, never a second one silently.
echo 'void* malloc(unsigned long size) { (void)size; return 0; }' | cc -shared -fPIC -x c -o "$cli_scratch/liba.so" -
expect_usage_error '--quick fuzzes one --target, got 2' \
  "$campaign" --quick --target "$cli_scratch/liba.so" --target "$cli_scratch/liba.so" \
  --no-build --build-root "$fake"
expect_status 0 'start ops-liba ' env CAMPAIGN_TEST_RECORD="$cli_scratch/one-target" \
  "$campaign" --quick --target "$cli_scratch/liba.so" --no-build --build-root "$fake" --out "$cli_scratch/target"
cli_checks=$((cli_checks + 1))
if [[ $(grep '^HARDALLOC_FUZZ_TARGET=' "$cli_scratch/one-target" | sort -u) == "HARDALLOC_FUZZ_TARGET=$cli_scratch/liba.so" ]]; then
  cli_pass "--quick --target fuzzes that library alone"
else
  cli_fail "--quick --target fuzzes that library alone"
fi
# --sync: two machines (stand-ins for hostname and afl-fuzz) share one directory. The first
# one's AFL++ instance is the main, the second's a secondary; libFuzzer's corpus is shared too.
mkdir -p "$fake/afl/fuzz"
cp "$fake/fuzz/fuzz/fuzz_ops" "$fake/fuzz/fuzz/ha_fuzz_replay" "$fake/afl/fuzz/"
: >"$fake/afl/fuzz/libha_afl_op_mutator.so"  # AFL++'s op mutator: only its presence is checked
chmod +x "$fake/afl/fuzz/libha_afl_op_mutator.so"
for machine in machine-a machine.b; do
  mkdir -p "$cli_scratch/bin-$machine"
  printf '#!/bin/sh\necho %s\n' "$machine" >"$cli_scratch/bin-$machine/hostname"
  cat >"$cli_scratch/bin-$machine/afl-fuzz" <<'STUB'
#!/usr/bin/env bash
echo "$*" >>"$CAMPAIGN_TEST_AFL"
while [[ $# -gt 0 ]]; do
  case $1 in -M|-S) name=$2 ;; -o) out=$2 ;; esac
  shift
done
mkdir -p "$out/$name/queue"
echo 'execs_done        : 5' >"$out/$name/fuzzer_stats"
STUB
  chmod +x "$cli_scratch/bin-$machine/hostname" "$cli_scratch/bin-$machine/afl-fuzz"
  expect_status 0 '^no findings$' env PATH="$cli_scratch/bin-$machine:$PATH" CAMPAIGN_TEST_AFL="$cli_scratch/afl-args" \
    "$campaign" --time 2 --jobs 2 --sync "$cli_scratch/sync" --no-build --build-root "$fake" \
    --out "$cli_scratch/sync-$machine"
done
cli_checks=$((cli_checks + 1))
roles=$(sed -E 's/.*(-[MS] [^ ]+) .* -o ([^ ]+) .*/\1 \2/' "$cli_scratch/afl-args" | tr '\n' ';')
if [[ $roles == "-M machine-a_m0 $cli_scratch/sync/ops-hardalloc-afl;-S machine_b_s0 $cli_scratch/sync/ops-hardalloc-afl;" &&
      -d $cli_scratch/sync/ops-hardalloc/corpus ]]; then
  cli_pass "--sync: one -M and one -S in the shared directory, libFuzzer's corpus there"
else
  cli_fail "--sync: one -M and one -S in the shared directory, libFuzzer's corpus there (got: $roles)"
fi
expect_status 1 'finding in ops-hardalloc' \
  env CAMPAIGN_TEST_FINDING=1 "$campaign" --quick --no-build --build-root "$fake" --out "$cli_scratch/found"
cli_done
