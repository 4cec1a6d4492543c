#!/usr/bin/env bash
# What each mitigation of the hardened library costs: builds libhardalloc-hardened.so once per
# mitigation set without it, and once per small set on its own (-DHARDALLOC_MITIGATIONS), then
# runs bench/run.py with all of them beside the default hardened build, the fast build and scudo,
# ratios to the default hardened build.
usage() {
  cat <<'USAGE'
usage: bench/mitigation_cost.sh [--rounds N] [--workloads LIST] [--build-root DIR] [--out DIR]

Builds libhardalloc-hardened.so (Release) under BUILD_ROOT once for each of these mitigation
sets, the default set (hardening/mitigations.h) less:
  no-quarantine  quarantine                  no-fill     free_fill
  no-canaries    canaries, checked_copies    no-copies   checked_copies
  no-guards      guard_pages                 no-sampling guarded_sampling
  no-links       encoded_free_list, validated_free_list
and these sets alone, to show what they cost over the fast build on their own:
  core           encoded_free_list, validated_free_list, guard_pages, block_states
  states         block_states (deterministic double and invalid free)
  links          encoded_free_list, validated_free_list
then runs `python3 bench/run.py --quick --clock cpu --reference hardalloc-hardened` over them, the default
hardened and fast builds of build/release (build them first) and scudo. block_states cannot be
left out alone: every other data check needs it. About 1 minute per build and 3-5 minutes of
benchmark.
  --rounds N        interleaved rounds (default 5)
  --workloads LIST  comma-separated workloads (default: the small-block ones, pairs,mixed,larson,
                    larson_server,random_replace,churn_transfers,realloc_growth)
  --build-root DIR  where the variant builds go (default build/mitigations)
  --out DIR         run.py's output directory (default build/bench-results/mitigations)
Exit status: 0 measured, 1 a build or the benchmark failed, 2 bad usage.
USAGE
}
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
workloads=pairs,mixed,larson,larson_server,random_replace,churn_transfers,realloc_growth
build_root=build/mitigations
out=build/bench-results/mitigations
bad() { echo "mitigation_cost.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --rounds | --workloads | --build-root | --out)
      [ $# -ge 2 ] || bad "$1 needs a value"
      case "$1" in
        --rounds) [[ "$2" =~ ^[1-9][0-9]*$ ]] || bad "--rounds needs a positive number, not '$2'"; rounds=$2 ;;
        --workloads) workloads=$2 ;;
        --build-root) build_root=$2 ;;
        --out) out=$2 ;;
      esac
      shift 2 ;;
    *) bad "unknown option '$1' (see --help)" ;;
  esac
done
[ -e build/release/src/libhardalloc-hardened.so ] || bad "build/release has no libhardalloc-hardened.so: build the release preset first"
for dir in "$build_root" "$out"; do
  [ ! -e "$dir" ] || [ -d "$dir" ] || bad "'$dir' is not a directory"
done
IFS=, read -r -a workload_names <<< "$workloads"
for name in "${workload_names[@]}"; do
  [ -x "build/release/bench/bench_$name" ] || bad "unknown workload '$name' (no build/release/bench/bench_$name)"
done

# Every mitigation, read from the header as src/CMakeLists.txt reads it (the default set is all of them).
all=$(sed -n 's/^  \([a-z_]*\) = 1u << [0-9]*,.*/\1/p' hardening/mitigations.h)
[ -n "$all" ] || { echo "mitigation_cost.sh: no mitigation names found in hardening/mitigations.h" >&2; exit 1; }
# variant name, then the mitigations it leaves out; or name=list, a set of only those.
variants=(
  "no-quarantine quarantine"
  "no-fill free_fill"
  "no-canaries canaries checked_copies"
  "no-copies checked_copies"
  "no-guards guard_pages"
  "no-sampling guarded_sampling"
  "no-links encoded_free_list validated_free_list"
  "core=encoded_free_list;validated_free_list;guard_pages;block_states"
  "states=block_states"
  "links=encoded_free_list;validated_free_list"
)
names=hardalloc,hardalloc-hardened,scudo
libraries=()
for entry in "${variants[@]}"; do
  read -r name dropped <<< "$entry"
  if [[ "$name" == *=* ]]; then
    set_list=${name#*=}
    name=${name%%=*}
  else
    set_list=""
    for m in $all; do
      case " $dropped " in *" $m "*) ;; *) set_list="$set_list;$m" ;; esac
    done
    set_list=${set_list#;}
  fi
  dir=$build_root/$name
  mkdir -p "$build_root"
  echo "mitigation_cost: building $name: $set_list"
  if ! { cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHARDALLOC_BUILD_TESTS=OFF \
           -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" "-DHARDALLOC_MITIGATIONS=$set_list" &&
         cmake --build "$dir" --target hardalloc_hardened; } > "$dir.log" 2>&1; then
    echo "mitigation_cost: the $name build failed; see $dir.log" >&2
    exit 1
  fi
  names=$names,$name
  libraries+=("$name=$dir/src/libhardalloc-hardened.so")
done
python3 bench/run.py --quick --rounds "$rounds" --clock cpu --workloads "$workloads" --only "$names" \
  --reference hardalloc-hardened --hardalloc build/release/src/libhardalloc.so --out "$out" "${libraries[@]}" || exit 1
