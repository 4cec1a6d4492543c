#!/usr/bin/env bash
# A fuzzing campaign: builds the fuzzers, runs them for a given time on N cores (libFuzzer
# fork-mode workers, AFL++ -M/-S instances), shows progress, merges and minimizes the corpus,
# turns every distinct crash into a minimized text trace, and prints a summary. With --sync, the
# corpora and AFL++ instances live in a directory shared by several machines. Usage: --help.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/campaign.sh --quick [--target LIB.so] [--jobs N] [--ignore CLASS]... [--out DIR]
                         [--build-root DIR] [--no-build]
       tools/campaign.sh [--time SECONDS] [--jobs N] [--no-afl] [--target LIB.so]...
                         [--ignore CLASS]... [--out DIR] [--sync DIR] [--build-root DIR] [--no-build]

Builds the fuzzers (cmake presets fuzz and afl), fuzzes, then merges the corpora and turns
each distinct finding into a minimized text trace.

  --quick            about 1 minute of fuzzing (40 s) and no merge, plus the build (the first
                     one takes several minutes): fuzz_ops on hardalloc and on the system malloc,
                     or, with --target, on that library alone
  --time SECONDS     how long the campaign fuzzes (default 600: a full campaign takes about 12
                     minutes with the merge and minimizing, plus the build)
  --jobs N           processes fuzzing at any time, in all (default: all cores, nproc). Each run
                     (below) is one process; with more runs than N they take turns, N at a
                     time, each turn an equal share of the time; cores left over go to more
                     instances of fuzz_ops on hardalloc (libFuzzer and AFL++ -S in turn)
  --no-afl           libFuzzer only
  --target LIB.so    also fuzz an allocator library (HARDALLOC_FUZZ_TARGET, docs/fuzzing.md);
                     it must exist and define malloc; repeatable (--quick: at most once)
  --ignore CLASS     do not report this finding class (HARDALLOC_FUZZ_IGNORE): errno-on-failure,
                     null-on-satisfiable, errno-changed-by-free, new-handler; repeatable. For
                     known quirks of foreign allocators
  --out DIR          results (default BUILD_ROOT/campaign/DATE): a log, corpus and crashes
                     per run, build logs, merged/ (the merged corpus per fuzzer), traces/ (one
                     minimized trace per distinct finding, ready for corpus/regressions/)
  --sync DIR         join or start a campaign shared across machines through DIR (on NFS, or
                     synced with rsync): each run keeps its corpus in DIR/RUN/corpus (libFuzzer
                     reads and writes it) and its AFL++ instances in DIR/RUN (afl-fuzz -o), named
                     HOST_mN / HOST_sN; the first machine's first instance is the -M main, every
                     other one -S. Created if missing; findings and the summary stay this
                     machine's own
  --build-root DIR   build trees DIR/fuzz and DIR/afl (default: build)
  --no-build         use the build trees as they are (they must hold the fuzzers)
  -h, --help         this text

Runs, in this order: fuzz_ops on hardalloc (libFuzzer; AFL++ persistent unless --no-afl;
libFuzzer with free-running threads), on hardalloc's hardened build (libFuzzer: any report aborts,
so a false alarm is a finding), on the system malloc, fuzz_options (when hardalloc has its
hook), then each --target. libFuzzer runs in process and is restarted after a finding
until its time is up. A library target's child process runs while fuzz_ops waits for it, so
the pair counts as one process.

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

# A shared sync directory: created if missing, and it must be a writable directory.
check_sync_dir() {
  local dir=$1
  [[ ! -e $dir || -d $dir ]] || usage_error "--sync $dir: not a directory"
  mkdir -p "$dir" 2>/dev/null || usage_error "--sync $dir: cannot create the directory"
  [[ -w $dir ]] || usage_error "--sync $dir: not writable"
}

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=600
jobs=$(nproc)
quick=0
use_afl=1
do_build=1
extra_targets=()
ignored=()
out=""
sync=""
build_root=$root/build
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1; seconds=40; use_afl=0 ;;
    --time) value_of "$1" $# "${2-}"; positive_integer "$1" "$2"; seconds=$2; shift ;;
    --jobs) value_of "$1" $# "${2-}"; positive_integer "$1" "$2"; jobs=$2; shift ;;
    --no-afl) use_afl=0 ;;
    --no-build) do_build=0 ;;
    --target) value_of "$1" $# "${2-}"; check_library "$2"; extra_targets+=("$(realpath "$2")"); shift ;;
    --ignore) value_of "$1" $# "${2-}"; ignored+=("$2"); shift ;;
    --out) value_of "$1" $# "${2-}"; out=$2; shift ;;
    --sync) value_of "$1" $# "${2-}"; check_sync_dir "$2"; sync=$(realpath "$2"); shift ;;
    --build-root) value_of "$1" $# "${2-}"; build_root=$(realpath -m "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ $quick == 1 && ${#extra_targets[@]} -gt 1 ]] && usage_error "--quick fuzzes one --target, got ${#extra_targets[@]}"
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
  # Captured first: `ninja ... | grep -q` fails at random under pipefail (grep exits at the
  # first match, ninja dies of SIGPIPE), which silently dropped fuzz_options (FACTS.md).
  ninja_targets=$(ninja -C "$fuzz_dir" -t targets all 2>/dev/null || true)
  if grep -q '^fuzz_options:' <<<"$ninja_targets"; then
    have_options=1
    build fuzz "$fuzz_dir" fuzz_options
  fi
  if [[ $use_afl == 1 ]]; then
    build afl "$afl_dir" fuzz_ops ha_fuzz_child ha_fuzz_replay ha_afl_op_mutator
  fi
else
  require_built "$fuzz_dir/fuzz/fuzz_ops" "$fuzz_dir/fuzz/ha_fuzz_replay"
  [[ -x $fuzz_dir/fuzz/fuzz_options ]] && have_options=1
  [[ $use_afl == 1 ]] && require_built "$afl_dir/fuzz/fuzz_ops" "$afl_dir/fuzz/ha_fuzz_replay" \
    "$afl_dir/fuzz/libha_afl_op_mutator.so"
fi

# Every run gets the ignored classes; the fuzzers' own reader checks the names.
ignore_environment=""
if [[ ${#ignored[@]} -gt 0 ]]; then
  ignore_environment="HARDALLOC_FUZZ_IGNORE=$(IFS=,; echo "${ignored[*]}")"
  check=$(env $ignore_environment "$fuzz_dir/fuzz/ha_fuzz_replay" --quiet "$root/corpus/fuzz_ops/threads" 2>&1) ||
    [[ $? != 2 ]] || usage_error "--ignore: ${check#*error: }"
fi

# ---- runs -------------------------------------------------------------------------------
# A run: name|engine|fuzzer|instances|environment (space-separated VAR=value). Each instance
# is one process.
runs=()
if [[ $quick == 1 && ${#extra_targets[@]} -eq 1 ]]; then
  :  # the library alone, below
elif [[ $quick == 1 ]]; then
  runs+=("ops-hardalloc|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=hardalloc")
  runs+=("ops-system|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=system")
else
  runs+=("ops-hardalloc|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=hardalloc")
  [[ $use_afl == 1 ]] && runs+=("ops-hardalloc-afl|afl|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=hardalloc")
  runs+=("ops-hardalloc-free|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=hardalloc HARDALLOC_FUZZ_MODE=free")
  runs+=("ops-hardalloc-hardened|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=hardalloc-hardened")
  runs+=("ops-system|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=system")
  [[ $have_options == 1 ]] && runs+=("options|libfuzzer|fuzz_options|1|")
fi
for library in "${extra_targets[@]}"; do
  runs+=("ops-$(basename "$library" .so)|libfuzzer|fuzz_ops|1|HARDALLOC_FUZZ_TARGET=$library HARDALLOC_FUZZ_DIFF=none")
done

# Cores left over when every run has one: more instances of the first runs (fuzz_ops on
# hardalloc: libFuzzer, then AFL++), in turn.
spare=$(( jobs - ${#runs[@]} ))
grown=$(( ${#runs[@]} < 2 ? ${#runs[@]} : 2 ))
for ((extra = 0; extra < spare; ++extra)); do
  index=$(( extra % grown ))
  IFS='|' read -r name engine fuzzer instances environment <<<"${runs[$index]}"
  runs[$index]="$name|$engine|$fuzzer|$(( instances + 1 ))|$environment"
done
# More runs than jobs: turns of `jobs` runs each, sharing the time.
turns=$(( (${#runs[@]} + jobs - 1) / jobs ))
turn_seconds=$(( seconds / turns > 0 ? seconds / turns : 1 ))

# Where a run's corpus and AFL++ output live: under --out, or shared under --sync, where this
# machine's AFL++ instances are the ones named after its host (AFL++ allows [A-Za-z0-9_-]).
host=$(hostname -s 2>/dev/null || hostname)
host=${host//[^A-Za-z0-9_-]/_}
corpus_dir() { if [[ -n $sync ]]; then echo "$sync/$1/corpus"; else echo "$out/$1/corpus"; fi; }
afl_out_dir() { if [[ -n $sync ]]; then echo "$sync/$1"; else echo "$out/$1/afl"; fi; }
own_instances() { if [[ -n $sync ]]; then echo "${host}_"; fi; }

# An AFL++ instance's role: one -M per output directory. Shared, the machine that creates
# main.host first keeps the main instance, also when it joins again.
afl_role() {  # output dir, instance
  local dir=$1 instance=$2
  if [[ -z $sync ]]; then
    if [[ $instance == 0 ]]; then echo "-M main"; else echo "-S s$instance"; fi
    return
  fi
  if [[ $instance == 0 ]] && { (set -o noclobber; echo "$host" >"$dir/main.host") 2>/dev/null ||
                               [[ $(cat "$dir/main.host") == "$host" ]]; }; then
    echo "-M ${host}_m0"
  else
    echo "-S ${host}_s$instance"
  fi
}

pids=()
# libFuzzer in process, restarted after each finding (a failing exit) until the deadline: one
# process at a time.
libfuzzer_loop() {  # dir, corpus, fuzzer, environment, deadline, instance
  local dir=$1 corpus=$2 fuzzer=$3 environment=$4 deadline=$5 instance=$6 left
  local dict=$root/corpus/$fuzzer.dict seeds=$root/corpus/$fuzzer
  cd "$dir" || return
  while left=$(( deadline - $(date +%s) )) && [[ $left -gt 0 ]]; do
    env $environment $ignore_environment "$fuzz_dir/fuzz/$fuzzer" -max_total_time="$left" -timeout=30 \
      -rss_limit_mb=4096 -print_final_stats=1 -dict="$dict" -artifact_prefix="$dir/crashes/" \
      "$corpus" "$seeds" >>"$dir/log.$instance" 2>&1 && return
  done
}

start_run() {
  local name=$1 engine=$2 fuzzer=$3 instances=$4 environment=$5
  local dir=$out/$name instance afl_out
  afl_out=$(afl_out_dir "$name")
  mkdir -p "$dir/crashes" "$(corpus_dir "$name")"
  [[ $engine == afl ]] && mkdir -p "$afl_out"
  local seeds=$root/corpus/$fuzzer dict=$root/corpus/$fuzzer.dict
  for ((instance = 0; instance < instances; ++instance)); do
    if [[ $engine == libfuzzer ]]; then
      libfuzzer_loop "$dir" "$(corpus_dir "$name")" "$fuzzer" "$environment" $(( $(date +%s) + turn_seconds )) "$instance" &
    else
      local role mutator=""
      role=$(afl_role "$afl_out" "$instance")
      # fuzz_ops inputs are op streams: AFL++ mutates them op by op as well (fuzz/op_mutator.h).
      [[ $fuzzer == fuzz_ops ]] && mutator="AFL_CUSTOM_MUTATOR_LIBRARY=$afl_dir/fuzz/libha_afl_op_mutator.so"
      # AFL_AUTORESUME: an instance joining a shared directory again resumes its own queue.
      (env $environment $ignore_environment $mutator AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
         AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1 afl-fuzz $role -i "$seeds" -o "$afl_out" \
         -x "$dict" -V "$turn_seconds" -t 30000 -m none -- "$afl_dir/fuzz/$fuzzer" >"$dir/log.$instance" 2>&1) &
    fi
    pids+=($!)
  done
}

# Prints "execs seconds coverage crashes" for a run from its logs: execs summed over every
# libFuzzer process (the last "#N" before each restart) or AFL++ instance.
run_status() {
  local name=$1 engine=$2
  local dir=$out/$name crashes crash_dirs=("$out/$name") afl_crashes
  for afl_crashes in "$(afl_out_dir "$name")/$(own_instances)"*/crashes; do
    [[ -d $afl_crashes ]] && crash_dirs+=("$afl_crashes")
  done
  crashes=$(find "${crash_dirs[@]}" -path '*crashes/*' -type f ! -name README.txt | sort -u | wc -l)
  if [[ $engine == libfuzzer ]]; then
    cat "$dir"/log.* 2>/dev/null | awk -v crashes="$crashes" -v seconds="$turn_seconds" '
      /^INFO: Seed:/ { total += last; last = 0 }
      /^#[0-9]+/ { n = substr($1, 2); sub(/:$/, "", n); last = n + 0
                   for (i = 1; i <= NF; ++i) if ($i == "cov:") cov = $(i + 1) }
      END { print total + last, seconds, cov + 0, crashes }'
  else
    local execs=0 coverage=0 stats
    for stats in "$(afl_out_dir "$name")/$(own_instances)"*/fuzzer_stats; do
      [[ -f $stats ]] || continue
      execs=$(( execs + $(awk '/^execs_done/ {print $3}' "$stats") ))
      coverage=$(awk '/^bitmap_cvg/ {print $3}' "$stats")
    done
    echo "$execs $turn_seconds $coverage $crashes"
  fi
}

say "fuzzing for $seconds s with $jobs processes: ${#runs[@]} runs in $turns turn(s) of $turn_seconds s; results in $out"
began=$(date +%s)
for ((turn = 0; turn < turns; ++turn)); do
  pids=()
  turn_runs=("${runs[@]:$(( turn * jobs )):$jobs}")
  for run in "${turn_runs[@]}"; do
    IFS='|' read -r name engine fuzzer instances environment <<<"$run"
    say "start $name ($engine, $instances process(es))"
    start_run "$name" "$engine" "$fuzzer" "$instances" "$environment"
  done
  # Progress every 10 s; the fuzzers are polled every second, so a turn ends when they do.
  next_report=$(( $(date +%s) + 10 ))
  while true; do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 1
    [[ $(date +%s) -ge $next_report ]] || continue
    next_report=$(( next_report + 10 ))
    line="progress $(( $(date +%s) - began ))s:"
    for run in "${turn_runs[@]}"; do
      IFS='|' read -r name engine _ _ _ <<<"$run"
      read -r execs _ coverage crashes <<<"$(run_status "$name" "$engine")"
      line+="  $name execs=$execs cov=$coverage crashes=$crashes"
    done
    say "$line"
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
done

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
    [[ -d $(corpus_dir "$name") ]] && inputs+=("$(corpus_dir "$name")")
    for queue in "$(afl_out_dir "$name")"/*/queue; do [[ -d $queue ]] && inputs+=("$queue"); done
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
# Distinct = the same kind of broken promise (target and verdict, the message without numbers
# and addresses), on the same op kind, with the same top three stack frames (a sanitizer report
# or a crash of the harness): two different SEGVs stay two findings, one bug found by many
# inputs is one.
finding_key() {  # report of a replay
  local report=$1 line op frames
  line=$(grep -aE '^  \[' <<<"$report" | head -1 || true)
  [[ -n $line ]] || line=$(grep -aE 'SUMMARY|ERROR' <<<"$report" | head -1 || true)
  [[ -n $line ]] || line="crash of the harness process (no report)"
  op=$(sed -nE 's/.*op [0-9]+ \(([a-z_]+)[ )].*/\1/p' <<<"$line" | head -1)
  frames=$(grep -aE '^ *#[0-9]+ 0x[0-9a-f]+ in ' <<<"$report" | head -3 | sed -E 's/.* in ([^ ]+).*/\1/' |
    tr '\n' ' ' || true)
  # A library child's crash names its op ("in op N (kind operands)") and its stack ("; stack:
  # f+0xOFFSET (file) < ..."): the frames are the stack's top three functions and files.
  if [[ -z $frames && $line == *'; stack: '* ]]; then
    frames=$(sed -E 's/.*; stack: //; s/ < /\n/g' <<<"$line" | head -3 | sed -E 's/\+0x[0-9a-f]+ \(([^)]*)\)/@\1/' |
      tr '\n' ' ' || true)
  fi
  line=$(sed -E 's/op [0-9]+ \([^)]*\): //; s/ in op [0-9]+ \([^)]*\)//; s/; stack: .*//; s/0x[0-9a-f]+/ADDR/g; s/[0-9]+/N/g' \
    <<<"$line")
  printf '%s|%s|%s' "$line" "$op" "$frames"
}

mkdir -p "$out/traces"
declare -A seen
declare -A findings_of
declare -A engine_findings
trace_count=0
for run in "${runs[@]}"; do
  IFS='|' read -r name engine fuzzer _ environment <<<"$run"
  findings_of[$name]=0
  replay=$fuzz_dir/fuzz/ha_fuzz_replay  # a finding replays in the build that found it
  [[ $engine == afl ]] && replay=$afl_dir/fuzz/ha_fuzz_replay
  crash_files=("$out/$name"/crashes/* "$(afl_out_dir "$name")/$(own_instances)"*/crashes/id:*)
  for crash in "${crash_files[@]}"; do
    [[ -f $crash ]] || continue
    if [[ $fuzzer == fuzz_ops ]]; then
      report=$(env $environment $ignore_environment timeout 60 "$replay" --quiet "$crash" 2>&1 || true)
    else
      report=$("$fuzz_dir/fuzz/$fuzzer" "$crash" 2>&1 || true)
    fi
    # libFuzzer's RSS limit, not a finding, when the input replays clean (the ASan build's RSS
    # grows with the inputs run: docs/fuzzing.md, Speed).
    [[ $(basename "$crash") == oom-* && $report != *FINDING* ]] && continue
    key=$(finding_key "$report")
    first_line=${key%%|*}
    if [[ -z ${engine_findings["$engine|$key"]:-} ]]; then
      engine_findings["$engine|$key"]=1
      findings_of[$name]=$(( findings_of[$name] + 1 ))
    fi
    [[ -z ${seen[$key]:-} ]] || continue
    seen[$key]=1
    trace_count=$(( trace_count + 1 ))
    trace=$out/traces/$name-$trace_count
    # (timeout: a target corrupted by the finding can hang while it is being minimized)
    if [[ $fuzzer == fuzz_ops ]] &&
       env $environment $ignore_environment timeout 120 "$replay" --minimize "$crash" "$trace.trace" >"$trace.log" 2>&1; then
      say "finding in $name, minimized to $trace.trace: $first_line"
    else
      # The finding kills the replay driver too (a sanitizer report or a crash in process):
      # libFuzzer minimizes the bytes, and the text form follows.
      (cd "$out" && env $environment $ignore_environment "$fuzz_dir/fuzz/$fuzzer" -minimize_crash=1 \
         -max_total_time=$minimize_seconds -exact_artifact_path="$trace.bin" "$crash" >"$trace.log" 2>&1) || true
      [[ -f $trace.bin ]] || cp "$crash" "$trace.bin"
      if [[ $fuzzer == fuzz_ops ]]; then
        { echo "# finding: $first_line"; "$replay" --to-text "$trace.bin"; } >"$trace.trace"
      fi
      say "finding in $name, minimized to $trace.bin: $first_line"
    fi
  done
done

# ---- summary: per run, then per engine --------------------------------------------------
echo
printf '%-22s %-10s %-12s %9s %10s %10s %10s %10s %9s\n' run engine fuzzer processes execs "execs/s" coverage \
  corpus findings
declare -A engine_execs engine_seconds
for run in "${runs[@]}"; do
  IFS='|' read -r name engine fuzzer instances _ <<<"$run"
  read -r execs run_seconds coverage _ <<<"$(run_status "$name" "$engine")"
  corpus=${merged_count[$fuzzer]:-$(ls "$(corpus_dir "$name")" 2>/dev/null | wc -l)}
  printf '%-22s %-10s %-12s %9s %10s %10s %10s %10s %9s\n' "$name" "$engine" "$fuzzer" "$instances" "$execs" \
    "$(( execs / run_seconds ))" "$coverage" "$corpus" "${findings_of[$name]}"
  engine_execs[$engine]=$(( ${engine_execs[$engine]:-0} + execs ))
  engine_seconds[$engine]=$(( ${engine_seconds[$engine]:-0} + run_seconds * instances ))
done
echo
printf '%-10s %12s %16s %9s\n' engine execs "execs/s/process" findings
for engine in libfuzzer afl; do
  [[ -n ${engine_execs[$engine]:-} ]] || continue
  count=0
  for key in "${!engine_findings[@]}"; do [[ $key == "$engine|"* ]] && count=$(( count + 1 )); done
  printf '%-10s %12s %16s %9s\n' "$engine" "${engine_execs[$engine]}" \
    "$(( engine_execs[$engine] / engine_seconds[$engine] ))" "$count"
done
echo "(coverage: libFuzzer edges (cov), AFL++ bitmap share; corpus: inputs kept by the run, or"
echo " after merging, per fuzzer; findings: distinct by kind, op and top stack frames, each"
echo " minimized in $out/traces)"
if [[ $trace_count -gt 0 ]]; then
  echo "findings:"
  for trace in "$out"/traces/*; do
    [[ $trace == *.trace || ( $trace == *.bin && ! -f ${trace%.bin}.trace ) ]] || continue
    if [[ $trace == *.trace ]]; then echo "  $trace: $(head -1 "$trace")"; else echo "  $trace"; fi
  done
  exit 1
fi
echo "no findings"
