"""A PNG chart of a timed run with gnuplot: one bar group per workload, one bar per allocator,
time and peak RSS as ratios to the reference allocator (log scale, 1.0 = the reference)."""

import math
import shutil
import subprocess
from pathlib import Path

from .results import Results



def _write_data(path: Path, results: Results, field: str) -> None:
    lines = ["workload " + " ".join(allocator.name for allocator in results.allocators)]
    for workload in results.workloads:
        values = [results.ratio(workload, allocator.name, field)
                  for allocator in results.allocators]
        lines.append(workload.name + " " + " ".join(
            "-" if math.isnan(value) else f"{value:.4f}" for value in values))
    path.write_text("\n".join(lines) + "\n")


def draw(results: Results, png: Path, title: str) -> str:
    """Writes the chart; returns why it could not ('' on success)."""
    if shutil.which("gnuplot") is None:
        return "gnuplot not found (apt-get install gnuplot-nox)"
    columns = len(results.allocators)
    script = [
        "set terminal pngcairo size 1400,900 font 'sans,10' noenhanced",
        f"set output '{png}'",
        "set datafile missing '-'",
        "set style data histogram",
        "set style histogram clustered gap 1",
        "set style fill solid 0.85 border -1",
        "set logscale y 2",
        "set grid ytics",
        "set key outside right top",
        "set xtics rotate by -25",
        f"set multiplot layout 2,1 title '{title}'",
    ]
    clock = "wall time" if results.clock == "seconds" else "CPU time"
    for field, label in ((results.clock, clock), ("max_rss_kib", "peak RSS")):
        data = png.with_suffix(f".{field}.dat")
        _write_data(data, results, field)
        script += [
            f"set ylabel '{label} / {results.reference} (log scale)'",
            f"plot '{data}' using 2:xtic(1) title columnheader(2)"
            + "".join(f", '' using {column} title columnheader({column})"
                      for column in range(3, columns + 2))
            + ", 1 notitle with lines lc rgb 'black' dt 2",
        ]
    script.append("unset multiplot")
    completed = subprocess.run(["gnuplot"], input="\n".join(script), text=True,
                               capture_output=True, check=False)
    return "" if completed.returncode == 0 else f"gnuplot failed: {completed.stderr.strip()}"
