"""The annual report's tables as data files: JSON and XLSX (REG 50, FMT2021).

Both carry the same content — the year, the scope, the format, tables 二, 三 and 四 with the
national form's labels exactly as REGULATION.md §4 prints them, and the validation failures —
so that a file can be checked or re-used without the platform.

JSON layout (``"layout": 1``; keys are stable ASCII, labels are the printed Chinese)::

    {
      "layout": 1, "format": "fmt2021", "year": 2025,
      "scope": "<agency org_code>" | "all", "agency": "<agency name>" | null,
      "tables": {
        "二": {"title": "二、主动公开政府信息情况",
               "blocks": [{"item": "第二十条第（一）项",
                           "columns": [{"key": "made", "label": "本年制发件数"}, ...],
                           "rows": [{"key": "normative", "label": "行政规范性文件",
                                     "cells": {"made": 3, ...}, "notes": {"made": "..."}}]},
                          ...]},
        "三": {"title": ..., "heading": "申请人情况",
               "columns": [{"key": "person", "label": "自然人", "group": null}, ...],
               "rows": [{"key": "new", "label": "一、本年新收政府信息公开申请数量",
                         "parent": null, "cells": {"person": 1, ..., "total": 4}}, ...]},
        "四": {"title": ..., "results": [{"key": "upheld", "label": "结果维持"}, ...],
               "rows": [{"key": "reconsideration", "label": "行政复议", "group": null,
                         "cells": {"upheld": 0, ..., "total": 0}}, ...]}
      },
      "validation": [{"table": "三", "row": ..., "column": ..., "expected": 1, "found": 2,
                      "numbers": [...], "message": "..."}]
    }

A heading row that carries no numbers (三、本年度办理结果) has ``"cells": null``. The fees of
table 二 (万元) are a JSON number. Notes and messages are in the active language.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from gongkai.reports.tables import (
    APPLICANT_HEADING,
    COLUMNS_3,
    DECISION_COLUMN,
    DECISION_ROWS,
    DOCUMENT_COLUMNS,
    DOCUMENT_ROWS,
    FEES_COLUMN,
    FEES_ROW,
    ORGANISATIONS_HEADING,
    REMEDY_KINDS,
    REMEDY_RESULTS,
    RESULTS,
    ROWS_3,
    AnnualTables,
    Figure,
    Line,
)
from gongkai.reports.validation import Failure

LAYOUT = 1
FORMAT = "fmt2021"
ALL = "all"
TITLE_2 = "二、主动公开政府信息情况"
TITLE_3 = "三、收到和处理政府信息公开申请情况"
TITLE_4 = "四、政府信息公开行政复议、行政诉讼情况"
CONTENT_HEADING = "信息内容"


def _number(value: int | Decimal) -> int | float:
    """A cell as a plain number (fees in 万元 may have decimals)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _blocks_2(tables: AnnualTables) -> list[dict[str, Any]]:
    """Table 二 as its four blocks, each with its columns and rows."""
    two = tables.two
    decision_column = [{"key": "decisions", "label": DECISION_COLUMN}]

    def row(line: Line, figures: dict[str, Figure]) -> dict[str, Any]:
        return {
            "key": line.key,
            "label": line.label,
            "cells": {key: _number(figure.value) for key, figure in figures.items()},
            "notes": {key: str(figure.reason) for key, figure in figures.items() if figure.reason},
        }

    def block(item: str, columns: list[dict[str, str]], rows: list[dict[str, Any]]):
        return {"item": item, "columns": columns, "rows": rows}

    item_1, item_5 = DOCUMENT_ROWS[0].parent, DECISION_ROWS[0].parent
    item_6 = DECISION_ROWS[1].parent
    return [
        block(
            item_1,
            [{"key": c.key, "label": c.label} for c in DOCUMENT_COLUMNS],
            [row(line, dict(two.documents[line.key])) for line in DOCUMENT_ROWS],
        ),
        block(
            item_5,
            decision_column,
            [
                row(line, {"decisions": two.decisions[line.key]})
                for line in DECISION_ROWS
                if line.parent == item_5
            ],
        ),
        block(
            item_6,
            decision_column,
            [
                row(line, {"decisions": two.decisions[line.key]})
                for line in DECISION_ROWS
                if line.parent == item_6
            ],
        ),
        block(
            FEES_ROW.parent,
            [{"key": "fees", "label": FEES_COLUMN}],
            [row(FEES_ROW, {"fees": two.fees})],
        ),
    ]


def _table_3(tables: AnnualTables) -> dict[str, Any]:
    cells = tables.three.cells
    return {
        "title": TITLE_3,
        "heading": APPLICANT_HEADING,
        "columns": [
            {
                "key": c.key,
                "label": c.label,
                "group": ORGANISATIONS_HEADING if c.parent else None,
            }
            for c in COLUMNS_3
        ],
        "rows": [
            {
                "key": r.key,
                "label": r.label,
                "parent": r.parent or None,
                "cells": None
                if r.key == RESULTS
                else {c.key: cells[r.key][c.key] for c in COLUMNS_3},
            }
            for r in ROWS_3
        ],
    }


def _table_4(tables: AnnualTables) -> dict[str, Any]:
    cells = tables.four.cells
    return {
        "title": TITLE_4,
        "results": [{"key": r.key, "label": r.label} for r in REMEDY_RESULTS],
        "rows": [
            {
                "key": k.key,
                "label": k.label,
                "group": k.parent or None,
                "cells": {r.key: cells[k.key][r.key] for r in REMEDY_RESULTS},
            }
            for k in REMEDY_KINDS
        ],
    }


def _failure(failure: Failure) -> dict[str, Any]:
    return {
        "table": failure.table,
        "row": failure.row,
        "column": failure.column,
        "expected": failure.expected,
        "found": failure.found,
        "numbers": list(failure.numbers),
        "message": str(failure),
    }


def tables_document(
    tables: AnnualTables,
    *,
    scope: str,
    agency_name: str | None = None,
    failures: Sequence[Failure] = (),
) -> dict[str, Any]:
    """The export's content as plain data (the JSON layout of this module's docstring)."""
    return {
        "layout": LAYOUT,
        "format": FORMAT,
        "year": tables.scope.year,
        "scope": scope,
        "agency": agency_name,
        "tables": {
            "二": {"title": TITLE_2, "blocks": _blocks_2(tables)},
            "三": _table_3(tables),
            "四": _table_4(tables),
        },
        "validation": [_failure(f) for f in failures],
    }


def tables_to_json(
    tables: AnnualTables,
    *,
    scope: str,
    agency_name: str | None = None,
    failures: Sequence[Failure] = (),
) -> str:
    """Tables 二, 三 and 四 as JSON (UTF-8 text, Chinese unescaped, keys in a fixed order).
    ``scope`` is the agency's org_code or ``"all"`` for the whole government."""
    document = tables_document(tables, scope=scope, agency_name=agency_name, failures=failures)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- XLSX

FORMULA_STARTS = ("=", "+", "-", "@")


def safe_text(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula (CSV/formula injection):
    text starting with = + - or @ is prefixed with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> None:
    """Write one cell: numbers as numbers, text guarded and always stored as text."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
    else:
        cell.value = value


def _sheet_2(sheet: Worksheet, document: dict[str, Any], heading: str) -> None:
    table = document["tables"]["二"]
    _put(sheet, 1, 1, table["title"])
    _put(sheet, 2, 1, heading)
    row = 3
    for block in table["blocks"]:
        _put(sheet, row, 1, block["item"])
        row += 1
        _put(sheet, row, 1, CONTENT_HEADING)
        for offset, column in enumerate(block["columns"]):
            _put(sheet, row, 2 + offset, column["label"])
        row += 1
        for line in block["rows"]:
            _put(sheet, row, 1, line["label"])
            for offset, column in enumerate(block["columns"]):
                _put(sheet, row, 2 + offset, line["cells"][column["key"]])
            row += 1


def _sheet_3(sheet: Worksheet, document: dict[str, Any], heading: str) -> None:
    table = document["tables"]["三"]
    columns = table["columns"]
    _put(sheet, 1, 1, table["title"])
    _put(sheet, 2, 1, heading)
    # Three header rows: 申请人情况; 自然人 | 法人或其他组织 | 总计; the five kinds of organisation.
    _put(sheet, 3, 2, table["heading"])
    sheet.merge_cells(start_row=3, start_column=2, end_row=3, end_column=1 + len(columns))
    grouped = [i for i, c in enumerate(columns) if c["group"]]
    for i, column in enumerate(columns):
        if column["group"]:
            _put(sheet, 5, 2 + i, column["label"])
        else:
            _put(sheet, 4, 2 + i, column["label"])
            sheet.merge_cells(start_row=4, start_column=2 + i, end_row=5, end_column=2 + i)
    _put(sheet, 4, 2 + grouped[0], ORGANISATIONS_HEADING)
    sheet.merge_cells(
        start_row=4, start_column=2 + grouped[0], end_row=4, end_column=2 + grouped[-1]
    )
    for offset, line in enumerate(table["rows"]):
        _put(sheet, 6 + offset, 1, line["label"])
        if line["cells"] is None:
            continue
        for i, column in enumerate(columns):
            _put(sheet, 6 + offset, 2 + i, line["cells"][column["key"]])
    sheet.column_dimensions["A"].width = 60


def _sheet_4(sheet: Worksheet, document: dict[str, Any], heading: str) -> None:
    table = document["tables"]["四"]
    results = table["results"]
    width = len(results)
    _put(sheet, 1, 1, table["title"])
    _put(sheet, 2, 1, heading)
    # Header rows: 行政复议 | 行政诉讼; 未经复议直接起诉 | 复议后起诉; the five results under each.
    groups: dict[str, int] = {}
    for i, kind in enumerate(table["rows"]):
        first = 1 + i * width
        if kind["group"]:
            if kind["group"] not in groups:
                groups[kind["group"]] = first
                _put(sheet, 3, first, kind["group"])
            _put(sheet, 4, first, kind["label"])
            sheet.merge_cells(
                start_row=4, start_column=first, end_row=4, end_column=first + width - 1
            )
        else:
            _put(sheet, 3, first, kind["label"])
            sheet.merge_cells(
                start_row=3, start_column=first, end_row=4, end_column=first + width - 1
            )
        for j, result in enumerate(results):
            _put(sheet, 5, first + j, result["label"])
            _put(sheet, 6, first + j, kind["cells"][result["key"]])
    for group, first in groups.items():
        end = max(
            1 + i * width + width - 1
            for i, kind in enumerate(table["rows"])
            if kind["group"] == group
        )
        sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=end)


def _sheet_validation(sheet: Worksheet, document: dict[str, Any]) -> None:
    _put(sheet, 1, 1, _("Validation"))
    failures = document["validation"]
    if not failures:
        _put(sheet, 2, 1, _("Every identity of the tables holds."))
        return
    for offset, label in enumerate(
        (_("Table"), _("Row"), _("Column"), _("Expected"), _("Found"), _("Message"))
    ):
        _put(sheet, 2, 1 + offset, label)
    for row, failure in enumerate(failures, start=3):
        values = ("table", "row", "column", "expected", "found", "message")
        for offset, key in enumerate(values):
            _put(sheet, row, 1 + offset, failure[key])


def tables_to_xlsx(
    tables: AnnualTables,
    *,
    scope: str,
    agency_name: str | None = None,
    failures: Sequence[Failure] = (),
) -> bytes:
    """Tables 二, 三 and 四 as an XLSX workbook: one sheet per table (named 二, 三, 四) with the
    national form's header rows, numbers as numbers, and a last sheet of validation failures.
    Row 2 of each table's sheet names the year and the scope."""
    document = tables_document(tables, scope=scope, agency_name=agency_name, failures=failures)
    heading = _("%(scope)s, %(year)s") % {
        "year": document["year"],
        "scope": agency_name or (_("the whole government") if scope == ALL else scope),
    }
    book = Workbook()
    first = book.worksheets[0]  # a new workbook's one sheet
    first.title = "二"
    _sheet_2(first, document, heading)
    _sheet_3(book.create_sheet("三"), document, heading)
    _sheet_4(book.create_sheet("四"), document, heading)
    _sheet_validation(book.create_sheet(_("Validation")[:31]), document)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
