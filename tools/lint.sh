#!/usr/bin/env bash
# Fails on format drift in any C/C++ file we track, and on any clang-tidy finding in the
# allocator core (src/, hardening/).
usage() {
  cat <<'EOF'
usage: tools/lint.sh

Checks every tracked C/C++ file with clang-format (.clang-format) and the allocator core (src/,
hardening/) with clang-tidy (.clang-tidy), printing only findings. Takes about 20 s.
Exit status: 0 clean, 1 findings, 2 bad usage.
EOF
}
case "${1:-}" in
  "") ;;
  -h | --help) usage; exit 0 ;;
  *) echo "lint.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
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
# clang-tidy counts the warnings it suppressed (system headers, disabled checks) on stderr, one
# "N warnings generated." line per file: only findings matter.
tidy_status=0
tidy_output=$(clang-tidy -p "$lint_dir" --quiet "${core[@]}" 2>&1) || tidy_status=$?
grep -Ev '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$' <<<"$tidy_output" || true
if [ "$tidy_status" != 0 ]; then
  echo "lint: clang-tidy found problems" >&2
  exit 1
fi
echo "lint: clean"
