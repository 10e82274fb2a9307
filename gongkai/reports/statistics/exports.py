"""The statistics page's figures as CSV and XLSX (the same three tables as the page).

Text cells go through :func:`gongkai.reports.exports.safe_text`, so an agency name beginning
with ``=`` (or ``+ - @``) is never run as a spreadsheet formula. Only counts and agency names
are written: no personal data.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gongkai.reports.exports import safe_text
from gongkai.reports.statistics.selectors import Trends


def _tables(data: Trends) -> list[tuple[str, list[list[Any]]]]:
    labels = [str(label) for _key, label in data.measures]
    keys = [key for key, _label in data.measures]
    by_month = [[_("Month"), *labels]] + [
        [f"{data.year}-{month:02d}", *(data.by_month[key][month - 1] for key in keys)]
        for month in range(1, 13)
    ]
    by_month.append([_("Total"), *(data.year_total(key) for key in keys)])
    by_agency = [[_("Agency"), *labels]] + [
        [agency.name, *(data.by_agency[agency.pk][key] for key in keys)] for agency in data.agencies
    ]
    by_year = [[_("Year"), *labels]] + [
        [str(year), *(data.by_year[year][key] for key in keys)] for year in data.years
    ]
    return [
        (_("By month"), by_month),
        (_("By agency"), by_agency),
        (_("By year"), by_year),
    ]


def _cell(value: Any) -> Any:
    return safe_text(value) if isinstance(value, str) else value


def trends_to_csv(data: Trends) -> str:
    """The three tables, one after the other, each under its title, UTF-8 text."""
    out = io.StringIO()
    writer = csv.writer(out)
    for number, (title, rows) in enumerate(_tables(data)):
        if number:
            writer.writerow([])
        writer.writerow([safe_text(title)])
        for row in rows:
            writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def trends_to_xlsx(data: Trends) -> bytes:
    """A workbook with a sheet a table."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in _tables(data):
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([_cell(value) for value in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
