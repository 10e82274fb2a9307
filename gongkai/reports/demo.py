"""The reports app's demonstration data: one loader a part, in order (``load_demo`` calls
:func:`load` after the capabilities the reports count)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from gongkai.reports.annual import demo as annual_demo
from gongkai.reports.statistics import demo as statistics_demo

PART_LOADERS: list[Callable[[TextIO], None]] = [annual_demo.load, statistics_demo.load]


def load(stdout: TextIO) -> None:
    for loader in PART_LOADERS:
        loader(stdout)
