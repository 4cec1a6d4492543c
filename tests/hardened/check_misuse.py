#!/usr/bin/env python3
"""Runs one case of hardened_misuse with a hardened library preloaded and checks the outcome.

Default: the program must die of SIGABRT after exactly one report whose first line has the
stable format of README.md ("Reports") and the expected KIND. With --count N (abort_on_error=0
in --options) it must instead finish with exit status 0 after exactly N reports and the
"summary: N heap errors reported" line. With --clean it must finish with no report at all.
--allocated-in and --freed-in name a function the report's allocation (free) stack must show;
--stderr-contains texts must appear in standard error in the order given.
Sampling is off (sample_rate=0) unless --options turns it on, so that no case depends on which
blocks the guarded pool happens to take.
Exit status: 0 as expected, 1 not as expected, 2 bad usage.
"""
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

# One-line usage errors with exit status 2, as every script of the project (bench/driver/cli.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from driver.cli import OneLineErrorParser  # noqa: E402

FIRST_LINE = re.compile(
    r"^hardalloc\[\d+\] \S+: error: (?P<kind>[a-z-]+) on 0x[0-9a-f]+"
    r"( \(block 0x[0-9a-f]+, \d+ bytes(, requested \d+)?\))? in thread \d+$")
ERROR_LINE = re.compile(r"^hardalloc\[\d+\] \S+: error: ")


def parse_arguments():
    parser = OneLineErrorParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, help="the hardened library to preload")
    parser.add_argument("--program", required=True, help="the hardened_misuse binary")
    parser.add_argument("--case", required=True, help="the misuse case (see misuse.cpp)")
    parser.add_argument("--size", type=int, default=48, help="the block size the case uses (bytes)")
    parser.add_argument("--options", default="", help="HARDALLOC_OPTIONS for the run")
    parser.add_argument("--allocated-in", help="a function the report's allocation stack names")
    parser.add_argument("--freed-in", help="a function the report's free stack names")
    parser.add_argument("--stderr-contains", action="append", default=[],
                        help="a text standard error must contain (repeatable: in this order)")
    outcome = parser.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--kind", help="the report KIND expected before SIGABRT")
    outcome.add_argument("--count", type=int, help="the number of reports expected, the run going on")
    outcome.add_argument("--clean", action="store_true", help="no report expected")
    return parser.parse_args()


def stack_failures(stderr, section, function):
    """Why the report's "SECTION by thread T at:" stack does not name FUNCTION ([] if it does)."""
    if function is None:
        return []
    match = re.search(rf"^  {section} by thread \d+ at:\n((?:    #.*\n?)+)", stderr, re.MULTILINE)
    if match is None:
        return [f"the report has no '{section} by' stack"]
    if not re.search(rf"\({re.escape(function)}\+0x", match.group(1)):
        return [f"the '{section} by' stack does not name {function}"]
    return []


def main():
    args = parse_arguments()
    env = dict(os.environ, LD_PRELOAD=args.library, HARDALLOC_OPTIONS="sample_rate=0:" + args.options)
    run = subprocess.run([args.program, args.case, str(args.size)], env=env, capture_output=True,
                         text=True, timeout=120, check=False)
    lines = run.stderr.splitlines()
    errors = [line for line in lines if ERROR_LINE.match(line)]
    failures = []
    for line in errors:
        if not FIRST_LINE.match(line):
            failures.append(f"a report's first line does not have the documented format: {line!r}")
    kinds = [FIRST_LINE.match(line).group("kind") for line in errors if FIRST_LINE.match(line)]
    if args.kind:
        if run.returncode != -signal.SIGABRT:
            failures.append(f"expected SIGABRT, got status {run.returncode}")
        if len(errors) != 1:
            failures.append(f"expected exactly one report, got {len(errors)}")
        elif kinds and kinds[0] != args.kind:
            failures.append(f"expected KIND {args.kind}, got {kinds[0]}")
    elif args.count is not None:
        if run.returncode != 0:
            failures.append(f"expected the run to finish (status 0), got {run.returncode}")
        if len(errors) != args.count:
            failures.append(f"expected {args.count} reports, got {len(errors)}")
        summary = f"summary: {args.count} heap error{'s' if args.count != 1 else ''} reported"
        if not any(line.endswith(summary) for line in lines):
            failures.append(f"no '{summary}' line")
    elif run.returncode != 0 or errors:
        failures.append(f"expected a clean run, got status {run.returncode} and {len(errors)} reports")
    failures += stack_failures(run.stderr, "allocated", args.allocated_in)
    failures += stack_failures(run.stderr, "freed", args.freed_in)
    position = 0
    for text in args.stderr_contains:
        found = run.stderr.find(text, position)
        if found < 0:
            failures.append(f"standard error lacks {text!r} (after the texts before it)")
        else:
            position = found + len(text)
    if failures:
        print(f"case {args.case} (size {args.size}): " + "; ".join(failures))
        print("--- stderr ---\n" + run.stderr[-4000:])
        return 1
    print(f"case {args.case} (size {args.size}): as expected; " + (errors[0] if errors else "no report"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
