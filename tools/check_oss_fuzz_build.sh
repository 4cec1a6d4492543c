#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh as OSS-Fuzz and ClusterFuzzLite do, once per sanitizer, with the
# variables they set (CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE SRC WORK OUT SANITIZER), then
# runs every fuzzer it put in $OUT for a while from there. A local stand-in for the base-builder
# image: this machine's clang instead of OSS-Fuzz's. Minutes per sanitizer; not part of ctest.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/check_oss_fuzz_build.sh [--sanitizers LIST] [--seconds N] [--work DIR]

  --sanitizers LIST  comma-separated: address, undefined, coverage (default: all three)
  --seconds N        how long each fuzzer runs from $OUT (default 30)
  --work DIR         where $WORK and $OUT go, one pair per sanitizer (default /tmp/hardalloc-oss-fuzz)
  -h, --help         this text
Exit status: 0 every build and run passed, 1 one failed, 2 bad usage.
USAGE
}
usage_error() { echo "check_oss_fuzz_build: error: $*" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
sanitizers=address,undefined,coverage
seconds=30
work=/tmp/hardalloc-oss-fuzz
while [[ $# -gt 0 ]]; do
  case $1 in
    --sanitizers) [[ $# -ge 2 ]] || usage_error "--sanitizers needs a value"; sanitizers=$2; shift ;;
    --seconds) [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || usage_error "--seconds needs a positive integer"
      seconds=$2; shift ;;
    --work) [[ $# -ge 2 ]] || usage_error "--work needs a value"; work=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

# The flags of OSS-Fuzz's base-builder (infra/base-images/base-clang) for each sanitizer.
common="-O1 -fno-omit-frame-pointer -gline-tables-only"
ubsan_checks=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr
ubsan_fatal=${ubsan_checks/unsigned-integer-overflow,/}
flags_of() {
  case $1 in
    address) echo "$common -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link" ;;
    undefined) echo "$common -fsanitize=$ubsan_checks -fno-sanitize-recover=$ubsan_fatal -fsanitize=fuzzer-no-link" ;;
    coverage) echo "$common -fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument" ;;
    *) usage_error "--sanitizers: '$1' is not address, undefined or coverage" ;;
  esac
}

failed=0
IFS=, read -r -a list <<<"$sanitizers"
for sanitizer in "${list[@]}"; do
  flags=$(flags_of "$sanitizer")
  out=$work/$sanitizer/out
  rm -rf "$out" "$work/$sanitizer/work"
  mkdir -p "$out" "$work/$sanitizer/work"
  echo "== $sanitizer: build (log: $work/$sanitizer/build.log)"
  if ! env CC=clang CXX=clang++ CFLAGS="$flags" CXXFLAGS="$flags" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
      SRC="" WORK="$work/$sanitizer/work" OUT="$out" SANITIZER="$sanitizer" \
      "$root/.clusterfuzzlite/build.sh" >"$work/$sanitizer/build.log" 2>&1; then
    echo "   FAILED: $(tail -3 "$work/$sanitizer/build.log")"
    failed=1
    continue
  fi
  for fuzzer in "$out"/fuzz_*; do
    [[ -x $fuzzer && $fuzzer != *.* ]] || continue
    name=$(basename "$fuzzer")
    corpus=$work/$sanitizer/corpus-$name
    rm -rf "$corpus"
    mkdir -p "$corpus"
    (cd "$corpus" && unzip -q -o "$out/${name}_seed_corpus.zip")
    # As ClusterFuzzLite runs it: from $OUT, with its dictionary (UBSAN_OPTIONS as OSS-Fuzz's).
    if (cd "$out" && UBSAN_OPTIONS=silence_unsigned_overflow=1 LLVM_PROFILE_FILE="$work/$sanitizer/%p.profraw" \
        "./$name" -max_total_time="$seconds" -rss_limit_mb=2560 -timeout=25 -dict="$name.dict" \
        "$corpus" >"$work/$sanitizer/$name.log" 2>&1); then
      echo "   $name: $(grep -aE '^#[0-9]+' "$work/$sanitizer/$name.log" | tail -1 | cut -c1-100)"
    else
      echo "   $name FAILED: $(grep -aE 'ERROR|FINDING|SUMMARY' "$work/$sanitizer/$name.log" | head -2)"
      failed=1
    fi
  done
done
exit $failed
