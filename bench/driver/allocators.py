"""The allocators a benchmark compares, each chosen for a child process by LD_PRELOAD."""

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path

SYSTEM = "system"
REFERENCE = "mimalloc"  # the default allocator every ratio is taken against
HARDENED = "hardalloc-hardened"
HARDENED_LIBRARY = "libhardalloc-hardened.so"

LIB_DIR = Path("/usr/lib/x86_64-linux-gnu")
SCUDO = Path("/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-x86_64.so")


@dataclasses.dataclass(frozen=True)
class Allocator:
    name: str
    library: Path | None  # None: the system malloc, nothing preloaded
    under_test: bool  # ours: a failure under it fails the driver; anchors' failures are findings
    runs_under_valgrind: bool = True
    install_hint: str = ""

    def environment(self) -> dict[str, str]:
        """The environment of a child that must run on this allocator."""
        environment = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        if self.library is not None:
            environment["LD_PRELOAD"] = str(self.library)
        return environment


ANCHORS = (
    Allocator(SYSTEM, None, under_test=False),
    Allocator("mimalloc", LIB_DIR / "libmimalloc.so.2", False, install_hint="libmimalloc2.0"),
    Allocator("jemalloc", LIB_DIR / "libjemalloc.so.2", False, install_hint="libjemalloc2"),
    Allocator("tcmalloc", LIB_DIR / "libtcmalloc_minimal.so.4", False,
              install_hint="libtcmalloc-minimal4"),
    # scudo aborts at start-up under valgrind, so it is measured by wall time only.
    Allocator("scudo", SCUDO, False, runs_under_valgrind=False, install_hint="libclang-rt-14-dev"),
)


def parse_extra(pair: str) -> Allocator:
    """An allocator under test given on the command line as name=path.so."""
    name, separator, path = pair.partition("=")
    if not separator or not name or not path:
        raise ValueError(f"expected name=path.so, got {pair!r}")
    return Allocator(name, Path(path).resolve(), under_test=True)


def defines_malloc(library: Path) -> bool:
    """Whether the library exports a malloc of its own (nm -D): preloading one that does not,
    libz say, would measure the system malloc under its name. True when nm is missing."""
    if shutil.which("nm") is None:
        return True
    symbols = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True,
                             text=True, timeout=60, check=False).stdout
    return re.search(r"^[0-9a-f]+ [TiW] malloc$", symbols, re.MULTILINE) is not None


def loads_cleanly(allocator: Allocator, probe_binary: Path) -> str:
    """Why the allocator cannot be used ('' if it can): a missing file, or a library the
    dynamic loader refuses to preload (it then prints an error and runs the system malloc)."""
    if allocator.library is None:
        return ""
    if not allocator.library.is_file():
        hint = f" (apt-get install {allocator.install_hint})" if allocator.install_hint else ""
        return f"{allocator.library} not found{hint}"
    if not defines_malloc(allocator.library):
        return f"{allocator.library} does not define malloc: not an allocator library"
    probe = subprocess.run([str(probe_binary), "0.000001"], env=allocator.environment(),
                           capture_output=True, text=True, timeout=60, check=False)
    if "cannot be preloaded" in probe.stderr or probe.returncode != 0:
        return f"{allocator.library} does not preload: {probe.stderr.strip()[:200]}"
    return ""


def select(hardalloc: Path, extras: list[str], only: list[str] | None) -> list[Allocator]:
    """The anchors, libhardalloc.so (and libhardalloc-hardened.so when it is beside it) and the
    extra builds, in the order they run, filtered by `only` (names) when given."""
    allocators = list(ANCHORS) + [Allocator("hardalloc", hardalloc.resolve(), under_test=True)]
    hardened = hardalloc.resolve().parent / HARDENED_LIBRARY
    if hardened.is_file():
        allocators.append(Allocator(HARDENED, hardened, under_test=True))
    allocators += [parse_extra(pair) for pair in extras]
    names = [allocator.name for allocator in allocators]
    if len(set(names)) != len(names):
        raise ValueError(f"allocator names must be unique: {names}")
    if only is None:
        return allocators
    unknown = set(only) - set(names)
    if unknown:
        raise ValueError(f"unknown allocators {sorted(unknown)}; known: {names}")
    return [allocator for allocator in allocators if allocator.name in only]
