"""The annual report's writers (issue 8's exports): HTML (public fragment, staff links,
standalone), DOCX parsed back with python-docx, PDF with its Chinese text extracted by pypdf,
JSON parsed and XLSX read back with openpyxl — all from one hand-built ReportContent with a
table whose cells merge across columns and rows."""

from __future__ import annotations

import dataclasses
import io
import json
from decimal import Decimal
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
from django.test import override_settings
from django.utils.translation import override
from pypdf import PdfReader

from gongkai.core.html import sanitize_html
from gongkai.reports.content import Cell, Figure, Ref, ReportContent, Section, Table
from gongkai.reports.render import RenderError, layout, paragraphs
from gongkai.reports.render.data import content_to_json, content_to_xlsx
from gongkai.reports.render.docx import render_docx
from gongkai.reports.render.fonts import ReportFontMissing
from gongkai.reports.render.html import render_html
from gongkai.reports.render.pdf import render_pdf

REF = Ref("info_request", "ZD-2025-0001")
TITLE = "示例区人民政府2025年政府信息公开工作年度报告"
SCRIPT = "<script>alert(1)</script>"
NOTE = "含网上申请5件"
NEW = "一、本年新收政府信息公开申请数量"


def h(text: str, **spans: int) -> Cell:
    return Cell(text=text, header=True, **spans)


def n(value: int | Decimal, **extra) -> Cell:
    return Cell(text=str(value), value=value, **extra)


@pytest.fixture
def content() -> ReportContent:
    """A report with three sections: prose (with markup that must stay text), a table with
    two heading rows (a label spanning both, a group spanning three columns), a body label
    spanning two rows and a text spanning three columns, a number with refs and a note."""
    table = Table(
        key="3",
        title="表一 政府信息公开申请情况",
        head=(
            (h("信息内容", rowspan=2), h("申请人情况", colspan=3)),
            (h("自然人"), h("法人或其他组织"), h("总计")),
        ),
        rows=(
            (
                h("一、本年新收政府信息公开申请数量"),
                n(12, refs=(REF,), note=NOTE),
                n(3),
                n(15, refs=(REF,)),
            ),
            (h("二、上年结转政府信息公开申请数量", rowspan=2), n(1), n(0), n(1)),
            (n(2), n(0), n(2)),
            (h("四、结转下年度继续办理"), Cell("无", colspan=3)),
            (h("收费金额（万元）"), n(Decimal("0.15")), Cell("=1+1"), n(0)),
        ),
        notes=("注：本表数据截至12月31日。",),
    )
    return ReportContent(
        format="test-double",
        year=2025,
        agency_name="示例区人民政府",
        title=TITLE,
        preamble="根据《中华人民共和国政府信息公开条例》，编制本报告。",
        sections=(
            Section(
                "1",
                "一、总体情况",
                text=f"全年共收到政府信息公开申请15件。\n\n{SCRIPT}其中网上申请5件，\n占33.3%。\n",
            ),
            Section("2", "二、收到和处理政府信息公开申请情况", tables=(table,), has_prose=False),
            Section("3", "三、其他需要报告的事项", text="本年度未收取信息处理费。"),
        ),
        figures={"new": Figure("new", "本年新收政府信息公开申请", 15, "件", refs=(REF,))},
    )


# --------------------------------------------------------------------------- layout


def test_layout_places_cells_as_a_browser_does(content):
    grid = layout(content.tables()[0])
    assert (grid.rows, grid.columns, grid.head_rows) == (7, 4, 2)
    where = {p.cell.text: (p.row, p.column) for p in grid.cells if p.cell.value is None}
    assert where["自然人"] == (1, 1)  # after the label spanning both heading rows
    assert [(p.row, p.column) for p in grid.row(4)] == [(4, 1), (4, 2), (4, 3)]
    assert where["无"] == (5, 1)
    assert grid.notes == [(1, NOTE)]


def test_overlapping_spans_are_refused_with_a_clear_message():
    table = Table("x", "坏表", head=(), rows=((Cell("a", rowspan=3),), (Cell("b"),)))
    with override("en"), pytest.raises(RenderError, match=r"坏表.*overlap"):
        layout(table)


def test_paragraphs_split_on_blank_lines_only():
    assert paragraphs("一\n二\n \n\n三\n") == ["一\n二", "三"]
    assert paragraphs("  \n") == []


# --------------------------------------------------------------------------- HTML


class Shape(HTMLParser):
    """The parts of an HTML text the tests look at: headings, paragraphs, table cells with
    their spans, links and the text (tags and attributes kept as seen)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.paragraphs: list[str] = []
        self.rows: list[list[tuple[str, str, str, str]]] = []
        self.links: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._open: list[tuple[str, dict]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        if tag in {"h1", "h2", "h3", "p", "th", "td", "a"}:
            self._open.append((tag, attributes))
            self._text.append("")

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            _tag, attributes = self._open.pop()
            text = self._text.pop().strip()
            if self._text:
                self._text[-1] += text
            if tag in {"h1", "h2", "h3"}:
                self.headings.append((tag, text))
            elif tag == "p":
                self.paragraphs.append(text)
            elif tag == "a":
                self.links.append((attributes.get("href", ""), text))
            else:
                span = (attributes.get("colspan") or "1", attributes.get("rowspan") or "1")
                self.rows[-1].append((tag, text, *span))

    def handle_data(self, data):
        if self._text:
            self._text[-1] += data


def shape(html: str) -> Shape:
    parsed = Shape()
    parsed.feed(html)
    parsed.close()
    return parsed


EXPECTED_ROWS = [
    [("th", "信息内容", "1", "2"), ("th", "申请人情况", "3", "1")],
    [("th", "自然人", "1", "1"), ("th", "法人或其他组织", "1", "1"), ("th", "总计", "1", "1")],
    [
        ("th", "一、本年新收政府信息公开申请数量", "1", "1"),
        ("td", "12[1]", "1", "1"),
        ("td", "3", "1", "1"),
        ("td", "15", "1", "1"),
    ],
    [("th", "二、上年结转政府信息公开申请数量", "1", "2"), *[("td", v, "1", "1") for v in "101"]],
    [("td", v, "1", "1") for v in "202"],
    [("th", "四、结转下年度继续办理", "1", "1"), ("td", "无", "3", "1")],
    [
        ("th", "收费金额（万元）", "1", "1"),
        ("td", "0.15", "1", "1"),
        ("td", "=1+1", "1", "1"),
        ("td", "0", "1", "1"),
    ],
]


def test_html_fragment_has_headings_prose_and_the_table_as_laid_out(content):
    html = render_html(content)
    parsed = shape(html)
    assert parsed.headings == [
        ("h2", TITLE),
        ("h3", "一、总体情况"),
        ("h3", "二、收到和处理政府信息公开申请情况"),
        ("h3", "三、其他需要报告的事项"),
    ]
    assert "h1" not in parsed.tags and "html" not in parsed.tags  # a fragment for a page
    assert parsed.rows == EXPECTED_ROWS
    assert parsed.paragraphs[:3] == [
        content.preamble,
        "全年共收到政府信息公开申请15件。",
        f"{SCRIPT}其中网上申请5件，占33.3%。",  # the line break is a <br>, the script text
    ]
    assert f"[1] {NOTE}" in parsed.paragraphs and "注：本表数据截至12月31日。" in parsed.paragraphs
    assert "<caption>表一 政府信息公开申请情况</caption>" in html
    assert "script" not in parsed.tags and "&lt;script&gt;" in html
    assert parsed.links == []  # no staff links on the public page


def test_html_links_numbers_with_refs_only_when_staff_links_are_given(content):
    seen: list[Cell] = []

    def staff_links(cell: Cell) -> str:
        seen.append(cell)
        return f"/staff/reports/records/?ref={cell.refs[0].key}&n={cell.value}"

    parsed = shape(render_html(content, staff_links=staff_links))
    assert parsed.links == [
        ("/staff/reports/records/?ref=ZD-2025-0001&n=12", "12"),
        ("/staff/reports/records/?ref=ZD-2025-0001&n=15", "15"),
    ]
    assert [cell.value for cell in seen] == [12, 15]  # only the numbers with refs


def test_html_fragment_survives_the_sanitiser(content):
    html = render_html(content)
    cleaned = sanitize_html(html)
    before, after = shape(html), shape(cleaned)
    assert after.headings == before.headings
    assert after.paragraphs == before.paragraphs
    assert after.rows == before.rows == EXPECTED_ROWS
    assert after.tags == before.tags


def test_html_standalone_is_a_whole_document_with_no_external_asset(content):
    html = render_html(content, standalone=True)
    parsed = shape(html)
    assert html.startswith("<!DOCTYPE html>")
    assert parsed.tags[:4] == ["html", "head", "meta", "meta"]
    assert ("h1", TITLE) in parsed.headings and ("h2", "一、总体情况") in parsed.headings
    assert "@page" in html and "<style>" in html
    assert "link" not in parsed.tags and "http" not in html.lower().replace("http-equiv", "")
    assert parsed.rows == EXPECTED_ROWS


# --------------------------------------------------------------------------- DOCX


def test_docx_parses_back_with_headings_prose_merged_cells_and_signature(content):
    import datetime

    data = render_docx(content, on=datetime.date(2026, 1, 20))
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    paragraphs_ = [(p.style.name, p.text) for p in document.paragraphs]
    assert paragraphs_[0] == ("Title", TITLE)
    assert document.paragraphs[0].alignment is None  # from its style:
    assert document.styles["Title"].paragraph_format.alignment == 1  # centred
    assert ("Heading 1", "一、总体情况") in paragraphs_
    assert ("Heading 2", "表一 政府信息公开申请情况") in paragraphs_
    assert ("Normal", "全年共收到政府信息公开申请15件。") in paragraphs_
    assert ("Normal", f"{SCRIPT}其中网上申请5件，\n占33.3%。") in paragraphs_
    assert paragraphs_[-2:] == [
        ("Report Signature", "示例区人民政府"),
        ("Report Signature", "2026年1月20日"),
    ]
    assert ("Report Note", f"[1] {NOTE}") in paragraphs_
    (table,) = document.tables
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    assert texts == [
        ["信息内容", "申请人情况", "申请人情况", "申请人情况"],
        ["信息内容", "自然人", "法人或其他组织", "总计"],
        ["一、本年新收政府信息公开申请数量", "12[1]", "3", "15"],
        ["二、上年结转政府信息公开申请数量", "1", "0", "1"],
        ["二、上年结转政府信息公开申请数量", "2", "0", "2"],
        ["四、结转下年度继续办理", "无", "无", "无"],
        ["收费金额（万元）", "0.15", "=1+1", "0"],
    ]
    # Merged, not repeated: the spanned positions are one and the same Word cell.
    assert table.cell(0, 1)._tc is table.cell(0, 3)._tc
    assert table.cell(0, 0)._tc is table.cell(1, 0)._tc
    assert table.cell(3, 0)._tc is table.cell(4, 0)._tc
    assert table.cell(2, 1)._tc is not table.cell(2, 2)._tc
    east_asia = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "仿宋"


# --------------------------------------------------------------------------- PDF


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_pdf_embeds_chinese_that_extracts_with_the_table_and_page_number(content):
    data = render_pdf(content)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert TITLE in text
    assert "二、上年结转政府信息公开申请数量" in text and "法人或其他组织" in text
    assert "表一 政府信息公开申请情况" in text
    assert f"[1] {NOTE}" in text
    assert "— 1 —" in text
    assert "<script>alert(1)</script>" in text  # prose is text, whatever it looks like


def test_pdf_runs_onto_more_pages_with_a_number_on_each(content):
    long = Section("4", "四、长表", tables=(content.tables()[0],) * 8, has_prose=False)
    longer = dataclasses.replace(content, sections=(*content.sections, long))
    reader = PdfReader(io.BytesIO(render_pdf(longer)))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"— {number} —" in page.extract_text()


@override_settings(GONGKAI_NOTICE_FONT="/nonexistent/font.ttf")
def test_pdf_without_its_font_says_what_to_install(content):
    with override("en"), pytest.raises(ReportFontMissing, match="make fonts"):
        render_pdf(content)


# --------------------------------------------------------------------------- JSON, XLSX


def test_json_parses_with_sections_cells_and_figures_and_no_refs(content):
    document = json.loads(content_to_json(content))
    assert (document["layout"], document["format"], document["year"]) == (1, "test-double", 2025)
    assert document["title"] == TITLE
    assert [s["key"] for s in document["sections"]] == ["1", "2", "3"]
    assert document["sections"][0]["text"] == content.sections[0].text
    table = document["sections"][1]["tables"][0]
    assert table["head"][0][1] == {
        "text": "申请人情况",
        "value": None,
        "colspan": 3,
        "rowspan": 1,
        "header": True,
        "note": "",
    }
    assert [c["value"] for c in table["rows"][0]] == [None, 12, 3, 15]
    assert table["rows"][0][1]["note"] == NOTE
    assert table["rows"][4][1]["value"] == 0.15
    assert document["figures"] == {
        "new": {"label": "本年新收政府信息公开申请", "value": 15, "unit": "件"}
    }
    assert "ZD-2025-0001" not in content_to_json(content)  # refs stay with staff


def test_xlsx_reads_back_with_merged_cells_numbers_and_no_formula(content):
    book = openpyxl.load_workbook(io.BytesIO(content_to_xlsx(content)))
    assert book.sheetnames[0] == "表一 政府信息公开申请情况"
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "表一 政府信息公开申请情况"
    assert sheet["A2"].value.startswith("示例区人民政府")
    assert [sheet.cell(4, c).value for c in range(1, 5)] == ["信息内容", "申请人情况", None, None]
    assert [sheet.cell(6, c).value for c in range(1, 5)] == [NEW, 12, 3, 15]
    assert sheet.cell(6, 2).comment.text == f"[1] {NOTE}"  # the number stays a number
    assert [sheet.cell(r, 1).value for r in (12, 13)] == [
        "注：本表数据截至12月31日。",
        f"[1] {NOTE}",
    ]
    assert [sheet.cell(8, c).value for c in range(2, 5)] == [2, 0, 2]
    assert sheet.cell(10, 2).value == 0.15
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A4:A5", "B4:D4", "A7:A8", "B9:D9"} <= merged
    assert sheet.cell(10, 3).value == "'=1+1" and sheet.cell(10, 3).data_type == "s"
    for each in book.worksheets:
        for row in each.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    figures = book.worksheets[-1]
    assert [c.value for c in figures[2]] == ["new", "本年新收政府信息公开申请", 15, "件"]


def test_no_public_writing_prints_the_refs(content):
    """The records behind numbers (an application's tracking number …) reach only the staff
    links, never a published file (the applicants' own data is never in the content: see
    test_annual_report_command for a report made from applications)."""
    outputs = [
        render_html(content),
        render_html(content, standalone=True),
        content_to_json(content),
        pdf_text(render_pdf(content)),
    ]
    document = docx.Document(io.BytesIO(render_docx(content)))
    outputs.append("\n".join(p.text for p in document.paragraphs))
    book = openpyxl.load_workbook(io.BytesIO(content_to_xlsx(content)))
    outputs.append(
        " ".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r)
    )
    for output in outputs:
        assert REF.key not in output
