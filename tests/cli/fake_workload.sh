#!/usr/bin/env bash
# A stand-in for a bench_* workload, for bench_outcomes_cli.sh: installed as bench_pairs,
# bench_mixed and bench_larson in a scratch directory. It logs the allocator environment it was
# given ("LD_PRELOAD HARDALLOC_OPTIONS" to $FAKE_LOG) and reports a peak RSS, except under a
# library whose path contains $FAKE_MISBEHAVE, where each name fails its own way: pairs outlives
# any timeout, mixed dies of SIGSEGV, larson gives a wrong answer.
[[ ${1:-} == 0.000001 ]] && exit 0 # bench/run.py's probe: does the library preload?
echo "${LD_PRELOAD:-none} ${HARDALLOC_OPTIONS-unset}" >>"$FAKE_LOG"
if [[ -n ${FAKE_MISBEHAVE:-} && ${LD_PRELOAD:-} == *"$FAKE_MISBEHAVE"* ]]; then
  case $(basename "$0") in
    bench_pairs) exec sleep 60 ;;
    bench_mixed) kill -SEGV $$ ;;
    bench_larson)
      echo "bench: FAILED: wrong answer" >&2
      exit 3
      ;;
  esac
fi
echo "peak_rss_kib=1000"
