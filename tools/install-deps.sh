#!/usr/bin/env bash
# Installs everything hardalloc needs on a fresh Debian 12 machine: compilers, sanitizer and
# fuzzing runtimes, test and benchmark libraries, the allocators we compare against, and the
# programs the preload tests run. Safe to run again.
set -euo pipefail
case ${1:-} in
  -h|--help)
    cat <<'USAGE'
usage: tools/install-deps.sh

Installs with apt-get (through sudo unless run as root) every Debian 12 package hardalloc's
build, tests, fuzzing and benchmarks use, skipping those already installed: a few minutes on
a fresh machine, a second when nothing is missing.
Exit status: 0 done, 2 bad usage; apt-get's status when it fails.
USAGE
    exit 0 ;;
  "") ;;
  *) echo "install-deps: error: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
esac
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
packages=(
  build-essential cmake ninja-build pkg-config git python3 ccache
  clang-14 clang libclang-rt-14-dev llvm-14 clang-format clang-tidy
  afl++
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev libcli11-dev
  valgrind hyperfine spin gnuplot-nox
  libmimalloc-dev libmimalloc2.0 libjemalloc-dev libjemalloc2
  libgoogle-perftools-dev libtcmalloc-minimal4 electric-fence
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
