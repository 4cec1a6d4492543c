"""The benchmark driver behind bench/run.py: allocators, runs, statistics, report, chart,
instruction counts. Standard library only."""
