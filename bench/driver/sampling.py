"""Runs one workload once under one allocator and measures it: wall time around the child, its
CPU time (user + system, from the children's rusage; the driver runs one child at a time), and
the peak RSS the workload reports of itself (bench/common/peak_rss_report.cpp)."""

import dataclasses
import resource
import signal
import subprocess
import time
from pathlib import Path

from .allocators import Allocator

PEAK_RSS_METRIC = "peak_rss_kib"


@dataclasses.dataclass(frozen=True)
class Sample:
    seconds: float  # wall time
    cpu_seconds: float  # user + system time of the child and its threads
    metrics: dict[str, int]  # key=value lines the workload printed (peak_rss_kib, rss_end_kib)
    error: str  # '' when the workload succeeded

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def max_rss_kib(self) -> int:
        return self.metrics.get(PEAK_RSS_METRIC, 0)


def parse_metrics(stdout: str) -> dict[str, int]:
    metrics = {}
    for line in stdout.splitlines():
        key, separator, value = line.partition("=")
        if separator and value.strip().isdigit():
            metrics[key.strip()] = int(value)
    return metrics


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown"


def describe_failure(returncode: int, stderr: str) -> str:
    reason = (f"killed by signal {-returncode} ({signal_name(-returncode)})" if returncode < 0
              else f"exit status {returncode}")
    last_line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return f"{reason}: {last_line}" if last_line else reason


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(binary: Path, scale: float, allocator: Allocator, timeout_s: float) -> Sample:
    cpu_start = children_cpu_seconds()
    start = time.perf_counter()
    try:
        child = subprocess.run([str(binary), repr(scale)], env=allocator.environment(),
                               capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return Sample(time.perf_counter() - start, 0.0, {}, f"timed out after {timeout_s:g} s")
    seconds = time.perf_counter() - start
    cpu_seconds = children_cpu_seconds() - cpu_start
    metrics = parse_metrics(child.stdout)
    error = ""
    if child.returncode != 0:
        error = describe_failure(child.returncode, child.stderr)
    elif PEAK_RSS_METRIC not in metrics:
        error = f"no {PEAK_RSS_METRIC} in the output"
    return Sample(seconds, cpu_seconds, metrics, error)
