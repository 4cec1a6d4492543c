"""The instructions mode: workloads 1 and 2 under callgrind, the tables of instructions per
operation (see counting.py for how the figures are made)."""

import argparse
import math
import sys

from . import counting, machine, tables


def instruction_tables(figures: dict, names: list[str], reference: str,
                       compared: list[str]) -> tuple[list, list]:
    """Two tables: instructions per operation (a row per block size for the pairs, one for the
    mix) with each build under test as a ratio to the reference; and the pairs split into
    their malloc and free parts."""
    def value(workload_name: str, label: str, name: str) -> float:
        return figures.get((workload_name, label, name), math.nan)

    def text(number: float) -> str:
        return "-" if math.isnan(number) else f"{number:.1f}"

    totals = [["instructions per operation"] + names
              + [f"{name}/{reference}" for name in compared]]
    parts = [["malloc + free"] + names]
    for workload_name, operation in counting.COUNTED_WORKLOADS:
        labels = sorted({label for (w, label, _) in figures
                         if w == workload_name and "." not in label},
                        key=lambda label: int(label) if label.isdigit() else 0)
        for label in labels:
            totals.append([operation.format(label=label)]
                          + [text(value(workload_name, label, name)) for name in names]
                          + [tables.format_ratio(value(workload_name, label, name)
                                                 / value(workload_name, label, reference))
                             for name in compared])
            if any((workload_name, f"{label}.malloc", name) in figures for name in names):
                parts.append([operation.format(label=label)]
                             + [f"{text(value(workload_name, f'{label}.malloc', name))} + "
                                f"{text(value(workload_name, f'{label}.free', name))}"
                                for name in names])
    return totals, parts


def run(arguments: argparse.Namespace, chosen_allocators: list) -> int:
    missing = counting.valgrind_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    counted_allocators = []
    for allocator in chosen_allocators:
        if allocator.runs_under_valgrind:
            counted_allocators.append(allocator)
        else:
            print(f"skipping {allocator.name}: it aborts under valgrind", file=sys.stderr)
    figures, errors = {}, []
    for workload_name, _ in counting.COUNTED_WORKLOADS:
        for allocator in counted_allocators:
            print(f"callgrind: {workload_name} under {allocator.name}", file=sys.stderr, flush=True)
            counted, error = counting.count(arguments.bench_dir / f"bench_{workload_name}",
                                                allocator)
            if error:
                errors.append(f"{workload_name} under {allocator.name}: {error}")
            for label, value in counted.items():
                figures[(workload_name, label, allocator.name)] = value

    names = [allocator.name for allocator in counted_allocators]
    reference = arguments.reference if arguments.reference in names else names[0]
    compared = [allocator.name for allocator in counted_allocators if allocator.under_test]
    totals, parts = instruction_tables(figures, names, reference, compared)
    note = "callgrind instructions per operation, net of the loop: (measure - baseline) / count"
    parts_note = ("the pairs' malloc and free counted apart: indicative, they add up to a few "
                  "instructions more than the pair (register traffic around the toggles)")
    print()
    print(note)
    print(tables.render_text(totals))
    print()
    print(parts_note)
    print(tables.render_text(parts))
    for error in errors:
        print(f"FAILED: {error}", file=sys.stderr)
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "instructions.md").write_text(
        f"Machine: {machine.describe()}.\n\n{note}.\n\n{tables.render_markdown(totals)}\n\n"
        f"{parts_note}.\n\n{tables.render_markdown(parts)}\n")
    print(f"\nwrote {arguments.out}/instructions.md")
    return 1 if errors else 0


