"""One line describing the machine a run measured, printed with every table."""

import datetime
import os
import platform
from pathlib import Path


def describe() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    libc = " ".join(platform.libc_ver())
    return (f"{model}, {os.cpu_count()} CPUs, Linux {platform.release()}, {libc}; "
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
