"""The annual report as PDF (fpdf2): A4, Chinese embedded as a TrueType subset so that it
renders in every reader and its text can be searched and copied, tables drawn with their
merged cells, page numbers in the footer, the reporting body and the date at the end.

Bold is drawn as fill-and-stroke, as in the notices: the font has no bold face.
"""

from __future__ import annotations

import datetime
import logging
from functools import cache

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.info_requests.letters import NoticeFont
from gongkai.reports.content import ReportContent, Table
from gongkai.reports.render import Grid, RenderError, chinese_date, laid_out, paragraphs
from gongkai.reports.render.fonts import ReportFontMissing, report_font

logger = logging.getLogger(__name__)

FAMILY = "report-cjk"
MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM = 25.0, 25.0, 22.0, 22.0  # mm
BODY_SIZE, HEADING_SIZE, TITLE_SIZE, TABLE_SIZE, NOTE_SIZE = 12, 14, 18, 9, 9  # pt
INDENT = "\u3000\u3000"  # paragraphs start two characters in
HEADING_FILL = (235, 235, 235)
# Column widths follow the longest single-column text, within these bounds (characters).
NARROWEST, WIDEST = 3, 18


class _FontTablesFilter(logging.Filter):
    """fontTools' subsetter logs some forty lines of progress for each PDF, and that it keeps
    UMing's unused bitmap table; fpdf2 logs the characters the font lacks (counted below)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("fontTools"):
            return record.levelno >= logging.WARNING and "NOT subset" not in str(record.msg)
        return "is missing the following glyphs" not in str(record.msg)


@cache
def _quiet_font_logs() -> None:
    quiet = _FontTablesFilter()
    logging.getLogger("fpdf.output").addFilter(quiet)
    logging.getLogger("fontTools.subset").addFilter(quiet)


def _width(text: str) -> int:
    """A text's width in Chinese characters (Latin letters and digits count half)."""
    return (sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 1) // 2


def column_weights(grid: Grid) -> list[int]:
    """Relative column widths: each column as wide as its longest text in a cell of its own
    (one column wide) and a character of padding, kept between NARROWEST and WIDEST
    characters; longer texts wrap."""
    weights = [NARROWEST] * grid.columns
    for placed in grid.cells:
        if placed.cell.colspan == 1:
            wanted = min(max(_width(placed.cell.text) + 1, NARROWEST), WIDEST)  # + padding
            weights[placed.column] = max(weights[placed.column], wanted)
    return weights


def render_pdf(
    content: ReportContent,
    *,
    on: datetime.date | None = None,
    font: NoticeFont | None = None,
) -> bytes:
    """The report as PDF bytes. ``on`` is the date printed under the reporting body (today
    by default); ``font`` the CJK TrueType font (by default :func:`report_font`, which raises
    ``ReportFontMissing`` with a translated message when it is not installed)."""
    from fpdf import FPDF
    from fpdf.enums import TextMode, WrapMode, XPos, YPos
    from fpdf.errors import FPDFException
    from fpdf.fonts import FontFace

    font = font or report_font()
    day = on or timezone.localdate()
    _quiet_font_logs()

    class ReportPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font(FAMILY, size=NOTE_SIZE)
            self.cell(0, 8, f"— {self.page_no()} —", align="C")

    pdf = ReportPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(left=MARGIN_LEFT, top=MARGIN_TOP, right=MARGIN_RIGHT)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    try:
        pdf.add_font(FAMILY, fname=str(font.path), collection_font_number=font.index)
    except Exception as error:  # a damaged or unsupported font file: fontTools raises anything
        logger.error("Report font %s cannot be loaded: %s", font.path, error)
        raise ReportFontMissing(
            _("The report cannot be written as PDF: the font %(path)s cannot be read.")
            % {"path": font.path}
        ) from None
    pdf.set_title(content.title)
    pdf.set_author(content.agency_name)
    pdf.set_creator("Gongkai")
    pdf.set_lang("zh-CN")
    pdf.add_page()

    def block(text: str, *, size: float, height: float, align: str = "J", bold=False) -> None:
        pdf.set_font(FAMILY, size=size)
        if bold:
            with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.2):
                pdf.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN,
                               new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)  # fmt: skip
        else:
            pdf.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)  # fmt: skip

    def prose(text: str) -> None:
        for paragraph in paragraphs(text):
            block(INDENT + paragraph.replace("\n", "\n" + INDENT), size=BODY_SIZE, height=7)
            pdf.ln(1)

    def table(table: Table, grid: Grid, section_title: str) -> None:
        if table.title != section_title:
            pdf.ln(2)
            block(table.title, size=BODY_SIZE, height=7, align="C", bold=True)
        pdf.ln(2)
        pdf.set_font(FAMILY, size=TABLE_SIZE)
        heading = FontFace(fill_color=HEADING_FILL)
        with pdf.table(
            col_widths=tuple(column_weights(grid)),
            width=pdf.epw,
            line_height=5,
            text_align="CENTER",
            v_align="MIDDLE",
            wrapmode=WrapMode.CHAR,
            first_row_as_headings=grid.head_rows > 0,
            num_heading_rows=grid.head_rows,
            headings_style=heading,
            repeat_headings=1,
        ) as drawn:
            for r in range(grid.rows):
                row = drawn.row()
                for placed in grid.row(r):
                    cell = placed.cell
                    text = cell.text + (f"[{placed.note_number}]" if placed.note_number else "")
                    row.cell(
                        text,
                        colspan=cell.colspan,
                        rowspan=cell.rowspan,
                        style=heading if cell.header else None,
                        # Labels of the body read from the left, numbers and headings centred.
                        align="CENTER" if placed.head or cell.value is not None else "LEFT",
                    )
        notes = [*table.notes, *(f"[{n}] {note}" for n, note in grid.notes)]
        if notes:
            pdf.ln(1)
            for note in notes:
                block(note, size=NOTE_SIZE, height=5, align="L")
        pdf.ln(3)

    try:
        block(content.title, size=TITLE_SIZE, height=11, align="C", bold=True)
        pdf.ln(5)
        prose(content.preamble)
        grids = laid_out(content)
        for section in content.sections:
            pdf.ln(2)
            block(section.title, size=HEADING_SIZE, height=9, align="L", bold=True)
            if section.has_prose:
                prose(section.text)
            for drawn_table, grid in grids[section.key]:
                table(drawn_table, grid, section.title)
        pdf.ln(12)
        block(content.agency_name, size=BODY_SIZE, height=7, align="R")
        block(chinese_date(day), size=BODY_SIZE, height=7, align="R")
        data = bytes(pdf.output())
    except FPDFException as error:  # a table fpdf2 cannot draw (a span past its end …)
        raise RenderError(
            _("The report cannot be written as PDF: %(reason)s") % {"reason": error}
        ) from error
    missing = sum(len(getattr(added, "missing_glyphs", ())) for added in pdf.fonts.values())
    if missing:
        logger.warning("Report PDF: %d characters have no glyph in the font", missing)
    return data
