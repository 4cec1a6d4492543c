// HA_FUZZ_UNTRACED: a function the fuzzing engines' coverage instrumentation leaves out (edges
// and comparison tracing). For harness code whose branches say nothing about the target: thread
// timing (turn_counter.h), whose counts would make libFuzzer keep inputs for luck; and the
// word loops that write and compare patterns and copy counters, whose comparisons are the same
// for every input and cost a tracing call each (a tenth of a libFuzzer run's time, measured
// with perf). Out of line, so that no instrumented caller inlines it back into coverage.
#pragma once

#if defined(__clang__)
#define HA_FUZZ_UNTRACED __attribute__((noinline, no_sanitize("coverage")))
#else
#define HA_FUZZ_UNTRACED __attribute__((noinline, no_sanitize_coverage))
#endif
