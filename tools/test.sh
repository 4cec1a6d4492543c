#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): installs what is missing, checks format and
# lint, then builds and tests four configurations:
#   release  every test (unit, api, stress, process, preload, replay, planted, bench smoke)
#   asan     ASan+UBSan on hardalloc itself, through the prefixed API
#   tsan     the stress and unit tests under ThreadSanitizer
#   fuzz     a short libFuzzer smoke of every fuzzer (ASan+UBSan)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

bash tools/install-deps.sh
bash tools/lint.sh

jobs=$(nproc)
run_preset() {
  local preset=$1 labels=$2
  echo "=== $preset: configure and build"
  cmake --preset "$preset" > /dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== $preset: ctest ${labels:+-L $labels}"
  ctest --preset "$preset" -j "$jobs" ${labels:+-L "$labels"}
}
run_preset release ""
run_preset asan "unit|api|stress|replay"
run_preset tsan "unit|stress"
run_preset fuzz "fuzz_smoke"
echo "test.sh: all presets passed in $(( $(date +%s) - start )) s"
