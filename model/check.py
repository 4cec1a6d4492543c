#!/usr/bin/env python3
"""usage: model/check.py [--spin PATH]

Model-checks the Promela models of hardalloc's cross-thread protocols (docs/concurrency.md).
Every model in model/ must verify; every model in model/planted/ must fail. Each model gets two
Spin runs: a safety run (assertions, the block monitor, invalid end states: deadlock) and a
non-progress run (a heap that looks for a page's remote frees forever without finding them).
Exit status: 0 as expected, 1 a model verified or failed against expectation, 2 bad usage,
77 Spin or gcc missing (ctest reports the test skipped).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MODEL_DIR = os.path.dirname(os.path.abspath(__file__))
# gcc flags and pan options of each run; -m: search depth (the models stay far below it).
RUNS = (
    ("safety", ["-DSAFETY"], ["-m100000"]),
    ("progress", ["-DNP"], ["-m100000", "-l"]),
)


class UsageParser(argparse.ArgumentParser):
    def error(self, message):  # one line on stderr, exit 2: the project's script contract
        sys.stderr.write(f"check.py: {message} (see --help)\n")
        sys.exit(2)


def models():
    """(path, must_verify) of every model, the verified ones first."""
    found = []
    for folder, must_verify in ((MODEL_DIR, True), (os.path.join(MODEL_DIR, "planted"), False)):
        for name in sorted(os.listdir(folder)):
            if name.endswith(".pml"):
                found.append((os.path.join(folder, name), must_verify))
    return found


def run_pan(spin, model, gcc_flags, pan_flags, scratch):
    """Runs one check; returns (errors, first error line or '', states stored, seconds, complete)."""
    for stale in os.listdir(scratch):
        os.remove(os.path.join(scratch, stale))
    started = time.monotonic()
    subprocess.run([spin, "-a", model], cwd=scratch, check=True, capture_output=True, text=True)
    # -O0: pan.c takes seconds to optimise and these searches are small; compiling dominates.
    subprocess.run(["gcc", "-O0", "-w", *gcc_flags, "-o", "pan", "pan.c"], cwd=scratch, check=True)
    out = subprocess.run(["./pan", *pan_flags], cwd=scratch, capture_output=True, text=True).stdout
    seconds = time.monotonic() - started
    errors = int(re.search(r"errors: (\d+)", out).group(1))
    states = re.search(r"(\d+(?:\.\d+e\+\d+)?) states, stored", out).group(1)
    first = re.search(r"^pan:\d+: (.*)$", out, re.MULTILINE)
    first = first.group(1) if first else ""
    complete = "max search depth too small" not in out
    return errors, first, states, seconds, complete


def main():
    parser = UsageParser(usage=__doc__.splitlines()[0][len("usage: "):], description="\n".join(__doc__.splitlines()[2:]),
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spin", default="spin", help="the spin program (default: spin on PATH)")
    args = parser.parse_args()
    spin = shutil.which(args.spin)
    if spin is None or shutil.which("gcc") is None:
        print(f"SKIP: {'spin' if spin is None else 'gcc'} not found; Debian: apt-get install spin "
              "(bash tools/install-deps.sh installs every test dependency)")
        return 77
    failures = 0
    total_started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hardalloc-model-") as scratch:
        for model, must_verify in models():
            name = os.path.relpath(model, MODEL_DIR)
            found = []
            for run_name, gcc_flags, pan_flags in RUNS:
                errors, first, states, seconds, complete = run_pan(spin, model, gcc_flags, pan_flags, scratch)
                verdict = "error: " + first if errors else ("no errors" if complete else "incomplete search")
                print(f"{name:45} {run_name:8} {states:>12} states {seconds:6.1f} s  {verdict}")
                if errors:
                    found.append(run_name)
                elif must_verify and not complete:
                    found.append(run_name + " (incomplete)")
                if found and not must_verify:
                    break  # a planted mistake needs one run to show it
            if must_verify and found:
                print(f"FAIL: {name} must verify, but its {', '.join(found)} run found errors")
                failures += 1
            elif not must_verify and not found:
                print(f"FAIL: {name} is a planted mistake, but Spin found no error in it")
                failures += 1
    print(f"model check: {len(models())} models, {failures} unexpected, {time.monotonic() - total_started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
