#!/usr/bin/env bash
# Installs the build in $1 into a scratch prefix, then builds and runs a consumer project that
# finds it with find_package(hardalloc) and checks pkg-config.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build_dir" --prefix "$scratch/prefix" > /dev/null
cmake -S "$source_dir/tests/install_consumer" -B "$scratch/build" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix" > /dev/null
cmake --build "$scratch/build" > /dev/null
LD_LIBRARY_PATH="$scratch/prefix/lib" "$scratch/build/use_shared"
"$scratch/build/use_prefixed"
flags=$(PKG_CONFIG_PATH="$scratch/prefix/lib/pkgconfig" pkg-config --cflags --libs hardalloc)
case "$flags" in
  *"$scratch/prefix/lib/pkgconfig/../../include"*-lhardalloc*) echo "pkg-config: $flags" ;;
  *) echo "pkg-config gave unexpected flags: $flags" >&2; exit 1 ;;
esac
