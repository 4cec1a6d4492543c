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
OPTIONS_VARIABLE = "HARDALLOC_OPTIONS"
# A run that takes longer did not complete (at scale 1; larger scales raise it in proportion).
TIMEOUT_S = 120.0
# Names end up in CSV columns, gnuplot's space-separated data and --only's comma-separated list.
NAME_PATTERN = re.compile(r"[\w.+-]+")

LIB_DIR = Path("/usr/lib/x86_64-linux-gnu")
SCUDO = Path("/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.scudo_standalone-x86_64.so")


@dataclasses.dataclass(frozen=True)
class Allocator:
    name: str
    library: Path | None  # None: the system malloc, nothing preloaded
    under_test: bool  # ours: a failure under it fails the driver; anchors' failures are findings
    runs_under_valgrind: bool = True
    install_hint: str = ""
    # HARDALLOC_OPTIONS of the child; None leaves it unset, whatever the driver inherited, so
    # that an option exported in the shell cannot change a run that does not name it.
    options: str | None = None
    variant_of: str = ""  # a variant (--variant): the allocator whose library it runs
    settings: tuple[tuple[str, str], ...] = ()  # other variables the library reads
    only_when_named: bool = False  # not in the default set: runs only when --only names it
    timeout_s: float = TIMEOUT_S

    @property
    def is_ours(self) -> bool:
        """A failure under it is a bug of ours: a build under test, or the system malloc (then
        the workload itself is wrong). Under any other allocator it is a finding: the run did
        not complete."""
        return self.under_test or self.name == SYSTEM

    def environment(self) -> dict[str, str]:
        """The environment of a child that must run on this allocator."""
        environment = {k: v for k, v in os.environ.items()
                       if k not in ("LD_PRELOAD", OPTIONS_VARIABLE)}
        if self.library is not None:
            environment["LD_PRELOAD"] = str(self.library)
        if self.options is not None:
            environment[OPTIONS_VARIABLE] = self.options
        environment.update(self.settings)
        return environment


ANCHORS = (
    Allocator(SYSTEM, None, under_test=False),
    Allocator("mimalloc", LIB_DIR / "libmimalloc.so.2", False, install_hint="libmimalloc2.0"),
    Allocator("jemalloc", LIB_DIR / "libjemalloc.so.2", False, install_hint="libjemalloc2"),
    Allocator("tcmalloc", LIB_DIR / "libtcmalloc_minimal.so.4", False,
              install_hint="libtcmalloc-minimal4"),
    # scudo aborts at start-up under valgrind, so it is measured by wall time only.
    Allocator("scudo", SCUDO, False, runs_under_valgrind=False, install_hint="libclang-rt-14-dev"),
    # Electric Fence, the anchor of guard_all=1 (issue 12): every block on pages of its own and a
    # linear search of its block list per call, so minutes where the others take a second, and
    # most workloads do not complete. It runs only when --only names it, under a shorter limit.
    # It places a block against its guard page at EF_ALIGNMENT, 4 by default on Debian; the
    # workloads check the 16 malloc owes (as hardalloc's guarded blocks keep it), hence 16.
    Allocator("efence", Path("/usr/lib/libefence.so.0"), False, install_hint="electric-fence",
              settings=(("EF_ALIGNMENT", "16"),), only_when_named=True, timeout_s=30.0),
)


def parse_extra(pair: str) -> Allocator:
    """An allocator under test given on the command line as name=path.so."""
    name, separator, path = pair.partition("=")
    if not separator or not name or not path:
        raise ValueError(f"expected name=path.so, got {pair!r}")
    return Allocator(name, Path(path).resolve(), under_test=True)


def parse_variant(text: str) -> tuple[str, str, str]:
    """--variant NAME=BASE:OPTIONS as (name, base, options); OPTIONS may be empty (BASE again
    under another name: an A/A pair that shows the noise of a comparison)."""
    name, equals, rest = text.partition("=")
    base, colon, options = rest.partition(":")
    if not equals or not colon or not name or not base:
        raise ValueError(f"expected NAME=BASE:OPTIONS, got {text!r}")
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"variant name {name!r}: letters, digits and _ . + - only")
    return name, base, options


def variant(base: Allocator, name: str, options: str) -> Allocator:
    """The base allocator's library under another name, with HARDALLOC_OPTIONS=options."""
    if not base.under_test or base.variant_of:
        raise ValueError(f"variant {name}: {base.name} is not a hardalloc build; only those "
                         f"read {OPTIONS_VARIABLE}")
    return dataclasses.replace(base, name=name, options=options, variant_of=base.name)


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


def select(hardalloc: Path, extras: list[str], only: list[str] | None,
           variants: list[tuple[str, str, str]] = ()) -> list[Allocator]:
    """The anchors, libhardalloc.so (and libhardalloc-hardened.so when it is beside it), the
    extra builds and the variants of ours, in the order they run. `only` (names), when given,
    selects among all but the variants, which always run: asking for one is naming it. Without
    `only`, the anchors that run only when named are left out."""
    allocators = list(ANCHORS) + [Allocator("hardalloc", hardalloc.resolve(), under_test=True)]
    hardened = hardalloc.resolve().parent / HARDENED_LIBRARY
    if hardened.is_file():
        allocators.append(Allocator(HARDENED, hardened, under_test=True))
    allocators += [parse_extra(pair) for pair in extras]
    bases = {allocator.name: allocator for allocator in allocators}
    for name, base_name, options in variants:
        if base_name not in bases:
            raise ValueError(f"variant {name}: unknown base allocator {base_name!r}; "
                             f"known: {list(bases)}")
        allocators.append(variant(bases[base_name], name, options))
    names = [allocator.name for allocator in allocators]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"allocator names must be unique: {', '.join(repeated)} more than once")
    if only is None:
        return [allocator for allocator in allocators if not allocator.only_when_named]
    unknown = set(only) - set(names)
    if unknown:
        raise ValueError(f"unknown allocators {sorted(unknown)}; known: {names}")
    return [allocator for allocator in allocators
            if allocator.name in only or allocator.variant_of]
