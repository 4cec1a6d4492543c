#!/usr/bin/env bash
# A fuzzing campaign: builds the fuzzers, runs them for a given time on N cores (libFuzzer
# fork-mode workers, AFL++ -M/-S instances), shows progress, merges and minimizes the corpus,
# turns every distinct crash into a minimized text trace, and prints a summary. Usage: --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/campaign.sh --quick [--target LIB.so]... [--out DIR] [--build-root DIR]
       tools/campaign.sh [--time SECONDS] [--jobs N] [--no-afl] [--target LIB.so]...
                         [--out DIR] [--build-root DIR] [--no-build]

Builds the fuzzers (cmake presets fuzz and afl), fuzzes, then merges the corpora and turns
each distinct finding into a minimized text trace.

  --quick            about 1 minute of fuzzing (40 s): fuzz_ops on hardalloc and on the system
                     malloc, one libFuzzer worker each, no merge; plus the build (the first
                     one takes several minutes)
  --time SECONDS     how long the fuzzers run (default 600: a full campaign takes about 12
                     minutes with the merge and minimizing, plus the build)
  --jobs N           cores to use (default: all, nproc)
  --no-afl           libFuzzer only
  --target LIB.so    also fuzz an allocator library (HARDALLOC_FUZZ_TARGET, docs/fuzzing.md);
                     it must exist and define malloc; repeatable
  --out DIR          results (default BUILD_ROOT/campaign/DATE): a log, corpus and crashes
                     per run, build logs, merged/ (the merged corpus per fuzzer), traces/ (one
                     minimized trace per distinct finding, ready for corpus/regressions/)
  --build-root DIR   build trees DIR/fuzz and DIR/afl (default: build)
  --no-build         use the build trees as they are (they must hold the fuzzers)
  -h, --help         this text

Exit status: 0 no finding, 1 findings (listed at the end), 2 bad usage, 3 a build failed.
USAGE
}

usage_error() {  # one line on stderr, exit 2
  echo "campaign: error: $*" >&2
  exit 2
}

# The value of an option, which must be there and must not look like another option.
value_of() {  # option, number of remaining arguments, next argument
  [[ $2 -ge 2 && $3 != --* ]] || usage_error "$1 needs a value (see --help)"
}

positive_integer() {  # option, value
  [[ $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || usage_error "$1: '$2' is not a positive integer"
}

# A library under test must exist and define malloc (an allocator), checked before any build.
check_library() {
  local library=$1 symbols
  [[ -e $library ]] || usage_error "--target $library: No such file or directory"
  [[ -f $library && -r $library ]] || usage_error "--target $library: not a readable file"
  symbols=$(nm -D --defined-only "$library" 2>/dev/null || true)
  grep -qE '^[0-9a-f]+ [TiW] malloc$' <<<"$symbols" ||
    usage_error "--target $library does not define malloc: not an allocator library"
}

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=600
jobs=$(nproc)
quick=0
use_afl=1
do_build=1
extra_targets=()
out=""
build_root=$root/build
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1; seconds=40; use_afl=0 ;;
    --time) value_of "$1" $# "${2-}"; positive_integer "$1" "$2"; seconds=$2; shift ;;
    --jobs) value_of "$1" $# "${2-}"; positive_integer "$1" "$2"; jobs=$2; shift ;;
    --no-afl) use_afl=0 ;;
    --no-build) do_build=0 ;;
    --target) value_of "$1" $# "${2-}"; check_library "$2"; extra_targets+=("$(realpath "$2")"); shift ;;
    --out) value_of "$1" $# "${2-}"; out=$2; shift ;;
    --build-root) value_of "$1" $# "${2-}"; build_root=$(realpath -m "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
out=${out:-$build_root/campaign/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out" 2>/dev/null || usage_error "--out $out: cannot create the directory"
fuzz_dir=$build_root/fuzz
afl_dir=$build_root/afl
say() { printf '[campaign %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# ---- build ------------------------------------------------------------------------------
# Every step appends to the preset's log, so the configure and each build step are all kept.
build() {  # preset, build dir, targets...
  local preset=$1 dir=$2
  shift 2
  local log=$out/build-$preset.log
  say "building $* (cmake --preset $preset, log: $log)"
  { echo "==== cmake --preset $preset, then build $*"; } >>"$log"
  (cd "$root" && cmake --preset "$preset" >>"$log" 2>&1 && cmake --build "$dir" --target "$@" >>"$log" 2>&1) ||
    { echo "campaign: error: build failed, see $log" >&2; exit 3; }
}
# With --no-build the trees must already hold what the runs need.
require_built() {  # files...
  local file
  for file in "$@"; do
    [[ -x $file ]] || usage_error "--no-build: $file is not built (build it, or drop --no-build)"
  done
}
have_options=0
if [[ $do_build == 1 ]]; then
  build fuzz "$fuzz_dir" fuzz_ops ha_fuzz_replay ha_fuzz_child
  if ninja -C "$fuzz_dir" -t targets all 2>/dev/null | grep -c '^fuzz_options:' >/dev/null; then
    have_options=1
    build fuzz "$fuzz_dir" fuzz_options
  fi
  if [[ $use_afl == 1 ]]; then
    build afl "$afl_dir" fuzz_ops ha_fuzz_child ha_fuzz_replay
  fi
else
  require_built "$fuzz_dir/fuzz/fuzz_ops" "$fuzz_dir/fuzz/ha_fuzz_replay"
  [[ -x $fuzz_dir/fuzz/fuzz_options ]] && have_options=1
  [[ $use_afl == 1 ]] && require_built "$afl_dir/fuzz/fuzz_ops" "$afl_dir/fuzz/ha_fuzz_replay"
fi

# ---- runs -------------------------------------------------------------------------------
# A run: name|engine|fuzzer|workers|environment (space-separated VAR=value)
runs=()
half=$(( jobs / 2 > 0 ? jobs / 2 : 1 ))
if [[ $quick == 1 ]]; then
  runs+=("ops-hardalloc|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=hardalloc")
  runs+=("ops-system|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=system")
else
  runs+=("ops-hardalloc|libfuzzer|fuzz_ops|$half|HARDALLOC_FUZZ_TARGET=hardalloc")
  runs+=("ops-system|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=system")
  [[ $have_options == 1 ]] && runs+=("options|libfuzzer|fuzz_options|1|")
  [[ $use_afl == 1 ]] && runs+=("ops-hardalloc-afl|afl|fuzz_ops|$half|HARDALLOC_FUZZ_TARGET=hardalloc")
fi
for library in "${extra_targets[@]}"; do
  runs+=("ops-$(basename "$library" .so)|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=$library HARDALLOC_FUZZ_DIFF=none")
done

pids=()
start_run() {
  local name=$1 engine=$2 fuzzer=$3 workers=$4 environment=$5
  local dir=$out/$name
  mkdir -p "$dir/corpus" "$dir/crashes"
  local seeds=$root/corpus/$fuzzer dict=$root/corpus/$fuzzer.dict
  if [[ $engine == libfuzzer ]]; then
    # Fork mode keeps going after a crash (-ignore_crashes) and saves each one.
    (cd "$dir" && env $environment "$fuzz_dir/fuzz/$fuzzer" -fork="$workers" -ignore_crashes=1 \
       -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -dict="$dict" \
       -artifact_prefix="$dir/crashes/" "$dir/corpus" "$seeds" >"$dir/log" 2>&1) &
    pids+=($!)
  else
    local instance
    for ((instance = 0; instance < workers; ++instance)); do
      local role="-S s$instance"
      [[ $instance == 0 ]] && role="-M main"
      (env $environment AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
         AFL_NO_AFFINITY=1 afl-fuzz $role -i "$seeds" -o "$dir/afl" -x "$dict" -V "$seconds" \
         -t 30000 -m none -- "$afl_dir/fuzz/$fuzzer" >"$dir/log.$instance" 2>&1) &
      pids+=($!)
    done
  fi
}

# Prints "execs exec/s coverage crashes" for a run from its logs.
run_status() {
  local name=$1 engine=$2
  local dir=$out/$name
  if [[ $engine == libfuzzer ]]; then
    local line
    line=$(grep -aE '^#[0-9]+: cov:' "$dir/log" 2>/dev/null | tail -1 || true)
    if [[ -z $line ]]; then echo "0 0 0 $(ls "$dir/crashes" | wc -l)"; return; fi
    awk -v crashes="$(ls "$dir/crashes" | wc -l)" '{
      for (i = 1; i <= NF; ++i) { if ($i == "cov:") cov = $(i + 1); if ($i == "exec/s") speed = $(i + 1) }
      sub(/^#/, "", $1); sub(/:$/, "", $1); print $1, speed, cov, crashes }' <<<"$line"
  else
    local execs=0 speed=0 coverage=0 crashes=0 stats
    for stats in "$dir"/afl/*/fuzzer_stats; do
      [[ -f $stats ]] || continue
      execs=$(( execs + $(awk '/^execs_done/ {print $3}' "$stats") ))
      speed=$(awk -v s="$speed" '/^execs_per_sec/ {printf "%d", s + $3}' "$stats")
      coverage=$(awk '/^bitmap_cvg/ {print $3}' "$stats")
      crashes=$(( crashes + $(awk '/^(saved|unique)_crashes/ {print $3}' "$stats") ))
    done
    echo "$execs $speed $coverage $crashes"
  fi
}

say "running ${#runs[@]} fuzzers for $seconds s on $jobs cores; results in $out"
for run in "${runs[@]}"; do
  IFS='|' read -r name engine fuzzer workers environment <<<"$run"
  start_run "$name" "$engine" "$fuzzer" "$workers" "$environment"
done

# Progress every 10 s; the fuzzers are polled every second, so the campaign ends when they do.
began=$(date +%s)
next_report=$(( began + 10 ))
while true; do
  alive=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
  [[ $alive == 0 ]] && break
  sleep 1
  [[ $(date +%s) -ge $next_report ]] || continue
  next_report=$(( next_report + 10 ))
  line="progress $(( $(date +%s) - began ))s:"
  for run in "${runs[@]}"; do
    IFS='|' read -r name engine _ _ _ <<<"$run"
    read -r execs speed coverage crashes <<<"$(run_status "$name" "$engine")"
    line+="  $name execs=$execs cov=$coverage crashes=$crashes"
  done
  say "$line"
done
for pid in "${pids[@]}"; do wait "$pid" || true; done

# ---- merge: one minimized corpus per fuzzer, AFL++ queues included (same input format) ----
# (--quick skips it: its corpus column counts the inputs the run kept.)
declare -A merged_count
minimize_seconds=30
[[ $quick == 1 ]] && minimize_seconds=10
merged_fuzzers=(fuzz_ops fuzz_options)
[[ $quick == 1 ]] && merged_fuzzers=()
for fuzzer in "${merged_fuzzers[@]}"; do
  inputs=()
  for run in "${runs[@]}"; do
    IFS='|' read -r name engine run_fuzzer _ _ <<<"$run"
    [[ $run_fuzzer == "$fuzzer" ]] || continue
    [[ -d $out/$name/corpus ]] && inputs+=("$out/$name/corpus")
    for queue in "$out/$name"/afl/*/queue; do [[ -d $queue ]] && inputs+=("$queue"); done
  done
  [[ ${#inputs[@]} -gt 0 ]] || continue
  mkdir -p "$out/merged/$fuzzer"
  say "merging ${#inputs[@]} corpora of $fuzzer"
  (cd "$out" && HARDALLOC_FUZZ_DIFF=none "$fuzz_dir/fuzz/$fuzzer" -merge=1 -timeout=30 \
     -rss_limit_mb=4096 -artifact_prefix="$out/merge-" "$out/merged/$fuzzer" "$root/corpus/$fuzzer" \
     "${inputs[@]}" >"$out/merge-$fuzzer.log" 2>&1) || true
  merged_count[$fuzzer]=$(ls "$out/merged/$fuzzer" | wc -l)
done

# ---- findings: one minimized trace per distinct finding --------------------------------
mkdir -p "$out/traces"
declare -A seen
declare -A findings_of
for run in "${runs[@]}"; do
  IFS='|' read -r name engine fuzzer _ environment <<<"$run"
  findings_of[$name]=0
  replay=$fuzz_dir/fuzz/ha_fuzz_replay  # a finding replays in the build that found it
  [[ $engine == afl ]] && replay=$afl_dir/fuzz/ha_fuzz_replay
  crash_files=("$out/$name"/crashes/* "$out/$name"/afl/*/crashes/id:*)
  for crash in "${crash_files[@]}"; do
    [[ -f $crash ]] || continue
    if [[ $fuzzer == fuzz_ops ]]; then
      # What the finding is, without addresses and op numbers: the key that makes it distinct.
      report=$(env $environment timeout 60 "$replay" --quiet "$crash" 2>&1 | grep -aE '^  \[|SUMMARY|ERROR' | head -1 || true)
      [[ -n $report ]] || report="crash of the harness process (no report)"
    else
      report=$("$fuzz_dir/fuzz/$fuzzer" "$crash" 2>&1 | grep -aE 'SUMMARY|ERROR' | head -1 || true)
    fi
    # Distinct = same run, same broken promise: the op, addresses and numbers do not count.
    key=$name:$(sed -E 's/op [0-9]+ \([^)]*\): //; s/0x[0-9a-f]+/ADDR/g; s/[0-9]+/N/g' <<<"$report")
    [[ -z ${seen[$key]:-} ]] || continue
    seen[$key]=1
    findings_of[$name]=$(( findings_of[$name] + 1 ))
    trace=$out/traces/$name-${findings_of[$name]}
    # (timeout: a target corrupted by the finding can hang while it is being minimized)
    if [[ $fuzzer == fuzz_ops ]] &&
       env $environment timeout 120 "$replay" --minimize "$crash" "$trace.trace" >"$trace.log" 2>&1; then
      say "finding in $name, minimized to $trace.trace: $report"
    else
      # The finding kills the replay driver too (a sanitizer report or a crash in process):
      # libFuzzer minimizes the bytes, and the text form follows.
      (cd "$out" && env $environment "$fuzz_dir/fuzz/$fuzzer" -minimize_crash=1 -max_total_time=$minimize_seconds \
         -exact_artifact_path="$trace.bin" "$crash" >"$trace.log" 2>&1) || true
      [[ -f $trace.bin ]] || cp "$crash" "$trace.bin"
      if [[ $fuzzer == fuzz_ops ]]; then
        { echo "# finding: $report"; "$replay" --to-text "$trace.bin"; } >"$trace.trace"
      fi
      say "finding in $name, minimized to $trace.bin: $report"
    fi
  done
done

# ---- summary ----------------------------------------------------------------------------
echo
printf '%-22s %-10s %-12s %10s %12s %10s %10s %9s\n' run engine fuzzer execs "execs/s" coverage corpus findings
for run in "${runs[@]}"; do
  IFS='|' read -r name engine fuzzer _ _ <<<"$run"
  read -r execs speed coverage crashes <<<"$(run_status "$name" "$engine")"
  corpus=${merged_count[$fuzzer]:-$(ls "$out/$name/corpus" 2>/dev/null | wc -l)}
  printf '%-22s %-10s %-12s %10s %12s %10s %10s %9s\n' "$name" "$engine" "$fuzzer" "$execs" "$speed" \
    "$coverage" "$corpus" "${findings_of[$name]}"
done
echo "(coverage: libFuzzer edges (cov), AFL++ bitmap share; corpus: inputs kept by the run, or"
echo " after merging, per fuzzer;"
echo " findings: distinct, each minimized in $out/traces)"
total=0
for name in "${!findings_of[@]}"; do total=$(( total + findings_of[$name] )); done
if [[ $total -gt 0 ]]; then
  echo "findings:"
  for trace in "$out"/traces/*; do
    [[ $trace == *.trace || ( $trace == *.bin && ! -f ${trace%.bin}.trace ) ]] || continue
    if [[ $trace == *.trace ]]; then echo "  $trace: $(head -1 "$trace")"; else echo "  $trace"; fi
  done
  exit 1
fi
echo "no findings"
