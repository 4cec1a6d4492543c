#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run). See usage below.
usage() {
  cat <<'EOF'
usage: tools/test.sh [--quick]

The whole test suite, as CI runs it: installs what is missing (tools/install-deps.sh), checks
format and lint (tools/lint.sh), then builds and tests four presets:
  release  every test (unit, api, stress, process, preload, install, replay, planted, bench smoke)
  asan     ASan+UBSan on hardalloc itself, through the prefixed API
  tsan     the stress and unit tests, free-running and epoch op streams (50 s on the fast
           and 50 s on the hardened build) and lock-step ones (10 s, the fast build), under
           ThreadSanitizer
  fuzz     a short libFuzzer smoke of every fuzzer (ASan+UBSan)
After each preset it prints how many tests were skipped, and why.

It took 1834 s from a fresh clone at the last full measurement (2 cores, cold ccache; tests
517 s release, 166 s asan, 159 s tsan, 60 s fuzz; 1346-1446 s before the conformance matrix,
misuse ops and epochs). The tsan preset takes about 4 minutes of it (its build with the
fuzzing suite 104 s with ccache warm, its tests 159 s).

  --quick   a first check: the release preset only, no lint (about 4 minutes, plus up to 6
            for the guard_all preload runs: 330 s one after another)
  -h, --help  this text

Exit status: 0 all passed, 1 a step failed, 2 bad usage.
EOF
}
set -euo pipefail
quick=0
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --quick) quick=1 ;;
    *) echo "test.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
start=$(date +%s)

bash tools/install-deps.sh
[ "$quick" = 1 ] || bash tools/lint.sh

jobs=$(nproc)
report_dir=$(mktemp -d)
trap 'rm -rf "$report_dir"' EXIT

# Prints the count of skipped tests in a ctest JUnit report, each with its reason (the skip
# message or the last line the test printed).
report_skipped() {
  python3 - "$1" "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
preset = sys.argv[2]
skipped = []
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    marker = case.find("skipped")
    if case.get("status") not in ("notrun", "disabled", "skipped") and marker is None:
        continue
    output = [line.strip() for line in (case.findtext("system-out") or "").splitlines() if line.strip()]
    # A workload prints "SKIP: why"; GTEST_SKIP prints "file:line: Skipped" and then the message.
    reasons = [line for line in output if line.startswith("SKIP")]
    reasons += [output[i + 1] for i, line in enumerate(output[:-1]) if line.endswith(": Skipped")]
    fallback = output[-1] if output else (marker.get("message") if marker is not None else "")
    reason = (reasons[0] if reasons else fallback) or "no reason given"
    skipped.append((case.get("name"), reason))
print(f"=== {preset}: {len(skipped)} tests skipped")
for name, reason in skipped:
    print(f"  {name}: {reason}")
PY
}

run_preset() {
  local preset=$1 labels=$2 status=0
  echo "=== $preset: configure and build"
  cmake --preset "$preset" > /dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset: ctest ${labels:+-L $labels}"
  ctest --preset "$preset" -j "$jobs" ${labels:+-L "$labels"} --output-junit "$report_dir/$preset.xml" || status=$?
  if [ -f "$report_dir/$preset.xml" ]; then report_skipped "$report_dir/$preset.xml" "$preset"; fi
  if [ "$status" != 0 ]; then
    echo "test.sh: $preset: ctest failed (status $status)" >&2
    exit 1
  fi
}
run_preset release ""
if [ "$quick" = 1 ]; then
  echo "test.sh --quick: the release preset passed in $(($(date +%s) - start)) s (the full suite: tools/test.sh)"
  exit 0
fi
run_preset asan "unit|api|stress|replay"
run_preset tsan "unit|stress"
run_preset fuzz "fuzz_smoke"
echo "test.sh: all presets passed in $(($(date +%s) - start)) s"
