"""The workloads, in report order. Each is a program bench_<name> in the bench
build directory that takes a scale factor and exits non-zero on a wrong answer."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Workload:
    number: int
    name: str
    summary: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"


WORKLOADS = (
    Workload(1, "pairs", "malloc/free pairs, 16 B .. 1 MiB, one thread"),
    Workload(2, "mixed", "random sizes and lifetimes, many live blocks"),
    Workload(3, "larson", "server churn, threads free each other's blocks"),
    Workload(4, "producer_consumer", "one thread allocates, another frees"),
    Workload(5, "thread_churn", "short threads leave blocks for the next"),
    Workload(6, "realloc_growth", "vector doubling and string appends"),
    Workload(7, "large_aligned", "large, huge and aligned blocks"),
    Workload(8, "fragmentation", "peak, scattered frees, other sizes"),
    Workload(9, "false_sharing", "threads writing small adjacent blocks"),
    Workload(10, "large_live", "many live large and over-aligned blocks, mass free"),
    Workload(11, "large_buffers", "5-25 MiB buffers allocated, written and freed in a loop"),
    Workload(12, "larson_server", "Larson: threads replace slots, then hand them to a new thread"),
    Workload(13, "random_replace", "random replacement over 2^18 written slots, one thread"),
    Workload(14, "random_replace_mt", "random replacement over 2^18 written slots, 4 threads"),
    Workload(15, "churn_transfers", "short threads swap blocks through a shared buffer"),
)

# Workload 8 also prints the RSS left at its end; the driver reports it beside the peak.
RSS_END_WORKLOAD = "fragmentation"


def select(names: list[str] | None) -> list[Workload]:
    if names is None:
        return list(WORKLOADS)
    known = {workload.name: workload for workload in WORKLOADS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown workloads {unknown}; known: {list(known)}")
    return [workload for workload in WORKLOADS if workload.name in names]
