#!/bin/bash -eu
# Builds hardalloc's fuzzers the OSS-Fuzz way: compilers and flags from $CC $CXX $CFLAGS
# $CXXFLAGS, the engine from $LIB_FUZZING_ENGINE, everything into $OUT: fuzz_ops and
# fuzz_options, their dictionaries, and seed corpora as NAME_seed_corpus.zip (fuzz_ops' seeds
# include every regression trace, encoded to the binary form).
case "${1:-}" in
  -h | --help)
    echo "usage: .clusterfuzzlite/build.sh   (no arguments; reads CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE SRC WORK OUT)"
    sed -n '2,5s/^# \{0,1\}//p' "$0"
    exit 0 ;;
  "") ;;
  *) echo "build.sh: takes no arguments, got '$1' (see --help)" >&2; exit 2 ;;
esac
src=${SRC:+$SRC/hardalloc}
src=${src:-$(cd "$(dirname "$0")/.." && pwd)}
[[ -d $src/fuzz ]] || src=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/hardalloc-cflite-work}
build=$work/build

# The sanitizer and coverage flags arrive in CFLAGS/CXXFLAGS (address and undefined builds
# with -fsanitize=fuzzer-no-link, the coverage build with profile flags), so
# HARDALLOC_SANITIZER and the harness's own engine flags stay empty; warnings are not errors
# (OSS-Fuzz's clang is newer than ours). Only the fuzzers and what they need are built.
# The allocator core is built without RTTI (-fno-rtti), which clang refuses beside UBSan's vptr
# check (part of OSS-Fuzz's undefined build): that one check is left out.
if [[ ${SANITIZER:-} == undefined ]]; then
  CFLAGS="$CFLAGS -fno-sanitize=vptr"
  CXXFLAGS="$CXXFLAGS -fno-sanitize=vptr"
fi
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DHARDALLOC_FUZZ_ENGINE=libfuzzer -DHA_FUZZ_LINK_ENGINE="$LIB_FUZZING_ENGINE" -DHA_FUZZ_COMPILE_ENGINE= \
  -DHARDALLOC_WERROR=OFF -DHARDALLOC_BUILD_FUZZ=ON -DHARDALLOC_BUILD_BENCH=OFF -DBUILD_TESTING=OFF
targets=(fuzz_ops ha_fuzz_replay)
# Captured first: `ninja | grep -q` fails at random under pipefail (FACTS.md).
ninja_targets=$(ninja -C "$build" -t targets all)
if grep -q '^fuzz_options:' <<<"$ninja_targets"; then targets+=(fuzz_options); fi
cmake --build "$build" --target "${targets[@]}"

# ha_fuzz_child, which fuzz_ops starts with an allocator library preloaded, must carry neither a
# sanitizer runtime (ASan's would replace the library's malloc and report its own checks as the
# library's crashes) nor calls into libFuzzer's runtime (which only fuzz_ops links), so it is
# built in a tree of its own without $CFLAGS. Its harness code counts its edges for fuzz_ops
# (fuzz/engine_coverage.h).
child_build=$work/child
cmake -S "$src" -B "$child_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_FLAGS= -DCMAKE_CXX_FLAGS= \
  -DHARDALLOC_FUZZ_ENGINE=libfuzzer -DHA_FUZZ_COMPILE_ENGINE= \
  -DHARDALLOC_WERROR=OFF -DHARDALLOC_BUILD_FUZZ=ON -DHARDALLOC_BUILD_BENCH=OFF -DBUILD_TESTING=OFF
cmake --build "$child_build" --target ha_fuzz_child

mkdir -p "$OUT"
seeds=$work/seeds
rm -rf "$seeds"
for fuzzer in fuzz_ops fuzz_options; do
  [[ -x $build/fuzz/$fuzzer ]] || continue
  cp "$build/fuzz/$fuzzer" "$OUT/"
  cp "$src/corpus/$fuzzer.dict" "$OUT/$fuzzer.dict"
  mkdir -p "$seeds/$fuzzer"
  cp "$src/corpus/$fuzzer"/* "$seeds/$fuzzer/"
done
cp "$child_build/fuzz/ha_fuzz_child" "$OUT/"  # fuzz_ops runs allocator libraries through it
for trace in "$src"/corpus/regressions/*.trace; do
  # (LLVM_PROFILE_FILE: the coverage build's driver would leave default.profraw in the sources)
  LLVM_PROFILE_FILE=/dev/null "$build/fuzz/ha_fuzz_replay" --to-binary "$trace" "$seeds/fuzz_ops/regression-$(basename "$trace" .trace)"
done
for fuzzer in fuzz_ops fuzz_options; do
  [[ -d $seeds/$fuzzer ]] || continue
  rm -f "$OUT/${fuzzer}_seed_corpus.zip"
  (cd "$seeds/$fuzzer" && zip -q -j "$OUT/${fuzzer}_seed_corpus.zip" ./*)
done
