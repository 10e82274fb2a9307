"""Any format's report as data files: JSON of the whole content, XLSX of its tables.

These serve every format the same way (the seed's 2014 structure, the 2019 trial format …).
For the national format (fmt2021) the canonical tables export stays
``gongkai.reports.exports.tables_to_json`` / ``tables_to_xlsx`` (keyed by the form's rows and
columns, with the validation failures), and ``manage.py annual_report`` uses those for fmt2021's
``.json`` and ``.xlsx``; these writers for the other formats.

The refs behind numbers are left out: these files are published. JSON layout (``"layout": 1``)::

    {"layout": 1, "format": "seed2014", "year": 2014, "agency": "…", "title": "…",
     "preamble": "…",
     "sections": [{"key": "1", "title": "一、概述", "text": "…",
                   "tables": [{"key": "…", "title": "…", "notes": ["…"],
                               "head": [[{"text": "…", "value": null, "colspan": 1,
                                          "rowspan": 1, "header": true, "note": ""}, …], …],
                               "rows": [[…], …]}]}],
     "figures": {"applications": {"label": "…", "value": 15, "unit": "件"}}}
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.reports.content import Cell, Number, ReportContent, Table
from gongkai.reports.exports import safe_text
from gongkai.reports.render import laid_out

LAYOUT = 1
SHEET_NAME_LENGTH = 31  # Excel's limit
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _number(value: Number | None) -> int | float | None:
    """A cell's value as a JSON or spreadsheet number (amounts in 万元 may have decimals)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _cell(cell: Cell) -> dict[str, Any]:
    return {
        "text": cell.text,
        "value": _number(cell.value),
        "colspan": cell.colspan,
        "rowspan": cell.rowspan,
        "header": cell.header,
        "note": cell.note,
    }


def _table(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "head": [[_cell(cell) for cell in row] for row in table.head],
        "rows": [[_cell(cell) for cell in row] for row in table.rows],
        "notes": list(table.notes),
    }


def content_document(content: ReportContent) -> dict[str, Any]:
    """The report as plain data (the JSON layout of this module's docstring)."""
    return {
        "layout": LAYOUT,
        "format": content.format,
        "year": content.year,
        "agency": content.agency_name,
        "title": content.title,
        "preamble": content.preamble,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "text": section.text if section.has_prose else "",
                "tables": [_table(table) for table in section.tables],
            }
            for section in content.sections
        ],
        "figures": {
            key: {"label": figure.label, "value": _number(figure.value), "unit": figure.unit}
            for key, figure in content.figures.items()
        },
    }


def content_to_json(content: ReportContent) -> str:
    """The whole report as JSON (UTF-8 text, Chinese unescaped): its sections with their
    prose and tables (rows of cells with their text and value) and the named figures."""
    return json.dumps(content_document(content), ensure_ascii=False, indent=2) + "\n"


def _sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name from a table's title."""
    base = title.translate(SHEET_NAME_FORBIDDEN).strip().strip("'") or _("Table")
    name = base[:SHEET_NAME_LENGTH]
    n = 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _put(sheet: Worksheet, row: int, column: int, cell: Cell | str) -> None:
    """Write one cell: a number as a number, text guarded against formulas and stored as
    text; heading cells bold."""
    target = sheet.cell(row=row, column=column)
    if isinstance(cell, str):
        target.value = safe_text(cell)
        target.data_type = "s"
        return
    if cell.value is not None:
        target.value = _number(cell.value)
    else:
        target.value = safe_text(cell.text)
        target.data_type = "s"
    if cell.header:
        target.font = Font(bold=True)
    target.alignment = Alignment(wrap_text=True, vertical="center")


def content_to_xlsx(content: ReportContent) -> bytes:
    """The report's tables as an XLSX workbook: one sheet per table, named from its title,
    with the title in row 1, the reporting body and year in row 2, the table from row 4 with
    its merged cells merged, numbers as numbers and every text kept as text (never run as a
    formula), then the table's notes (a cell's note is also its comment); a last sheet lists
    the named figures."""
    book = Workbook()
    first: Worksheet | None = book.worksheets[0]  # a new workbook's one sheet, reused
    taken: set[str] = set()
    heading = _("%(agency)s, %(year)s") % {"agency": content.agency_name, "year": content.year}
    for _section_key, grids in laid_out(content).items():
        for table, grid in grids:
            if first is not None:
                sheet, first = first, None
                sheet.title = _sheet_name(table.title, taken)
            else:
                sheet = book.create_sheet(_sheet_name(table.title, taken))
            _put(sheet, 1, 1, table.title)
            sheet.cell(row=1, column=1).font = Font(bold=True)
            _put(sheet, 2, 1, heading)
            top = 4
            for placed in grid.cells:
                cell = placed.cell
                marker = f"[{placed.note_number}]" if placed.note_number else ""
                if marker and cell.value is None:  # a number stays a number: see its comment
                    cell = Cell(text=cell.text + marker, header=cell.header)
                _put(sheet, top + placed.row, 1 + placed.column, cell)
                if marker:
                    sheet.cell(top + placed.row, 1 + placed.column).comment = Comment(
                        f"{marker} {placed.cell.note}", content.agency_name
                    )
                if placed.cell.rowspan > 1 or placed.cell.colspan > 1:
                    sheet.merge_cells(
                        start_row=top + placed.row,
                        start_column=1 + placed.column,
                        end_row=top + placed.last_row,
                        end_column=1 + placed.last_column,
                    )
            row = top + grid.rows + 1
            for note in (*table.notes, *(f"[{n}] {note}" for n, note in grid.notes)):
                _put(sheet, row, 1, note)
                row += 1
            sheet.column_dimensions["A"].width = 40
    figures = first if first is not None else book.create_sheet()
    figures.title = _sheet_name(_("Figures"), taken)
    for offset, label in enumerate((_("Key"), _("Figure"), _("Value"), _("Unit"))):
        _put(figures, 1, 1 + offset, label)
    for row, (key, figure) in enumerate(content.figures.items(), start=2):
        _put(figures, row, 1, key)
        _put(figures, row, 2, figure.label)
        figures.cell(row=row, column=3).value = _number(figure.value)
        _put(figures, row, 4, figure.unit)
    figures.column_dimensions["B"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
