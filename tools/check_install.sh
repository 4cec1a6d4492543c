#!/usr/bin/env bash
# The install test (ctest label `install`, under a minute): installs a build into a scratch prefix and
# checks what a user outside the project gets from it.
usage() {
  cat <<'EOF'
usage: tools/check_install.sh BUILD_DIR

Installs BUILD_DIR into a scratch prefix, then checks, as a consumer outside the project would:
  - libhardalloc.so needs only libc and the loader (ldd);
  - C++ consumers (find_package: shared, static, prefixed) build and run;
  - a C-only consumer links hardalloc::static and hardalloc::prefixed with the C driver;
  - pkg-config consumers in C and C++, dynamic and --static, link with nothing extra and run;
  - hardalloc-run and the CMake helper hardalloc_test_environment, on a small project with one
    test that reports and one that does not (tests/run_consumer).
Takes under a minute. Exit status: 0 all passed, 1 a check failed, 2 bad usage.
EOF
}
set -euo pipefail
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") echo "check_install.sh: missing BUILD_DIR (see --help)" >&2; exit 2 ;;
  -*) echo "check_install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
esac
[ $# -eq 1 ] || { echo "check_install.sh: expected one BUILD_DIR, got $# arguments" >&2; exit 2; }
build_dir=$1
[ -f "$build_dir/CMakeCache.txt" ] || { echo "check_install.sh: '$build_dir' is not a CMake build directory" >&2; exit 2; }

source_dir=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build_dir" --prefix "$prefix" > /dev/null
lib=$prefix/lib

# The preload library must cost every process only what libc costs (issue 14).
needed=$(ldd "$lib/libhardalloc.so" | awk '{print $1}' | grep -v -e '^linux-vdso' -e '^/lib64/ld-linux' -e '^libc\.so' || true)
[ -z "$needed" ] || fail "libhardalloc.so needs more than libc: $needed"
echo "ldd libhardalloc.so: libc and the loader only"

# find_package consumers, C++ and C-only.
for project in install_consumer install_consumer_c; do
  cmake -S "$source_dir/tests/$project" -B "$scratch/$project" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
  cmake --build "$scratch/$project" > "$scratch/$project.log" 2>&1 || { cat "$scratch/$project.log" >&2; fail "$project does not build"; }
done
LD_LIBRARY_PATH=$lib "$scratch/install_consumer/use_shared"
"$scratch/install_consumer/use_prefixed"
"$scratch/install_consumer/use_static"
LD_LIBRARY_PATH=$lib "$scratch/install_consumer/use_hardened"
"$scratch/install_consumer_c/use_static_c"
"$scratch/install_consumer_c/use_prefixed_c"

# pkg-config consumers: the documented one-liners, in C and C++, shared and static.
export PKG_CONFIG_PATH=$lib/pkgconfig
flags=$(pkg-config --cflags --libs hardalloc)
case "$flags" in
  *"$lib/pkgconfig/../../include"*-lhardalloc*) echo "pkg-config: $flags" ;;
  *) fail "pkg-config gave unexpected flags: $flags" ;;
esac
cp "$source_dir/tests/install_consumer_c/main.c" "$scratch/main.c"
cp "$source_dir/tests/install_consumer/main.cpp" "$scratch/main.cpp"
# shellcheck disable=SC2046 # pkg-config output is meant to be split into words
{
  gcc -DEXPECT_OVERRIDE "$scratch/main.c" -o "$scratch/pc_c" $(pkg-config --cflags --libs hardalloc)
  g++ -DEXPECT_OVERRIDE "$scratch/main.cpp" -o "$scratch/pc_cxx" $(pkg-config --cflags --libs hardalloc)
  gcc -DEXPECT_OVERRIDE -static "$scratch/main.c" -o "$scratch/pc_c_static" $(pkg-config --static --cflags --libs hardalloc)
  g++ -DEXPECT_OVERRIDE -static "$scratch/main.cpp" -o "$scratch/pc_cxx_static" \
    $(pkg-config --static --cflags --libs hardalloc) 2> "$scratch/pc_cxx_static.log" ||
    { cat "$scratch/pc_cxx_static.log" >&2; fail "pkg-config --static C++ consumer does not link"; }
} || fail "a pkg-config consumer does not link"
LD_LIBRARY_PATH=$lib "$scratch/pc_c"
LD_LIBRARY_PATH=$lib "$scratch/pc_cxx"
"$scratch/pc_c_static"
"$scratch/pc_cxx_static"

# hardalloc-run and the CMake helper, when this build installs them.
if [ -x "$prefix/bin/hardalloc-run" ]; then
  bash "$source_dir/tests/run_consumer/check.sh" "$prefix" "$scratch/run_consumer"
fi
echo "check_install: all consumers link and run"
