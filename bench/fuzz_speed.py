#!/usr/bin/env python3
"""Execs per second of fuzz_ops on hardalloc, an old tree against a new one, side by side.

  python3 bench/fuzz_speed.py --old /tmp/fuzzbase            libFuzzer and AFL++, 3 rounds
  python3 bench/fuzz_speed.py --old /tmp/fuzzbase --engines libfuzzer --seconds 30

Each tree must hold its builds (cmake --preset fuzz and --preset afl, target fuzz_ops; --build
makes them). Rounds are interleaved (old, new, old, new, ...) so that a busy phase of the
machine hits both; the medians and their ratio new/old are printed per engine, with AFL++'s
stability. libFuzzer runs in process from the tree's own corpus/fuzz_ops into a scratch
directory with a fixed -seed; AFL++ runs afl-fuzz in persistent mode (-V SECONDS). Both use
the environment of fuzz_ops as each tree defines it (HARDALLOC_FUZZ_TARGET=hardalloc, the
default comparison with the system malloc unless --diff none), so each side has the checks
its version makes. Run it with nice on a shared machine: every process here inherits it."""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from driver.cli import OneLineErrorParser, positive

REPO = Path(__file__).resolve().parent.parent
PRESETS = {"libfuzzer": "fuzz", "afl": "afl"}


def parse_arguments():
    parser = OneLineErrorParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True,
                        help="source tree of the old version (e.g. a git worktree of main)")
    parser.add_argument("--new", type=Path, default=REPO, help="source tree of the new version (this one)")
    parser.add_argument("--engines", default="libfuzzer,afl", help="comma-separated: libfuzzer, afl")
    parser.add_argument("--seconds", type=positive(int), default=20, help="per run (default 20)")
    parser.add_argument("--rounds", type=positive(int), default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--diff", choices=("default", "none"), default="default",
                        help="comparison target: each version's default, or none on both sides")
    parser.add_argument("--build", action="store_true", help="build the presets' fuzz_ops in both trees first")
    parser.epilog = "Exit status: 0 measured, 1 a run failed, 2 bad usage."
    arguments = parser.parse_args()
    engines = [engine for engine in arguments.engines.split(",") if engine]
    unknown = [engine for engine in engines if engine not in PRESETS]
    if unknown or not engines:
        parser.error(f"--engines: '{arguments.engines}' must name libfuzzer and/or afl")
    arguments.engines = engines
    for side in ("old", "new"):
        tree = getattr(arguments, side).resolve()
        if not (tree / "fuzz/fuzz_ops.cpp").is_file():
            parser.error(f"--{side} {tree}: not a hardalloc source tree (no fuzz/fuzz_ops.cpp)")
        setattr(arguments, side, tree)
    if "afl" in engines and shutil.which("afl-fuzz") is None:
        parser.error("--engines afl: afl-fuzz is not installed")
    return parser, arguments


def fuzzer_path(tree: Path, engine: str) -> Path:
    return tree / "build" / PRESETS[engine] / "fuzz/fuzz_ops"


def build(tree: Path, engine: str):
    preset = PRESETS[engine]
    for command in (["cmake", "--preset", preset], ["cmake", "--build", f"build/{preset}", "--target", "fuzz_ops"]):
        subprocess.run(command, cwd=tree, check=True, stdout=subprocess.DEVNULL)


def environment(diff: str) -> dict:
    env = {name: value for name, value in os.environ.items() if not name.startswith("HARDALLOC_FUZZ_")}
    env["HARDALLOC_FUZZ_TARGET"] = "hardalloc"
    if diff == "none":
        env["HARDALLOC_FUZZ_DIFF"] = "none"
    return env


def run_libfuzzer(tree: Path, seconds: int, round_index: int, env: dict) -> tuple[float, str]:
    """execs/s of one in-process libFuzzer run, and '' (libFuzzer measures no stability)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-speed-") as scratch:
        result = subprocess.run([str(fuzzer_path(tree, "libfuzzer")), f"-max_total_time={seconds}",
                                 f"-seed={round_index + 1}", "-print_final_stats=1", "-rss_limit_mb=4096",
                                 "-timeout=30", f"-artifact_prefix={scratch}/", scratch, str(tree / "corpus/fuzz_ops")],
                                cwd=scratch, env=env, capture_output=True, text=True, errors="replace")
    stats = dict(line.split(": ", 1) for line in result.stderr.splitlines() if line.startswith("stat::") and ": " in line)
    if "stat::number_of_executed_units" not in stats:
        raise RuntimeError(f"libFuzzer in {tree} printed no statistics:\n{result.stderr[-2000:]}")
    return int(stats["stat::number_of_executed_units"]) / seconds, ""


def run_afl(tree: Path, seconds: int, env: dict) -> tuple[float, str]:
    """execs/s of one afl-fuzz run (persistent mode) and its stability."""
    with tempfile.TemporaryDirectory(prefix="fuzz-speed-") as scratch:
        afl_env = dict(env, AFL_NO_UI="1", AFL_SKIP_CPUFREQ="1", AFL_NO_AFFINITY="1",
                       AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1")
        subprocess.run(["afl-fuzz", "-i", str(tree / "corpus/fuzz_ops"), "-o", f"{scratch}/out", "-V", str(seconds),
                        "-t", "30000", "-m", "none", "--", str(fuzzer_path(tree, "afl"))],
                       env=afl_env, capture_output=True, check=False)
        stats_file = Path(scratch) / "out/default/fuzzer_stats"
        if not stats_file.is_file():
            raise RuntimeError(f"afl-fuzz on {tree} wrote no fuzzer_stats")
        stats = dict((part.strip() for part in line.split(":", 1)) for line in stats_file.read_text().splitlines())
    run_seconds = max(1, int(stats["last_update"]) - int(stats["start_time"]))
    return int(stats["execs_done"]) / run_seconds, stats.get("stability", "?")


def main() -> int:
    _, arguments = parse_arguments()
    trees = {"old": arguments.old, "new": arguments.new}
    if arguments.build:
        for engine in arguments.engines:
            for tree in trees.values():
                build(tree, engine)
    for engine in arguments.engines:
        for side, tree in trees.items():
            if not fuzzer_path(tree, engine).is_file():
                print(f"fuzz_speed.py: error: {fuzzer_path(tree, engine)} is not built (pass --build)", file=sys.stderr)
                return 2
    env = environment(arguments.diff)
    print(f"fuzz_ops on hardalloc, comparison: {arguments.diff}, {arguments.seconds} s per run, "
          f"{arguments.rounds} interleaved rounds")
    failed = False
    for engine in arguments.engines:
        rates = {side: [] for side in trees}
        stability = {side: [] for side in trees}
        for round_index in range(arguments.rounds):
            for side, tree in trees.items():
                try:
                    if engine == "libfuzzer":
                        rate, stable = run_libfuzzer(tree, arguments.seconds, round_index, env)
                    else:
                        rate, stable = run_afl(tree, arguments.seconds, env)
                except RuntimeError as error:
                    print(f"{engine} {side}: {error}", file=sys.stderr)
                    failed = True
                    continue
                rates[side].append(rate)
                stability[side].append(stable)
                print(f"  {engine:9} round {round_index + 1} {side}: {rate:9.1f} execs/s"
                      + (f", stability {stable}" if stable else ""), flush=True)
        if all(rates.values()):
            old, new = (statistics.median(rates[side]) for side in trees)
            print(f"{engine:9} median execs/s: old {old:.1f}, new {new:.1f}, new/old {new / old:.1f}x"
                  + (f"; stability old {stability['old']}, new {stability['new']}" if engine == "afl" else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
