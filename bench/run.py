#!/usr/bin/env python3
"""Runs hardalloc's benchmark workloads under the system malloc, mimalloc, jemalloc, tcmalloc,
scudo and libhardalloc.so (and any other build given as name=path.so, and variants of ours
under other HARDALLOC_OPTIONS), each by LD_PRELOAD. Electric Fence (efence) runs only when
--only names it.

  python3 bench/run.py                 quick mode: scale 1, 3 interleaved rounds (1.5-3 min)
  python3 bench/run.py --full          full mode: scale 3, 5 rounds
  python3 bench/run.py --instructions  callgrind instructions per operation (workloads 1, 2)
  python3 bench/run.py --smoke         every workload once at the smallest scale (ctest)
  python3 bench/run.py --only hardalloc-hardened --variant unsampled=hardalloc-hardened:sample_rate=0
                                       the hardened build beside itself with sampling off

Rounds are interleaved (every allocator runs each workload once per round) so a slow phase of
the machine hits all allocators alike. A run that fails or overruns its time limit is FAIL
under a build of ours or glibc (exit status 1) and DNF, did not complete, under the others.
Writes samples.csv, results.csv, summary.md and chart.png to --out; see docs/benchmarks.md."""

import argparse
import sys
from pathlib import Path

from driver import allocators as allocator_list
from driver.cli import OneLineErrorParser, positive
from driver import instructions_mode, timed
from driver import workloads as workload_list

REPO = Path(__file__).resolve().parent.parent


def default_hardalloc() -> Path:
    """The release preset's libhardalloc.so: in lib/ if the build puts libraries there, else
    beside its sources' build directory."""
    candidates = [REPO / "build/release/lib/libhardalloc.so",
                  REPO / "build/release/src/libhardalloc.so"]
    return next((path for path in candidates if path.exists()), candidates[0])


def variant(text: str) -> tuple[str, str, str]:
    """An argparse type: --variant NAME=BASE:OPTIONS (BASE is checked once all are known)."""
    try:
        return allocator_list.parse_variant(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_arguments() -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    parser = OneLineErrorParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    for name, meaning in (("quick", "a minute or a few (the default)"), ("full", "longer runs"),
                          ("smoke", "each workload once, tiny, pass/fail only"),
                          ("instructions", "callgrind instruction counts of workloads 1 and 2")):
        mode.add_argument(f"--{name}", dest="mode", action="store_const", const=name, help=meaning)
    parser.set_defaults(mode="quick")
    parser.add_argument("extra", nargs="*", metavar="name=path.so",
                        help="more allocator builds under test (e.g. hardened=build/x/lib.so)")
    parser.add_argument("--hardalloc", type=Path,
                        help=f"libhardalloc.so to test (default: {default_hardalloc()})")
    parser.add_argument("--bench-dir", type=Path, default=REPO / "build/release/bench",
                        help="directory of the bench_* programs (default: %(default)s)")
    parser.add_argument("--only", help="comma-separated allocator names to run (the default set "
                                       "leaves out efence)")
    parser.add_argument("--variant", type=variant, action="append", default=[],
                        metavar="NAME=BASE:OPTIONS",
                        help="one more allocator: build BASE of ours (hardalloc, "
                             "hardalloc-hardened, or a name=path.so) run with "
                             "HARDALLOC_OPTIONS=OPTIONS, whatever --only says; repeatable")
    parser.add_argument("--timeout", type=positive(float), metavar="SECONDS",
                        help="the longest one run may take at scale 1 before it counts as not "
                             f"completed (default {allocator_list.TIMEOUT_S:.0f} s, efence 30 s); "
                             "larger scales raise it in proportion")
    parser.add_argument("--reference", default=allocator_list.REFERENCE,
                        help="the allocator every ratio is taken against (default: %(default)s)")
    parser.add_argument("--workloads", help="comma-separated workload names to run")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time to rank by: wall (default) or the child's CPU time, steadier "
                             "when other jobs load the machine")
    parser.add_argument("--rounds", type=positive(int), help="override the mode's number of rounds")
    parser.add_argument("--scale", type=positive(float), help="override the mode's scale factor")
    parser.add_argument("--out", type=Path, default=REPO / "build/bench-results",
                        help="where CSV, Markdown and the chart go (default: %(default)s)")
    parser.epilog = "Exit status: 0 done, 1 a workload failed under an allocator under test, 2 bad usage."
    return parser, parser.parse_args()


def split(names: str | None) -> list[str] | None:
    return None if names is None else [name for name in names.split(",") if name]


def usable_allocators(parser: argparse.ArgumentParser, arguments: argparse.Namespace,
                      probe: Path) -> list:
    """The selected allocators that load; each skipped one is named with the reason. A
    library named on the command line that cannot be used is a usage error."""
    usable = []
    try:
        selected = allocator_list.select(arguments.hardalloc or default_hardalloc(),
                                         arguments.extra, split(arguments.only), arguments.variant)
    except ValueError as error:
        parser.error(str(error))
    named = {extra.partition("=")[0] for extra in arguments.extra}
    named.update(name for name, _, _ in arguments.variant)
    if arguments.hardalloc is not None:
        named.add("hardalloc")
    for allocator in selected:
        reason = allocator_list.loads_cleanly(allocator, probe)
        if reason and allocator.name in named:
            parser.error(f"{allocator.name}: {reason}")
        if reason:
            print(f"skipping {allocator.name}: {reason}", file=sys.stderr)
        else:
            usable.append(allocator)
    return usable


def main() -> int:
    parser, arguments = parse_arguments()
    arguments.bench_dir = arguments.bench_dir.resolve()
    probe = arguments.bench_dir / "bench_pairs"
    if not probe.is_file():
        parser.error(f"no workloads in {arguments.bench_dir}: build them first "
                     "(cmake --preset release && cmake --build build/release) or pass --bench-dir")
    try:
        chosen_workloads = workload_list.select(split(arguments.workloads))
    except ValueError as error:
        parser.error(str(error))
    chosen_allocators = usable_allocators(parser, arguments, probe)
    if not chosen_allocators:
        print("no allocator to run", file=sys.stderr)
        return 1
    if arguments.mode == "instructions":
        return instructions_mode.run(arguments, chosen_allocators)
    return timed.run(arguments, chosen_allocators, chosen_workloads)


if __name__ == "__main__":
    sys.exit(main())
