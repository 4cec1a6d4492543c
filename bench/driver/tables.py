"""Tables of a timed run, rendered as aligned text for the terminal and as Markdown for
docs/benchmarks.md, and written as CSV."""

import csv
import math
from pathlib import Path

from .allocators import Allocator
from .results import Results
from .sampling import Sample
from .workloads import RSS_END_WORKLOAD, Workload


def format_seconds(seconds: float) -> str:
    return f"{seconds:.3f}s" if seconds < 10 else f"{seconds:.1f}s"


def format_kib(kib: float) -> str:
    return f"{kib / 1024:.1f}M" if kib >= 1024 else f"{kib:.0f}K"


def format_ratio(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}x"


def failure_word(allocator: Allocator) -> str:
    """FAIL under a build of ours (a bug: the driver fails), DNF ("did not complete") under an
    anchor (a finding about it, footnoted with the reason)."""
    return "FAIL" if allocator.is_ours else "DNF"


def failure_notes(results: Results) -> list[str]:
    """One line per workload that failed or did not complete under an allocator, with the
    reason: the footnotes of the FAIL and DNF cells."""
    notes = []
    for allocator in results.allocators:
        for workload, error in results.failures(allocator.name):
            notes.append(f"{failure_word(allocator)}: {allocator.name} on {workload.name}: {error}")
    if notes:
        notes.insert(0, "FAIL = failed under a build of ours or glibc; DNF = did not complete "
                        "(timeout, exit status or signal); neither is in any ratio or geomean:")
    return notes


def _cell(results: Results, workload: Workload, allocator_name: str, field: str) -> str:
    summary = results.summary(workload, allocator_name)
    if summary is None:
        return "-"
    if not summary.ok:
        return failure_word(results.allocator(allocator_name))
    ratio = format_ratio(results.ratio(workload, allocator_name, field))
    if field == results.clock:
        return f"{format_seconds(getattr(summary, field))} {ratio} ±{summary.spread_pct:.0f}%"
    return f"{format_kib(getattr(summary, field))} {ratio}"


def time_table(results: Results) -> list[list[str]]:
    """Rows of median time, ratio to the reference and spread; the first row is the header."""
    names = [allocator.name for allocator in results.allocators]
    clock = "wall" if results.clock == "seconds" else "CPU"
    rows = [[f"{clock} time (median, ratio, spread)"] + names]
    for workload in results.workloads:
        rows.append([workload.label] + [_cell(results, workload, name, results.clock)
                                        for name in names])
    return rows


def memory_table(results: Results) -> list[list[str]]:
    """Rows of median peak RSS and ratio to the reference, plus the RSS left at the end of the
    fragmentation workload."""
    names = [allocator.name for allocator in results.allocators]
    rows = [["peak RSS (median, ratio)"] + names]
    for workload in results.workloads:
        rows.append([workload.label] + [_cell(results, workload, name, "max_rss_kib")
                                        for name in names])
        if workload.name == RSS_END_WORKLOAD:
            rows.append([f"{workload.label}: RSS at end"] +
                        [_cell(results, workload, name, "rss_end_kib") for name in names])
    return rows


def render_text(rows: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width)
                                            for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |",
             "|" + "---|" + "---:|" * (len(rows[0]) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def write_samples_csv(path: Path, samples: list[tuple[Workload, str, int, Sample]]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["workload", "allocator", "round", "seconds", "cpu_seconds",
                         "max_rss_kib", "rss_end_kib", "error"])
        for workload, allocator_name, round_index, sample in samples:
            writer.writerow([workload.name, allocator_name, round_index, f"{sample.seconds:.6f}",
                             f"{sample.cpu_seconds:.6f}", sample.max_rss_kib,
                             sample.metrics.get("rss_end_kib", ""),
                             sample.error])


def write_results_csv(path: Path, results: Results) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["workload", "allocator", "rounds", "median_seconds",
                         "median_cpu_seconds", f"{results.clock}_spread_pct",
                         f"time_vs_{results.reference}", "median_max_rss_kib",
                         f"rss_vs_{results.reference}", "median_rss_end_kib", "error"])
        for workload in results.workloads:
            for allocator in results.allocators:
                summary = results.summary(workload, allocator.name)
                if summary is None:
                    continue
                writer.writerow([
                    workload.name, allocator.name, summary.rounds, f"{summary.seconds:.6f}",
                    f"{summary.cpu_seconds:.6f}", f"{summary.spread_pct:.1f}",
                    f"{results.ratio(workload, allocator.name, results.clock):.4f}",
                    f"{summary.max_rss_kib:.0f}",
                    f"{results.ratio(workload, allocator.name, 'max_rss_kib'):.4f}",
                    "" if summary.rss_end_kib is None else f"{summary.rss_end_kib:.0f}",
                    summary.error])
