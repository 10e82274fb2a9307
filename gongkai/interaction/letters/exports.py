"""The letters' statistics as an XLSX workbook (the workbench's export), in a flat, stable
layout (documented in docs/staff-guide.md).

One sheet, one header row, then one row per line of the statistics page: the total first, then
each agency, each type and each month. The columns never change with the data or the filters:
the section (``total``, ``agency``, ``type``, ``month`` — codes, the same in every language),
the name of the line (the agency, the type, or the month as ``YYYY-MM``), the first and last
day counted, the reading day, then every figure of :class:`~gongkai.interaction.letters.
statistics.Figures` in a fixed order; rates are per cent with one decimal, the working days
with one decimal, an empty cell where a figure has nothing to count. Only the header row
follows the language of the page. A name a spreadsheet would take for a formula (starting with
=, +, -, @, a tab or a carriage return) is written with a leading apostrophe and stored as text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongkai.interaction.letters.statistics import Figures, Report, Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = "letters"


def safe_cell(value: Any) -> Any:
    """``value``, with an apostrophe before a text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# The figures' columns, in order: (header, value of a Figures).
FIGURE_COLUMNS: list[tuple[Callable[[], str], Callable[[Figures], Any]]] = [
    (lambda: _("Received"), lambda f: f.received),
    (lambda: _("Accepted"), lambda f: f.accepted),
    (lambda: _("Not accepted"), lambda f: f.rejected),
    (lambda: _("Replied"), lambda f: f.replied),
    (lambda: _("Replied on time"), lambda f: f.on_time),
    (lambda: _("Replied late"), lambda f: f.late),
    (lambda: _("On-time rate (%)"), lambda f: _number(f.on_time_rate)),
    (lambda: _("Overdue at the end"), lambda f: f.overdue),
    (lambda: _("Reopened"), lambda f: f.reopened),
    (lambda: _("Mean working days to reply"), lambda f: _number(f.mean_working_days)),
    (lambda: _("Median working days to reply"), lambda f: _number(f.median_working_days)),
    (lambda: _("Satisfied"), lambda f: f.satisfied),
    (lambda: _("Fairly satisfied"), lambda f: f.fairly_satisfied),
    (lambda: _("Unsatisfied"), lambda f: f.unsatisfied),
    (lambda: _("Rated"), lambda f: f.rated),
    (lambda: _("Satisfaction rate (%)"), lambda f: _number(f.satisfaction_rate)),
    (lambda: _("Received through the portal"), lambda f: f.received_online),
    (lambda: _("Of these, replied"), lambda f: f.replied_online),
    (lambda: _("Reply rate (%)"), lambda f: _number(f.reply_rate)),
]


def headers() -> list[str]:
    return [
        pgettext("letter statistics", "Section"),
        pgettext("letter statistics", "Name"),
        pgettext("letter statistics", "From"),
        pgettext("letter statistics", "To"),
        pgettext("letter statistics", "Read on"),
        *(header() for header, _value in FIGURE_COLUMNS),
    ]


def export_rows(report: Report, months: list[Row]) -> Iterator[list[Any]]:
    """The rows below the header: the total, each agency, each type, each month of
    ``months`` (cells not yet guarded against formulas)."""

    def line(section: str, name: str, row_start: Any, row_end: Any, data: Figures) -> list[Any]:
        dates = [row_start.isoformat(), row_end.isoformat(), report.as_of.isoformat()]
        return [section, name, *dates, *(value(data) for _header, value in FIGURE_COLUMNS)]

    yield line("total", _("Total"), report.start, report.end, report.total)
    for row in report.by_agency:
        name = row.label if row.key is not None else _("Not assigned to an agency")
        yield line("agency", name, report.start, report.end, row.figures)
    for row in report.by_type:
        yield line("type", row.label, report.start, report.end, row.figures)
    for row in months:
        yield line("month", f"{row.key:%Y-%m}", row.start, row.end, row.figures)


def export_xlsx(report: Report, months: list[Row]) -> bytes:
    """The statistics as an XLSX workbook of one sheet; numbers as numbers, texts as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=SHEET_TITLE)
    bold = Font(bold=True)
    header_cells = []
    for header in headers():
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in export_rows(report, months):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
