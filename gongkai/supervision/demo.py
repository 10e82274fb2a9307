"""Demonstration data of supervision: each part's loader, in order (``load_demo``)."""

from __future__ import annotations

from typing import TextIO

from django.utils.module_loading import import_string

# Each entry is ``load(stdout)``, matching existing records so that a second run changes nothing.
PART_LOADERS: list[str] = [
    "gongkai.supervision.plans.demo.load",
    "gongkai.supervision.monthly.demo.load",
    "gongkai.supervision.assessment.demo.load",
]


def load(stdout: TextIO) -> None:
    for path in PART_LOADERS:
        import_string(path)(stdout)
