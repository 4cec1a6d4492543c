#!/usr/bin/env bash
# Installs everything hardalloc needs on a fresh Debian 12 machine: compilers, sanitizer and
# fuzzing runtimes, test and benchmark libraries, the allocators we compare against, and the
# programs the preload tests run. Safe to run again.
set -euo pipefail
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
packages=(
  build-essential cmake ninja-build pkg-config git python3 ccache
  clang-14 clang libclang-rt-14-dev llvm-14 clang-format clang-tidy
  afl++
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev libcli11-dev
  valgrind hyperfine spin gnuplot-nox
  libmimalloc-dev libmimalloc2.0 libjemalloc-dev libjemalloc2
  libgoogle-perftools-dev libtcmalloc-minimal4
  sqlite3 zip unzip
)
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
