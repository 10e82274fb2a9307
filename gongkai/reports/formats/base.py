"""What every annual-report format provides (see ``gongkai.reports.content`` for the data).

A format knows its sections (key and printed title, in order), computes the year's named
figures from the records for a scope, drafts the prose of each section from those figures,
builds the whole :class:`~gongkai.reports.content.ReportContent` from the scope and the
office's prose, and checks that the figures the prose quotes agree with the records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.utils.functional import Promise

from gongkai.reports.content import Figure, ProseProblem, ReportContent, Table
from gongkai.reports.tables import Scope

FIRST_FMT2021_YEAR = 2021  # 国办公开办函〔2021〕30号: the reports from 2021
FIRST_FMT2019_YEAR = 2019  # 国办公开办函〔2019〕60号: the reports for 2019 and 2020


def default_format_key(year: int) -> str:
    if year >= FIRST_FMT2021_YEAR:
        return "fmt2021"
    if year >= FIRST_FMT2019_YEAR:
        return "fmt2019"
    return "seed2014"


@dataclass(frozen=True)
class Subject:
    """Whose report: the scope, the reporting body's name and whether it is the whole
    government (which adds the supervision results to section 一 and aggregates members)."""

    scope: Scope
    agency_name: str

    @property
    def is_government(self) -> bool:
        return self.scope.agency_id is None

    @property
    def year(self) -> int:
        return self.scope.year


@dataclass(frozen=True)
class Fact:
    """Where the prose quotes a figure: ``pattern`` is a regular expression with one group,
    the number (Arabic digits, optionally with a decimal part); it is searched in the text
    of section ``section`` (or of every section when empty)."""

    figure: str
    pattern: str
    section: str = ""


class ReportFormat(Protocol):
    key: str  # "fmt2021", "fmt2019", "seed2014"
    name: str | Promise  # translatable name, e.g. _("National format (国办公开办函〔2021〕30号)")

    def sections(self) -> tuple[tuple[str, str], ...]:
        """(key, printed title) of each section, in order."""
        ...

    def prose_sections(self) -> tuple[tuple[str, str], ...]:
        """(key, printed title) of the sections that carry prose, in order."""
        ...

    def tables(self, subject: Subject) -> tuple[Table, ...]:
        """The report's tables as :meth:`build` lays them out, in order, without computing
        the figures and drafts that only the prose needs (the records page of a cell)."""
        ...

    def figures(self, subject: Subject) -> dict[str, Figure]:
        """The year's named figures, from the records."""
        ...

    def drafts(self, subject: Subject, figures: Mapping[str, Figure]) -> dict[str, str]:
        """A draft of each prose section (section key → plain text), from the figures."""
        ...

    def build(self, subject: Subject, prose: Mapping[str, str]) -> ReportContent:
        """The whole report with the office's prose (a missing section gets its draft)."""
        ...

    def facts(self) -> tuple[Fact, ...]:
        """Where the prose quotes figures (for :func:`check_prose`)."""
        ...


NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _same(expected: int | Decimal, found: str) -> bool:
    try:
        return Decimal(found) == Decimal(expected)
    except InvalidOperation:
        return False


def check_prose(content: ReportContent, facts: tuple[Fact, ...]) -> list[ProseProblem]:
    """Every place the prose quotes a figure (by the facts' patterns) must give the figure's
    value; each disagreement is one problem. A fact the prose does not use is no problem."""
    problems: list[ProseProblem] = []
    for fact in facts:
        figure = content.figures.get(fact.figure)
        if figure is None:
            continue
        pattern = re.compile(fact.pattern)
        for section in content.sections:
            if fact.section and section.key != fact.section:
                continue
            for match in pattern.finditer(section.text):
                found = match.group(1)
                if not _same(figure.value, found):
                    problems.append(
                        ProseProblem(
                            section=section.key,
                            figure=figure.key,
                            label=figure.label,
                            expected=figure.value,
                            found=found,
                        )
                    )
    return problems
