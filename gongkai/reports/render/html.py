"""The annual report as HTML: the public page's body, or a standalone printable document.

The fragment (``standalone=False``) uses only what ``gongkai.core.html.sanitize_html`` allows
(headings from ``h2``, ``p``, ``br``, ``div``, tables with ``colspan``/``rowspan``/``scope``,
``sup``, links), so that it survives unchanged in substance as the body of the catalogue
document that publishes the report. Every text is escaped by the template engine: prose is
plain text, never HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from gongkai.reports.content import Cell, ReportContent, Table
from gongkai.reports.render import Grid, Placed, laid_out, paragraphs

StaffLinks = Callable[[Cell], str]


def _lines(text: str) -> list[list[str]]:
    """Each paragraph as its lines (a single line break inside a paragraph is kept)."""
    return [paragraph.split("\n") for paragraph in paragraphs(text)]


def _cell(placed: Placed, staff_links: StaffLinks | None) -> dict[str, Any]:
    cell = placed.cell
    tag = "th" if cell.header else "td"
    scope = ""
    if cell.header:
        if placed.head:
            scope = "colgroup" if cell.colspan > 1 else "col"
        else:
            scope = "rowgroup" if cell.rowspan > 1 else "row"
    href = ""
    if staff_links is not None and cell.value is not None and cell.refs:
        href = staff_links(cell)
    return {
        "tag": tag,
        "text": cell.text,
        "colspan": cell.colspan,
        "rowspan": cell.rowspan,
        "scope": scope,
        "href": href,
        "note_number": placed.note_number,
        "number": cell.value is not None,
    }


def _table(
    table: Table, grid: Grid, section_title: str, staff_links: StaffLinks | None
) -> dict[str, Any]:
    rows = [[_cell(p, staff_links) for p in grid.row(r)] for r in range(grid.rows)]
    return {
        # A table titled like its section (二、主动公开政府信息情况 under 二) is not titled twice.
        "caption": table.title if table.title != section_title else "",
        "head": rows[: grid.head_rows],
        "body": rows[grid.head_rows :],
        "notes": list(table.notes),
        "cell_notes": grid.notes,
    }


def render_html(
    content: ReportContent,
    *,
    staff_links: StaffLinks | None = None,
    standalone: bool = False,
) -> str:
    """The report as HTML: the title, the preamble, each section's heading, its prose (one
    ``<p>`` a paragraph) and its tables laid out with their merged cells; cell notes become
    numbered footnotes under their table.

    ``staff_links`` (for staff pages only) gives the URL of the records behind a cell: each
    number with refs becomes a link to it. ``standalone`` wraps the body in a complete
    document with its own print stylesheet and no external asset; otherwise the result is a
    fragment whose headings start at ``h2`` (the page around it has the ``h1``)."""
    grids = laid_out(content)
    sections = [
        {
            "title": section.title,
            "paragraphs": _lines(section.text) if section.has_prose else [],
            "tables": [
                _table(table, grid, section.title, staff_links)
                for table, grid in grids[section.key]
            ],
        }
        for section in content.sections
    ]
    context = {
        "title": content.title,
        "title_level": 1 if standalone else 2,
        "section_level": 2 if standalone else 3,
        "preamble": _lines(content.preamble),
        "sections": sections,
    }
    fragment = render_to_string("reports/render/report.html", context)
    if not standalone:
        return fragment
    return render_to_string(
        "reports/render/standalone.html",
        # The fragment was rendered and escaped by the template above.
        {"title": content.title, "fragment": mark_safe(fragment)},
    )
