"""The 2019 trial format of the annual report (国办公开办函〔2019〕60号), for the reports of 2019
and 2020 (REGULATION.md §4).

The same six sections, figures and drafts as the national format (:mod:`.fmt2021`); table 二 is
the trial form's (documents, item counts of the power list, and 政府集中采购, computed in
:mod:`gongkai.reports.tables_2019`), and in table 三 （六）其他处理 is one row. Table 四 is the
national format's.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.reports import tables as t
from gongkai.reports import tables_2019 as t2019
from gongkai.reports.content import Cell, Ref, Table
from gongkai.reports.formats import register
from gongkai.reports.formats.common import label_cell, number_cell
from gongkai.reports.formats.fmt2021 import (
    SECTIONS,
    Fmt2021,
    applicant_head,
    heading_rows,
    table_four,
    three_row,
)

SPAN = 3  # number columns of the trial table 二


def _cell(figure: t2019.CountedFigure, kind: str, colspan: int = 1) -> Cell:
    refs = tuple(Ref(kind, str(record_id)) for record_id in figure.ids)
    cell = number_cell(figure.value, refs, figure.reason)
    if colspan == 1:
        return cell
    return Cell(cell.text, cell.value, cell.refs, cell.note, colspan=colspan)


def _widened(cells: Sequence[Cell]) -> tuple[Cell, ...]:
    """The last number cell widened so that the row fills the table's columns."""
    *first, last = cells
    if len(cells) == SPAN:
        return tuple(cells)
    wide = Cell(last.text, last.value, last.refs, last.note, colspan=1 + SPAN - len(cells))
    return (*first, wide)


def trial_table_two(tables: t.AnnualTables) -> Table:
    """二、主动公开政府信息情况 of the trial form: five blocks (REG 20 items 1, 5, 6, 8, 9)."""
    two = t2019.trial_table_two(tables.scope)
    head = heading_rows(t2019.DOCUMENT_BLOCK, [c.label for c in t2019.DOCUMENT_COLUMNS], SPAN)
    rows: list[tuple[Cell, ...]] = []
    for row in t2019.DOCUMENT_ROWS:
        cells = [_cell(two.documents[row.key][c.key], "document") for c in t2019.DOCUMENT_COLUMNS]
        rows.append((label_cell(row.label), *cells))
    labels = {c.key: c.label for c in t2019.ITEM_COLUMNS}
    for block in t2019.ITEM_BLOCKS:
        columns = t2019.COLUMNS_OF_BLOCK[block]
        rows += heading_rows(block, [labels[c] for c in columns], SPAN)
        for row in t2019.ITEM_ROWS:
            if row.parent == block:
                cells = [_cell(two.items[row.key][c], "list_record") for c in columns]
                rows.append((label_cell(row.label), *_widened(cells)))
    procurement = t2019.PROCUREMENT_ROW
    keys = [c.key for c in t2019.PROCUREMENT_COLUMNS]
    rows += heading_rows(procurement.parent, [c.label for c in t2019.PROCUREMENT_COLUMNS], SPAN)
    cells = [_cell(two.procurement[c], "list_record") for c in keys]
    rows.append((label_cell(procurement.label), *_widened(cells)))
    notes = (
        f"采购总金额单位：{t2019.PROCUREMENT_UNIT}",
        str(t2019.NO_CENTRAL_PROCUREMENT),
    )
    return Table(key="2", title=SECTIONS[1][1], head=tuple(head), rows=tuple(rows), notes=notes)


def trial_table_three(tables: t.AnnualTables) -> Table:
    """三、收到和处理政府信息公开申请情况 with （六）其他处理 as a single row."""
    three = tables.three
    single = t2019.single_other_row(three)
    rows: list[tuple[Cell, ...]] = []
    for line in t.ROWS_3:
        if line.key == t.RESULTS:
            rows.append((label_cell(line.label, colspan=3 + len(t.COLUMNS_3)),))
        elif line.key == "6":
            rows.append(three_row(line.label, single.__getitem__))
        elif line.parent != "6":

            def numbers(column: str, key: str = line.key) -> tuple[str, ...]:
                return three.numbers[key][column]

            rows.append(three_row(line.label, numbers))
    return Table(key="3", title=SECTIONS[2][1], head=applicant_head(), rows=tuple(rows))


class Fmt2019(Fmt2021):
    """The trial format of 国办公开办函〔2019〕60号: the national format's sections and prose
    with the trial form's tables."""

    key = "fmt2019"
    # A lazy translation, which base.ReportFormat types as str (see the report to integrate).
    name: str | Promise = _("Trial national format (国办公开办函〔2019〕60号)")

    def tables_of(self, tables: t.AnnualTables) -> dict[str, Table]:
        return {
            "2": trial_table_two(tables),
            "3": trial_table_three(tables),
            "4": table_four(tables),
        }


FORMAT = register(Fmt2019())
