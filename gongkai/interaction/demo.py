"""Demonstration data of public interaction: each part's loader, in order (``load_demo``)."""

from __future__ import annotations

from typing import TextIO

from django.utils.module_loading import import_string

# Each entry is ``load(stdout)``, matching existing records so that a second run changes nothing.
# The channels come before the letters: the hotline sessions' follow-ups are letters.
PART_LOADERS: list[str] = [
    "gongkai.interaction.channels.demo.load",
    "gongkai.interaction.letters.demo.load",
    "gongkai.interaction.surveys.demo.load",
    "gongkai.interaction.consultations.demo.load",
]


def load(stdout: TextIO) -> None:
    for path in PART_LOADERS:
        import_string(path)(stdout)
