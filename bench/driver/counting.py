"""Instructions per operation under `valgrind --tool=callgrind`: repeatable on a noisy machine,
the figure to judge fast-path changes by.

The workloads bench_pairs and bench_mixed, started with --callgrind, run each case as phases
(bench/common/callgrind_phase.h): a warm-up, the loop on the allocator under test ("measure"),
and the same loop on a stand-in heap that does no allocator work ("baseline"). Each phase ends
in a callgrind dump of the instructions since the previous one, so

    instructions per operation = (measure - baseline) / operation count

is the allocator's own cost per malloc/free pair (or per operation of the mix), with its call,
PLT jump and return, and without start-up, warm-up or the loop's own work."""

import dataclasses
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .allocators import Allocator

PHASE = re.compile(r"^desc: Trigger: Client Request: (\w+):([\w.]+):(\d+)$", re.MULTILINE)
TOTAL = re.compile(r"^(?:summary|totals): (\d+)$", re.MULTILINE)

COUNT_TIMEOUT_S = 600  # efence, say, takes longer under callgrind

# (workload binary, what one operation is), in table order
COUNTED_WORKLOADS = (("pairs", "pair of {label} B"),
                     ("mixed", "mix, per malloc or free"))


@dataclasses.dataclass(frozen=True)
class Phase:
    kind: str  # warmup, measure or baseline
    label: str
    operation_count: int
    instructions: int


def read_phases(dump_dir: Path) -> list[Phase]:
    phases = []
    for dump in dump_dir.iterdir():
        text = dump.read_text(errors="replace")
        phase, total = PHASE.search(text), TOTAL.search(text)
        if phase and total:
            phases.append(Phase(phase.group(1), phase.group(2), int(phase.group(3)),
                                int(total.group(1))))
    return phases


def per_operation(phases: list[Phase]) -> dict[str, float]:
    """label -> (measure - baseline) / count, for every label with both phases."""
    counted = {(phase.kind, phase.label): phase for phase in phases}
    figures = {}
    for (kind, label), measure in counted.items():
        baseline = counted.get(("baseline", label))
        if kind == "measure" and baseline is not None:
            if baseline.operation_count != measure.operation_count:
                raise RuntimeError(f"phase counts differ for {label}")
            net_instructions = measure.instructions - baseline.instructions
            figures[label] = net_instructions / measure.operation_count
    return figures


def count(binary: Path, allocator: Allocator) -> tuple[dict[str, float], str]:
    """Runs one workload's phases under callgrind; returns the figures, or '' and the error."""
    with tempfile.TemporaryDirectory(prefix="hardalloc-callgrind-") as directory:
        dump_dir = Path(directory)
        command = ["valgrind", "--tool=callgrind", "--dump-instr=no", "--dump-line=no",
                   f"--callgrind-out-file={dump_dir}/callgrind.out", str(binary), "--callgrind"]
        try:
            completed = subprocess.run(command, env=allocator.environment(), capture_output=True,
                                       text=True, timeout=COUNT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            return {}, f"did not complete: timed out after {COUNT_TIMEOUT_S} s"
        if completed.returncode != 0:
            tail = completed.stderr.strip().splitlines()[-3:]
            return {}, f"exit status {completed.returncode}: {' | '.join(tail)}"
        return per_operation(read_phases(dump_dir)), ""


def valgrind_missing() -> str:
    return "" if shutil.which("valgrind") else "valgrind not found (apt-get install valgrind)"
