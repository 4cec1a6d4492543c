"""The timed modes (quick, full, smoke): every workload under every allocator in interleaved
rounds, then tables, CSV, Markdown and the chart (smoke: pass or fail only)."""

import argparse
import os
import sys
from pathlib import Path

from . import chart, machine, tables
from .results import Results, summary_line, target_lines, variant_lines
from .sampling import run_once
from .statistics import summarize

MODES = {  # name: (scale, rounds)
    "quick": (1.0, 3),
    "full": (3.0, 5),
    "smoke": (0.1, 1),
}


def run_rounds(bench_dir: Path, chosen_allocators: list, chosen_workloads: list, scale: float,
               rounds: int, timeout_s: float | None = None) -> list[tuple]:
    """Every (workload, allocator name, round, sample), interleaved: each round runs every
    workload under every allocator. A run longer than timeout_s (each allocator's own limit
    when None), times the scale when above 1, is stopped and did not complete. Progress goes to
    stderr, one line a run."""
    samples = []
    total = rounds * len(chosen_workloads) * len(chosen_allocators)
    failed_once = set()
    name_width = max(len(allocator.name) for allocator in chosen_allocators)
    for round_index in range(1, rounds + 1):
        for workload in chosen_workloads:
            binary = bench_dir / f"bench_{workload.name}"
            for allocator in chosen_allocators:
                if (workload.name, allocator.name) in failed_once:
                    total -= 1
                    continue  # a failure is final; no point timing it again
                limit_s = (timeout_s or allocator.timeout_s) * max(1.0, scale)
                sample = run_once(binary, scale, allocator, limit_s)
                samples.append((workload, allocator.name, round_index, sample))
                outcome = (f"{tables.format_seconds(sample.seconds):>8} "
                           f"{tables.format_kib(sample.max_rss_kib):>7}" if sample.ok
                           else f"{tables.failure_word(allocator)}: {sample.error}")
                print(f"[{len(samples):>4}/{total}] round {round_index}/{rounds} "
                      f"{workload.name:<18} {allocator.name:<{name_width}} {outcome}",
                      file=sys.stderr, flush=True)
                if not sample.ok:  # a timeout too: the next round would wait as long again
                    failed_once.add((workload.name, allocator.name))
    return samples


def summarize_samples(samples: list[tuple], chosen_allocators: list, chosen_workloads: list,
                      clock: str) -> dict:
    """(workload name, allocator name) -> Summary of its rounds."""
    summaries = {}
    for workload in chosen_workloads:
        for allocator in chosen_allocators:
            summaries[(workload.name, allocator.name)] = summarize(
                [sample for w, name, _, sample in samples
                 if w.name == workload.name and name == allocator.name], clock)
    return summaries


def run(arguments: argparse.Namespace, chosen_allocators: list, chosen_workloads: list) -> int:
    scale, rounds = MODES[arguments.mode]
    scale = arguments.scale or scale
    rounds = arguments.rounds or rounds
    clock = "seconds" if arguments.clock == "wall" else "cpu_seconds"
    load_before = os.getloadavg()[0]
    samples = run_rounds(arguments.bench_dir, chosen_allocators, chosen_workloads, scale, rounds,
                         arguments.timeout)
    summaries = summarize_samples(samples, chosen_allocators, chosen_workloads, clock)
    names = [allocator.name for allocator in chosen_allocators]
    reference = arguments.reference if arguments.reference in names else names[0]
    results = Results(chosen_workloads, chosen_allocators, summaries, reference, clock)

    if arguments.mode != "smoke":
        load_after = os.getloadavg()[0]
        load = f"load average {load_before:.1f} at start, {load_after:.1f} at end"
        report(arguments, results, samples, f"scale {scale:g}, {rounds} interleaved rounds, {load}")
        if clock == "seconds" and max(load_before, load_after) > (os.cpu_count() or 1):
            print(f"warning: the load average exceeded the {os.cpu_count()} CPUs: wall times "
                  "include waiting for a CPU; --clock cpu ranks by CPU time instead",
                  file=sys.stderr)
    ours = [allocator for allocator in chosen_allocators if allocator.is_ours]
    failures = [(workload, allocator, error) for allocator in ours
                for workload, error in results.failures(allocator.name)]
    for workload, allocator, error in failures:
        print(f"FAILED: {workload.name} under {allocator.name}: {error}", file=sys.stderr)
    if arguments.mode == "smoke" and not failures:
        print(f"smoke: {len(chosen_workloads)} workloads passed under "
              f"{', '.join(allocator.name for allocator in ours)}")
    return 1 if failures else 0


def report(arguments: argparse.Namespace, results: Results, samples: list, conditions: str) -> None:
    arguments.out.mkdir(parents=True, exist_ok=True)
    time_rows, memory_rows = tables.time_table(results), tables.memory_table(results)
    summary = [summary_line(results, allocator) for allocator in results.allocators]
    targets = target_lines(results) + variant_lines(results, samples)
    failures = tables.failure_notes(results)
    heading = (f"{arguments.mode} mode: {conditions}; ratios are to {results.reference}; "
               "spread = (max - min) / median")
    machine_line = machine.describe()

    print()
    print(heading)
    print(machine_line)
    print()
    print(tables.render_text(time_rows))
    print()
    print(tables.render_text(memory_rows))
    print()
    print("\n".join(failures + targets + summary))

    tables.write_samples_csv(arguments.out / "samples.csv", samples)
    tables.write_results_csv(arguments.out / "results.csv", results)
    markdown = [f"{heading}.", "", f"Machine: {machine_line}.", "",
                tables.render_markdown(time_rows), "", tables.render_markdown(memory_rows), "",
                "```",
                *(failures + targets + summary), "```", ""]
    (arguments.out / "summary.md").write_text("\n".join(markdown))
    title = f"hardalloc benchmarks, {arguments.mode} mode (ratio to {results.reference})"
    problem = chart.draw(results, arguments.out / "chart.png", title)
    print(f"\nwrote {arguments.out}/samples.csv, results.csv, summary.md"
          + ("" if problem else ", chart.png"))
    if problem:
        print(f"no chart: {problem}", file=sys.stderr)


