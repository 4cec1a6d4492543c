"""The outcome of a timed benchmark run: a summary per workload and allocator, with the ratios
to the reference allocator that every table and summary line is built from."""

import dataclasses
import math
import statistics

from .allocators import Allocator
from .statistics import Summary, geometric_mean, ratio
from .workloads import Workload

# The targets of issue 4 for libhardalloc.so, checked on every run that includes it.
HARDALLOC = "hardalloc"
TIME_GEOMEAN_TARGET = 1.00
TIME_WORST_TARGET = 1.25
RSS_GEOMEAN_TARGET = 1.10
# ... and for any other hardalloc build (the hardened one): within these of libhardalloc.so.
BUILD_TIME_GEOMEAN_TARGET = 1.10
BUILD_RSS_GEOMEAN_TARGET = 1.25
SCUDO = "scudo"


@dataclasses.dataclass(frozen=True)
class Results:
    workloads: list[Workload]
    allocators: list[Allocator]
    summaries: dict[tuple[str, str], Summary]  # (workload name, allocator name)
    reference: str
    clock: str  # the time every time ratio uses: 'seconds' (wall) or 'cpu_seconds'

    def allocator(self, name: str) -> Allocator:
        return next(allocator for allocator in self.allocators if allocator.name == name)

    def summary(self, workload: Workload, allocator_name: str) -> Summary | None:
        return self.summaries.get((workload.name, allocator_name))

    def _value(self, workload: Workload, allocator_name: str, field: str) -> float | None:
        summary = self.summary(workload, allocator_name)
        return None if summary is None or not summary.ok else getattr(summary, field)

    def ratio(self, workload: Workload, allocator_name: str, field: str,
              against: str | None = None) -> float:
        """field ('seconds', 'cpu_seconds', 'max_rss_kib', 'rss_end_kib') of the allocator divided
        by that of `against` (the reference by default); NaN when either failed or did not run."""
        return ratio(self._value(workload, allocator_name, field),
                     self._value(workload, against or self.reference, field))

    def ratios(self, allocator_name: str, field: str, against: str | None = None) -> list[float]:
        return [self.ratio(workload, allocator_name, field, against) for workload in self.workloads]

    def failures(self, allocator_name: str) -> list[tuple[Workload, str]]:
        failed = []
        for workload in self.workloads:
            summary = self.summary(workload, allocator_name)
            if summary is not None and not summary.ok:
                failed.append((workload, summary.error))
        return failed


def _worst(results: Results, ratios: list[float]) -> tuple[float, str]:
    present = [(value, workload.name) for value, workload in zip(ratios, results.workloads)
               if not math.isnan(value)]
    return max(present) if present else (math.nan, "-")


def summary_line(results: Results, allocator: Allocator) -> str:
    time_ratios = results.ratios(allocator.name, results.clock)
    rss_ratios = results.ratios(allocator.name, "max_rss_kib")
    worst, worst_name = _worst(results, time_ratios)
    counted = sum(not math.isnan(value) for value in time_ratios)
    is_reference = allocator.name == results.reference
    worst_text = "" if is_reference else f" (worst {worst:.2f}x {worst_name})"
    line = (f"{allocator.name:<12} time geomean {geometric_mean(time_ratios):5.2f}x "
            f"{results.reference}{worst_text}, peak RSS geomean "
            f"{geometric_mean(rss_ratios):5.2f}x {results.reference}, "
            f"over {counted}/{len(results.workloads)} workloads")
    failures = results.failures(allocator.name)
    if failures:
        line += ("; FAILED: " if allocator.is_ours else "; did not complete: ") + ", ".join(
            workload.name for workload, _ in failures)
    return line


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _preface(results: Results, allocator_name: str) -> str:
    """A build that failed a workload has missed every target, whatever its ratios elsewhere;
    the ratios then cover the other workloads. Workloads the reference failed are not counted."""
    failed = [workload.name for workload, _ in results.failures(allocator_name)]
    unreferenced = [workload.name for workload, _ in results.failures(results.reference)]
    preface = f"targets for {allocator_name}: "
    if failed:
        preface += f"MISSED, it failed {', '.join(failed)}; on the other workloads: "
    if unreferenced:
        preface += f"(without {', '.join(unreferenced)}, failed by {results.reference}) "
    return preface


def _against(value: float, target: float) -> str:
    return f"{value:.2f}x (target <= {target:.2f}x: {_verdict(value <= target)})"


def target_lines(results: Results) -> list[str]:
    """How libhardalloc.so and the other hardalloc builds stand against issue 4's targets."""
    names = [allocator.name for allocator in results.allocators]
    lines = []
    if HARDALLOC in names and results.reference in names:
        time_ratios = results.ratios(HARDALLOC, results.clock)
        rss_ratios = results.ratios(HARDALLOC, "max_rss_kib")
        worst, worst_name = _worst(results, time_ratios)
        lines.append(
            _preface(results, HARDALLOC)
            + "time geomean " + _against(geometric_mean(time_ratios), TIME_GEOMEAN_TARGET)
            + f", worst {worst_name} " + _against(worst, TIME_WORST_TARGET)
            + ", peak RSS geomean " + _against(geometric_mean(rss_ratios), RSS_GEOMEAN_TARGET))
    for allocator in results.allocators:
        if (not allocator.under_test or allocator.variant_of or allocator.name == HARDALLOC
                or HARDALLOC not in names):
            continue  # a variant is judged against its base (variant_lines), not by these
        versus_hardalloc = results.ratios(allocator.name, results.clock, against=HARDALLOC)
        rss_versus_hardalloc = results.ratios(allocator.name, "max_rss_kib", against=HARDALLOC)
        line = (_preface(results, allocator.name) + "time geomean vs hardalloc "
                + _against(geometric_mean(versus_hardalloc), BUILD_TIME_GEOMEAN_TARGET)
                + ", peak RSS geomean vs hardalloc "
                + _against(geometric_mean(rss_versus_hardalloc), BUILD_RSS_GEOMEAN_TARGET))
        if SCUDO in names:
            versus_scudo = results.ratios(allocator.name, results.clock, against=SCUDO)
            slower = [workload.name for value, workload in zip(versus_scudo, results.workloads)
                      if value >= 1.0]
            line += (f", faster than scudo everywhere: {_verdict(not slower)}"
                     + (f" (not on: {', '.join(slower)})" if slower else ""))
        lines.append(line)
    return lines


def _per_round_geomeans(results: Results, samples: list[tuple], name: str, against: str,
                        workloads: list[Workload]) -> list[float]:
    """For each round, the geometric mean over `workloads` of name's time / against's time in
    that round. The rounds are interleaved, so the two runs of a pair saw the same machine."""
    times = {(workload.name, allocator_name, round_index): getattr(sample, results.clock)
             for workload, allocator_name, round_index, sample in samples if sample.ok}
    geomeans = []
    for round_index in sorted({round_index for _, _, round_index, _ in samples}):
        ratios = [ratio(times.get((workload.name, name, round_index)),
                        times.get((workload.name, against, round_index)))
                  for workload in workloads]
        if ratios and not any(math.isnan(value) for value in ratios):
            geomeans.append(geometric_mean(ratios))
    return geomeans


def variant_lines(results: Results, samples: list[tuple]) -> list[str]:
    """Each variant (--variant) against its base, over the workloads both completed: the time
    geomean of the medians, then the same geomean taken round by round, median and range, which
    shows whether a difference of a few percent (issue 12's 2%) stands out of the noise."""
    names = [allocator.name for allocator in results.allocators]
    lines = []
    for allocator in results.allocators:
        base = allocator.variant_of
        if not base or base not in names:
            continue
        completed = [workload for workload in results.workloads
                     if all(summary is not None and summary.ok
                            for summary in (results.summary(workload, allocator.name),
                                            results.summary(workload, base)))]
        time_ratios = [results.ratio(workload, allocator.name, results.clock, against=base)
                       for workload in completed]
        rss_ratios = [results.ratio(workload, allocator.name, "max_rss_kib", against=base)
                      for workload in completed]
        rounds = _per_round_geomeans(results, samples, allocator.name, base, completed)
        per_round = (f"per round {statistics.median(rounds):.3f}x, range {min(rounds):.3f}x.."
                     f"{max(rounds):.3f}x over {len(rounds)} rounds" if rounds else "no full round")
        lines.append(
            f"variant {allocator.name} = {base} with HARDALLOC_OPTIONS='{allocator.options}': "
            f"time geomean {geometric_mean(time_ratios):.3f}x {base} ({per_round}), "
            f"peak RSS geomean {geometric_mean(rss_ratios):.3f}x {base}, "
            f"over {len(completed)}/{len(results.workloads)} workloads")
    return lines
