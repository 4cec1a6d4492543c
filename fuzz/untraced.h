// HA_FUZZ_UNTRACED: a function that clang's SanitizerCoverage (libFuzzer's edges and comparison
// tracing) and gcc's coverage leave out. For harness code whose branches say nothing about the
// target: thread timing (turn_counter.h), whose counts would make libFuzzer keep inputs for luck;
// and the word loops that write and compare patterns and copy counters, whose comparisons are the
// same for every input and cost a tracing call each (about a tenth of a libFuzzer run's time,
// measured with perf). Out of line, so that no instrumented caller inlines it back into coverage.
// AFL++'s instrumentation ignores the attribute: in the afl preset, code whose coverage must not
// follow timing is in HA_FUZZ_TIMING_SOURCES (fuzz/CMakeLists.txt), compiled uninstrumented.
#pragma once

#if defined(__clang__)
#define HA_FUZZ_UNTRACED __attribute__((noinline, no_sanitize("coverage")))
#else
#define HA_FUZZ_UNTRACED __attribute__((noinline, no_sanitize_coverage))
#endif
