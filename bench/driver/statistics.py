"""Medians, spreads, ratios and geometric means over the samples of a benchmark run."""

import dataclasses
import math
import statistics

from .sampling import Sample


@dataclasses.dataclass(frozen=True)
class Summary:
    """One workload under one allocator, over its rounds."""
    seconds: float  # median wall time
    cpu_seconds: float  # median CPU time
    spread_pct: float  # of the chosen clock: (slowest - fastest) / median, in percent
    max_rss_kib: float  # median peak RSS
    rss_end_kib: float | None  # median RSS at the end, for workloads that report it
    rounds: int
    error: str  # the first failure, '' if every round succeeded

    @property
    def ok(self) -> bool:
        return not self.error


def summarize(samples: list[Sample], clock: str) -> Summary:
    """clock ('seconds' or 'cpu_seconds') is the time the spread is computed on."""
    failures = [sample.error for sample in samples if not sample.ok]
    if failures or not samples:
        return Summary(math.nan, math.nan, math.nan, math.nan, None, len(samples),
                       failures[0] if failures else "not run")
    times = [getattr(sample, clock) for sample in samples]
    ends = [sample.metrics["rss_end_kib"] for sample in samples if "rss_end_kib" in sample.metrics]
    return Summary(
        seconds=statistics.median(sample.seconds for sample in samples),
        cpu_seconds=statistics.median(sample.cpu_seconds for sample in samples),
        spread_pct=100.0 * (max(times) - min(times)) / statistics.median(times),
        max_rss_kib=statistics.median(sample.max_rss_kib for sample in samples),
        rss_end_kib=statistics.median(ends) if ends else None,
        rounds=len(samples),
        error="",
    )


def ratio(value: float | None, reference: float | None) -> float:
    """value / reference, NaN when either is missing."""
    if value is None or reference is None or math.isnan(value) or math.isnan(reference):
        return math.nan
    return value / reference


def geometric_mean(values: list[float]) -> float:
    present = [value for value in values if not math.isnan(value)]
    if not present:
        return math.nan
    return math.exp(sum(math.log(value) for value in present) / len(present))
