"""The annual report's writers: one :class:`~gongkai.reports.content.ReportContent` in, one
file out — HTML (the public page, or a standalone document), DOCX (for printing and signing),
PDF (Chinese embedded and extractable), and JSON and XLSX of any format's content.

Each writer takes only the content, so every format (fmt2021, fmt2019, seed2014) is written by
the same code. This module holds what the writers share: :func:`content_for` (the one place
that builds a report's content, which the command calls and the report model will call with
the office's prose), the years each format covers, the prose's paragraphs and the table
layout (:func:`layout`: where each cell of a table with colspan/rowspan lands on the grid).
Why these libraries and fonts: docs/decisions/0021-annual-report-writers.md.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from gongkai.reports.content import Cell, ReportContent, Table
from gongkai.reports.formats import get_format
from gongkai.reports.formats.base import FIRST_FMT2019_YEAR, FIRST_FMT2021_YEAR, Subject
from gongkai.reports.tables import Scope

# The first year the seed's free structure can serve: the 2007 Regulation applied from
# 2008-05-01, and the first annual reports were for 2008 (REGULATION.md §0).
FIRST_REPORT_YEAR = 2008


class RenderError(ValueError):
    """A report cannot be written (its message is translated and says what to do)."""


def content_for(
    scope: Scope, agency_name: str, format_key: str, prose: Mapping[str, str]
) -> ReportContent:
    """The report of ``scope`` in the format ``format_key``, with the office's ``prose``
    (section key → plain text; a section missing from it gets the format's draft).

    The command passes no prose (the drafts); the published report passes the prose the office
    wrote, kept with the report. ``KeyError`` for an unknown format."""
    return get_format(format_key).build(Subject(scope, agency_name), prose=prose)


def format_years(format_key: str, today: datetime.date) -> tuple[int, int]:
    """The first and last year a report in ``format_key`` can be made for, as of ``today``:
    fmt2021 from 2021 (国办公开办函〔2021〕30号), fmt2019 for 2019 and 2020
    (国办公开办函〔2019〕60号), the seed's free structure for any year from 2008; never a year
    after the current one."""
    last = today.year
    if format_key == "fmt2021":
        return FIRST_FMT2021_YEAR, last
    if format_key == "fmt2019":
        return FIRST_FMT2019_YEAR, min(FIRST_FMT2021_YEAR - 1, last)
    return FIRST_REPORT_YEAR, last


_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a prose text: split on blank lines, each stripped of surrounding
    space (a paragraph may keep single line breaks); empty ones dropped."""
    parts = _BLANK_LINES.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    return [part.strip() for part in parts if part.strip()]


@dataclass(frozen=True)
class Placed:
    """A cell placed on its table's grid: its top row and left column (0-based, rows counted
    from the first heading row) and the cell, whose colspan/rowspan cover the rest."""

    row: int
    column: int
    cell: Cell
    head: bool  # a heading row's cell
    note_number: int = 0  # the cell's footnote number when it has a note

    @property
    def last_row(self) -> int:
        return self.row + self.cell.rowspan - 1

    @property
    def last_column(self) -> int:
        return self.column + self.cell.colspan - 1


@dataclass(frozen=True)
class Grid:
    """A table laid out: how many rows (heading rows first) and columns, and every cell."""

    rows: int
    columns: int
    head_rows: int
    cells: tuple[Placed, ...]

    @property
    def notes(self) -> list[tuple[int, str]]:
        """The footnotes of the table's cells: (number, note), in reading order."""
        return [(p.note_number, p.cell.note) for p in self.cells if p.note_number]

    def row(self, index: int) -> list[Placed]:
        """The cells that start on row ``index``, left to right."""
        return [p for p in self.cells if p.row == index]


def layout(table: Table, *, first_note: int = 1) -> Grid:
    """Where each cell of ``table`` lands, as a browser lays out an HTML table: a cell takes
    the first free column of its row, after the columns that cells above still span. The
    cells with a note are numbered from ``first_note`` in reading order (footnotes).

    ``RenderError`` when the table's spans overlap or reach beyond its last row."""
    all_rows = (*table.head, *table.rows)
    taken: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    note = first_note
    for r, row in enumerate(all_rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(max(cell.rowspan, 1)):
                for dc in range(max(cell.colspan, 1)):
                    if (r + dr, c + dc) in taken:
                        raise RenderError(_overlap_message(table))
                    taken.add((r + dr, c + dc))
            number = 0
            if cell.note:
                number, note = note, note + 1
            placed.append(Placed(r, c, cell, head=r < len(table.head), note_number=number))
            c += max(cell.colspan, 1)
    if any(p.last_row >= len(all_rows) for p in placed):
        raise RenderError(_overlap_message(table))
    columns = max((p.last_column + 1 for p in placed), default=0)
    return Grid(len(all_rows), columns, len(table.head), tuple(placed))


def _overlap_message(table: Table) -> str:
    return gettext("The table “%(title)s” cannot be laid out: its merged cells overlap.") % {
        "title": table.title
    }


def laid_out(content: ReportContent) -> dict[str, list[tuple[Table, Grid]]]:
    """Every table of the report laid out, by section key, with the footnotes numbered from
    1 across the whole report (so that the notes of two tables never share a number)."""
    result: dict[str, list[tuple[Table, Grid]]] = {}
    first = 1
    for section in content.sections:
        grids = result.setdefault(section.key, [])
        for table in section.tables:
            grid = layout(table, first_note=first)
            first += len(grid.notes)
            grids.append((table, grid))
    return result


def chinese_date(day: datetime.date) -> str:
    """``2026-01-15`` → ``2026年1月15日``, as official documents date themselves."""
    return f"{day.year}年{day.month}月{day.day}日"
