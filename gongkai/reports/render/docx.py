"""The annual report as DOCX (python-docx), for printing and signing.

A4 with the margins of official documents (GB/T 9704), the title in 宋体 bold centred, the
section headings in 黑体 as Word headings (so they show in Word's navigation pane), the prose
in 仿宋 with paragraphs indented two characters, each table a real Word table whose merged
cells are Word's merged cells, cell notes as numbered notes under the table, and at the end
the reporting body and the date, on the right, for the signature and the seal. The fonts are
named in ``w:eastAsia`` (and the theme fonts removed) as in the notices (decision 0013), so
Word uses the printing machine's own Chinese fonts.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone

from gongkai.reports.content import ReportContent, Table
from gongkai.reports.render import Grid, chinese_date, laid_out, paragraphs

BODY_FONT = "仿宋"  # FangSong: the body of official documents (GB/T 9704)
TITLE_FONT = "宋体"  # SimSun, bold: the title
HEADING_FONT = "黑体"  # SimHei: first-level headings (一、二、…)
LATIN_FONT = "Times New Roman"
BODY_SIZE, TITLE_SIZE, HEADING_SIZE, TABLE_SIZE, NOTE_SIZE = 16, 22, 16, 10.5, 10.5  # pt
TABLE_STYLE = "Table Grid"


def _set_fonts(r_pr: Any, east_asia: str) -> None:
    """Name the Latin and the East Asian font of a run or style; drop theme fonts (Word would
    prefer them to the names) and mark the East Asian language as zh-CN."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = r_pr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_number_footer(section: Any) -> None:
    """The page number centred in the footer: — 1 —."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" —")


def render_docx(content: ReportContent, *, on: datetime.date | None = None) -> bytes:
    """The report as DOCX bytes; ``on`` is the date under the reporting body's name (today by
    default), where the report is signed and sealed."""
    from docx import Document as new_document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    day = on or timezone.localdate()
    document = new_document()
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        default_r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if default_r_pr is not None:
            _set_fonts(default_r_pr, BODY_FONT)

    def style(name: str, *, east_asia: str, size: float, bold: bool = False) -> Any:
        if name in {"Normal", "Title", "Heading 1", "Heading 2"}:
            chosen = document.styles[name]
        else:
            chosen = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            chosen.base_style = document.styles["Normal"]
        chosen.font.size = Pt(size)
        chosen.font.bold = bold
        chosen.font.italic = False
        chosen.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(chosen.element.get_or_add_rPr(), east_asia)
        layout = chosen.paragraph_format
        layout.space_before = Pt(0)
        layout.space_after = Pt(0)
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(28)
        return chosen

    body = style("Normal", east_asia=BODY_FONT, size=BODY_SIZE)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)  # two characters
    title = style("Title", east_asia=TITLE_FONT, size=TITLE_SIZE, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(18)
    heading = style("Heading 1", east_asia=HEADING_FONT, size=HEADING_SIZE)
    heading.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
    heading.paragraph_format.keep_with_next = True
    caption = style("Heading 2", east_asia=TITLE_FONT, size=BODY_SIZE, bold=True)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.paragraph_format.keep_with_next = True
    cell_style = style("Report Table", east_asia=BODY_FONT, size=TABLE_SIZE)
    cell_style.paragraph_format.first_line_indent = Pt(0)
    cell_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell_style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    note_style = style("Report Note", east_asia=BODY_FONT, size=NOTE_SIZE)
    note_style.paragraph_format.first_line_indent = Pt(0)
    note_style.paragraph_format.line_spacing = Pt(18)
    signature = style("Report Signature", east_asia=BODY_FONT, size=BODY_SIZE)
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.first_line_indent = Pt(0)
    signature.paragraph_format.right_indent = Pt(BODY_SIZE * 4)  # 右空四字 (GB/T 9704)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _page_number_footer(section)

    def prose(text: str) -> None:
        for paragraph in paragraphs(text):
            written = document.add_paragraph(style=body)
            for i, line in enumerate(paragraph.split("\n")):
                if i:
                    written.runs[-1].add_break()  # a line break kept inside the paragraph
                written.add_run(line)

    def table(table: Table, grid: Grid, section_title: str) -> None:
        if table.title != section_title:
            document.add_paragraph(table.title, style=caption)
        drawn = document.add_table(rows=grid.rows, cols=grid.columns)
        drawn.style = document.styles[TABLE_STYLE]
        drawn.alignment = WD_TABLE_ALIGNMENT.CENTER
        for placed in grid.cells:
            cell = drawn.cell(placed.row, placed.column)
            if placed.cell.rowspan > 1 or placed.cell.colspan > 1:
                cell = cell.merge(drawn.cell(placed.last_row, placed.last_column))
            cell.text = ""
            paragraph = cell.paragraphs[0]
            paragraph.style = cell_style
            if not placed.head and placed.cell.value is None:  # labels read from the left
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(placed.cell.text)
            run.bold = placed.cell.header and placed.head
            if placed.note_number:
                marker = paragraph.add_run(f"[{placed.note_number}]")
                marker.font.superscript = True
        for r in range(grid.head_rows):
            _repeat_as_heading(drawn.rows[r])
        for note in table.notes:
            document.add_paragraph(note, style=note_style)
        for number, note in grid.notes:
            document.add_paragraph(f"[{number}] {note}", style=note_style)

    document.add_paragraph(content.title, style=title)
    prose(content.preamble)
    grids = laid_out(content)
    for report_section in content.sections:
        document.add_paragraph(report_section.title, style=heading)
        if report_section.has_prose:
            prose(report_section.text)
        for drawn_table, grid in grids[report_section.key]:
            table(drawn_table, grid, report_section.title)
    signed = document.add_paragraph(content.agency_name, style=signature)
    signed.paragraph_format.space_before = Pt(56)
    document.add_paragraph(chinese_date(day), style=signature)

    properties = document.core_properties
    properties.title = content.title
    properties.author = content.agency_name
    properties.last_modified_by = content.agency_name
    properties.comments = ""
    properties.keywords = ""
    properties.language = "zh-CN"
    properties.revision = 1
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _repeat_as_heading(row: Any) -> None:
    """Mark a heading row to repeat at the top of each page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
