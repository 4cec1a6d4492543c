#!/usr/bin/env python3
"""Runs hardalloc's benchmark workloads under the system malloc, mimalloc, jemalloc, tcmalloc,
scudo and libhardalloc.so (and any other build given as name=path.so), each by LD_PRELOAD.

  python3 bench/run.py                 quick mode: scale 1, 3 interleaved rounds (1.5-3 min)
  python3 bench/run.py --full          full mode: scale 3, 5 rounds
  python3 bench/run.py --instructions  callgrind instructions per operation (workloads 1, 2)
  python3 bench/run.py --smoke         every workload once at the smallest scale (ctest)

Rounds are interleaved (every allocator runs each workload once per round) so a slow phase of
the machine hits all allocators alike. Writes samples.csv, results.csv, summary.md and
chart.png to --out; see docs/benchmarks.md."""

import argparse
import sys
from pathlib import Path

from driver import allocators as allocator_list
from driver import instructions_mode, timed
from driver import workloads as workload_list

REPO = Path(__file__).resolve().parent.parent


def default_hardalloc() -> Path:
    """The release preset's libhardalloc.so: in lib/ if the build puts libraries there, else
    beside its sources' build directory."""
    candidates = [REPO / "build/release/lib/libhardalloc.so",
                  REPO / "build/release/src/libhardalloc.so"]
    return next((path for path in candidates if path.exists()), candidates[0])


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    for name, meaning in (("quick", "a minute or a few (the default)"), ("full", "longer runs"),
                          ("smoke", "each workload once, tiny, pass/fail only"),
                          ("instructions", "callgrind instruction counts of workloads 1 and 2")):
        mode.add_argument(f"--{name}", dest="mode", action="store_const", const=name, help=meaning)
    parser.set_defaults(mode="quick")
    parser.add_argument("extra", nargs="*", metavar="name=path.so",
                        help="more allocator builds under test (e.g. hardened=build/x/lib.so)")
    parser.add_argument("--hardalloc", type=Path, default=default_hardalloc(),
                        help="libhardalloc.so to test (default: %(default)s)")
    parser.add_argument("--bench-dir", type=Path, default=REPO / "build/release/bench",
                        help="directory of the bench_* programs (default: %(default)s)")
    parser.add_argument("--only", help="comma-separated allocator names to run")
    parser.add_argument("--reference", default=allocator_list.REFERENCE,
                        help="the allocator every ratio is taken against (default: %(default)s)")
    parser.add_argument("--workloads", help="comma-separated workload names to run")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time to rank by: wall (default) or the child's CPU time, steadier "
                             "when other jobs load the machine")
    parser.add_argument("--rounds", type=int, help="override the mode's number of rounds")
    parser.add_argument("--scale", type=float, help="override the mode's scale factor")
    parser.add_argument("--out", type=Path, default=REPO / "build/bench-results",
                        help="where CSV, Markdown and the chart go (default: %(default)s)")
    return parser.parse_args()


def split(names: str | None) -> list[str] | None:
    return None if names is None else [name for name in names.split(",") if name]


def usable_allocators(arguments: argparse.Namespace, probe: Path) -> list:
    """The selected allocators that load; each skipped one is named with the reason."""
    usable = []
    for allocator in allocator_list.select(arguments.hardalloc, arguments.extra,
                                           split(arguments.only)):
        reason = allocator_list.loads_cleanly(allocator, probe)
        if reason:
            print(f"skipping {allocator.name}: {reason}", file=sys.stderr)
        else:
            usable.append(allocator)
    return usable


def main() -> int:
    arguments = parse_arguments()
    arguments.bench_dir = arguments.bench_dir.resolve()
    probe = arguments.bench_dir / "bench_pairs"
    if not probe.is_file():
        print(f"no workloads in {arguments.bench_dir}: build them first "
              "(cmake --preset release && cmake --build build/release) or pass --bench-dir",
              file=sys.stderr)
        return 1
    chosen_allocators = usable_allocators(arguments, probe)
    if not chosen_allocators:
        print("no allocator to run", file=sys.stderr)
        return 1
    if arguments.mode == "instructions":
        return instructions_mode.run(arguments, chosen_allocators)
    return timed.run(arguments, chosen_allocators, workload_list.select(split(arguments.workloads)))


if __name__ == "__main__":
    sys.exit(main())
