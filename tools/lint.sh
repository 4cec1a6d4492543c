#!/usr/bin/env bash
# Fails on format drift in any C/C++ file we track, and on any clang-tidy finding in the
# allocator core (src/, hardening/).
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t sources < <(git ls-files '*.c' '*.cc' '*.cpp' '*.h' '*.hpp' | grep -v '^corpus/')
echo "lint: clang-format on ${#sources[@]} files"
clang-format --dry-run --Werror "${sources[@]}"

lint_dir=build/lint
cmake -S . -B "$lint_dir" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DHARDALLOC_BUILD_TESTS=OFF -DHARDALLOC_BUILD_FUZZ=OFF \
  -DHARDALLOC_BUILD_BENCH=OFF > /dev/null
mapfile -t core < <(git ls-files 'src/*.cpp' 'hardening/*.cpp')
echo "lint: clang-tidy on ${#core[@]} core translation units"
clang-tidy -p "$lint_dir" --quiet "${core[@]}"
echo "lint: clean"
