"""What the benchmarks print about the machine they ran on."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def load_average() -> str:
    """Other processes compete for the cores: the 1-minute load shows how much."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def describe(*libraries: str) -> str:
    """CPU model, usable cores, Python, then ``libraries`` (e.g. "numpy 2.4")."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return ", ".join([model, f"{cores} cores", f"Python {platform.python_version()}", *libraries])


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (or another ``/proc/self/status`` field), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")
