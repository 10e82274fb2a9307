"""Timing helpers shared by the benchmarks: this process's CPU seconds beside the wall time."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import Any


def cpu() -> float:
    """CPU seconds this process has used (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best(label: str, run: Callable[[], Any], times: int = 3, *, width: int = 52) -> None:
    """Run ``run`` ``times`` times and print the best wall time with its CPU seconds."""
    results = []
    for _ in range(times):
        wall, used = time.perf_counter(), cpu()
        run()
        results.append((time.perf_counter() - wall, cpu() - used))
    wall, used = min(results)
    print(f"{label:<{width}} {wall:8.3f} s wall {used:8.3f} s CPU", flush=True)
