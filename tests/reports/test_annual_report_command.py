"""``manage.py annual_report`` (issue 8): every suffix writes a file that opens, for one agency
and for the whole government, in the year's format or the one chosen; everything it cannot do
is refused with a clear message and no file.

The formats themselves are built elsewhere: here each format key is served by
:class:`FormatDouble`, a test double made of content.py's classes whose one figure is counted
from the records (table 三's new applications), so that the command's path from records to file
is real while the formats' own text is not under test.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Mapping

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.translation import override
from pypdf import PdfReader

from gongkai.agencies.models import MembershipChange, SiteIdentity
from gongkai.info_requests.outcomes import Outcome
from gongkai.reports.content import Cell, Figure, ReportContent, Section, Table
from gongkai.reports.formats import FORMATS
from gongkai.reports.formats.base import Fact, Subject
from gongkai.reports.tables import NEW, agency_scope, annual_tables
from gongkai.reports.validation import Failure
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID

pytestmark = pytest.mark.django_db
D = datetime.date
SUFFIXES = ("html", "docx", "pdf", "xlsx", "json")


class FormatDouble:
    """A stand-in for a report format (fmt2021, fmt2019, seed2014 are written elsewhere): two
    sections, the first quoting the year's new applications, the second a table of them."""

    def __init__(self, key: str, *, misquote: int = 0) -> None:
        self.key = key
        self.name = f"double of {key}"
        self.misquote = misquote  # added to the number the draft quotes

    def sections(self) -> tuple[tuple[str, str], ...]:
        return (("1", "一、总体情况"), ("2", "二、申请情况"))

    def figures(self, subject: Subject) -> dict[str, Figure]:
        new = annual_tables(subject.scope).three.cell(NEW)
        return {"new": Figure("new", "本年新收政府信息公开申请", new, "件")}

    def drafts(self, subject: Subject, figures: Mapping[str, Figure]) -> dict[str, str]:
        quoted = figures["new"].value + self.misquote
        return {"1": f"全年共收到政府信息公开申请{quoted}件。"}

    def build(self, subject: Subject, prose: Mapping[str, str]) -> ReportContent:
        figures = self.figures(subject)
        text = {**self.drafts(subject, figures), **prose}
        new = figures["new"]
        table = Table(
            "new",
            "表 申请情况",
            head=((Cell("项目", header=True), Cell("件数", header=True)),),
            rows=((Cell("本年新收", header=True), Cell(str(new.value), value=new.value)),),
        )
        return ReportContent(
            format=self.key,
            year=subject.year,
            agency_name=subject.agency_name,
            title=f"{subject.agency_name}{subject.year}年政府信息公开工作年度报告",
            sections=(
                Section("1", "一、总体情况", text=text["1"]),
                Section("2", "二、申请情况", tables=(table,), has_prose=False),
            ),
            figures=figures,
        )

    def facts(self) -> tuple[Fact, ...]:
        return (Fact("new", r"收到政府信息公开申请(\d+)件", "1"),)


@pytest.fixture
def formats(monkeypatch):
    """Every format key served by a FormatDouble (the real formats are not loaded)."""
    doubles = {key: FormatDouble(key) for key in ("fmt2021", "fmt2019", "seed2014")}
    for key, double in doubles.items():
        monkeypatch.setitem(FORMATS, key, double)
    return doubles


@pytest.fixture
def member(agency, formats):
    """``agency``, a member of the disclosure system since 2010 (no applications)."""
    MembershipChange.objects.create(agency=agency, change="joined", date=D(2010, 1, 1))
    return agency


@pytest.fixture
def records(member, received, answer):
    """A few applications to ``member`` in 2020, 2024 and 2025, one carried into 2025."""
    answer(received(D(2020, 5, 6)), D(2020, 5, 11), Outcome.DISCLOSED)
    answer(received(D(2024, 3, 4)), D(2024, 3, 8), Outcome.DISCLOSED)
    answer(received(D(2024, 6, 3), "business"), D(2024, 6, 7), Outcome.PARTLY_DISCLOSED)
    received(D(2024, 12, 27), "research")
    answer(received(D(2025, 2, 10)), D(2025, 2, 14), Outcome.OTHER_AGENCY)
    received(D(2025, 12, 29), "public_welfare")
    return member


def run(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("annual_report", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows_by_label(sheet) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}


def text_of(path) -> str:
    """The text a reader of the file sees, whatever its kind."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if path.suffix == ".docx":
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        return " ".join(
            str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r
        )
    return data.decode("utf-8")


@pytest.mark.parametrize("report_format", ["fmt2021", "seed2014"])
def test_every_suffix_writes_a_file_that_opens(records, tmp_path, report_format):
    title = f"{records.name}2025年政府信息公开工作年度报告"
    for suffix in SUFFIXES:
        path = tmp_path / f"report.{suffix}"
        out, _err = run(
            "--year=2025",
            f"--agency={records.org_code}",
            f"--format={report_format}",
            f"--output={path}",
        )
        assert str(path) in out
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and f"<h1>{title}</h1>" in html
    assert "全年共收到政府信息公开申请2件。" in html  # 2025's two applications
    document = docx.Document(tmp_path / "report.docx")
    assert document.paragraphs[0].text == title
    assert document.tables[0].cell(1, 1).text == "2"
    pdf = text_of(tmp_path / "report.pdf").replace("\n", "")
    assert title in pdf and "全年共收到政府信息公开申请2件。" in pdf
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    if report_format == "fmt2021":  # the national format's canonical tables export
        assert data["format"] == "fmt2021" and data["scope"] == records.org_code
        assert data["tables"]["三"]["rows"][0]["cells"]["total"] == 2
        assert book.sheetnames[:3] == ["二", "三", "四"]
    else:  # any other format: the content as data
        assert data["format"] == "seed2014" and data["agency"] == records.name
        assert data["figures"]["new"]["value"] == 2
        assert data["sections"][1]["tables"][0]["rows"][0][1]["value"] == 2
        assert book.worksheets[0]["B5"].value == 2


def test_the_format_defaults_to_the_years(records, tmp_path):
    for year, expected in ((2020, "fmt2019"), (2014, "seed2014")):
        path = tmp_path / f"r{year}.json"
        run(f"--year={year}", f"--agency={records.org_code}", f"--output={path}")
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == expected
    path = tmp_path / "r2020.json"
    assert json.loads(path.read_text(encoding="utf-8"))["figures"]["new"]["value"] == 1


@pytest.mark.parametrize("agency_code", ["own", "all"])
def test_the_command_writes_the_fmt2021_tables_as_json_and_xlsx(records, tmp_path, agency_code):
    code = records.org_code if agency_code == "own" else "all"
    expected = annual_tables(agency_scope(records.pk, 2025)).three.cells
    for suffix in ("json", "xlsx"):
        path = tmp_path / f"report.{suffix}"
        run("--year=2025", f"--agency={code}", "--format=fmt2021", f"--output={path}")
        assert path.exists()
    document = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert document["scope"] == code and document["year"] == 2025
    # One member agency: the government's table is the agency's.
    assert document["tables"]["三"]["rows"][1]["cells"] == dict(expected["carried_over"])
    assert document["tables"]["三"]["rows"][1]["cells"]["total"] == 1
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert rows_by_label(book["三"])["二、上年结转政府信息公开申请数量"][6] == 1


def test_the_governments_report_is_in_the_governments_name(records, tmp_path):
    SiteIdentity.objects.create(pk=1, site_name="示例区政务公开", government=records)
    path = tmp_path / "r.html"
    run("--year=2025", "--agency=all", f"--output={path}")
    assert f"<h1>{records.name}2025年政府信息公开工作年度报告</h1>" in path.read_text("utf-8")


def test_the_command_prints_validation_failures_and_still_writes(records, tmp_path, monkeypatch):
    failure = Failure("四", "行政复议", "总计", expected=1, found=2, rule="r")
    monkeypatch.setattr(
        "gongkai.reports.management.commands.annual_report.validate", lambda t: [failure]
    )
    path = tmp_path / "r.json"
    _out, err = run("--year=2024", f"--agency={records.org_code}", f"--output={path}")
    assert str(failure) in err
    assert json.loads(path.read_text(encoding="utf-8"))["validation"][0]["found"] == 2
    html = tmp_path / "r.html"
    _out, err = run("--year=2024", f"--agency={records.org_code}", f"--output={html}")
    assert str(failure) in err and html.exists()


def test_the_command_warns_of_a_figure_the_prose_misquotes(records, tmp_path, monkeypatch):
    monkeypatch.setitem(FORMATS, "seed2014", FormatDouble("seed2014", misquote=5))
    path = tmp_path / "r.docx"
    with override("en"):
        _out, err = run(
            "--year=2024", f"--agency={records.org_code}", "--format=seed2014", f"--output={path}"
        )
    assert "Section 1 gives 8 for 本年新收政府信息公开申请; the records give 3." in err
    assert path.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--output={dir}/r.csv"], r"Unknown file type \.csv"),
        (["--output={dir}/r"], "Unknown file type ''"),
        (["--output={dir}/r.json", "--format=word"], "Unknown format word"),
        (["--output={dir}/r.json", "--agency=NOPE"], "No agency has the organisation code NOPE"),
        (["--output={dir}/r.json", "--year=2099"], "not 2099"),
        (
            ["--output={dir}/r.pdf", "--year=2014", "--format=fmt2021"],
            r"from 2021 to \d+, not 2014",
        ),
        (["--output={dir}/r.docx", "--year=2021", "--format=fmt2019"], "2019 to 2020, not 2021"),
        (["--output={dir}/r.html", "--year=2007", "--format=seed2014"], "not 2007"),
        (["--output={dir}/missing/r.json"], "does not exist"),
    ],
)
def test_the_command_refuses_and_writes_nothing(member, tmp_path, arguments, message):
    given = [a.format(dir=tmp_path) for a in arguments]
    defaults = {"--year": "--year=2025", "--agency": f"--agency={member.org_code}"}
    for option, default in defaults.items():
        if not any(a.startswith(option) for a in given):
            given.append(default)
    with override("en"), pytest.raises(CommandError, match=message):
        run(*given)
    assert list(tmp_path.rglob("*")) == []


def test_the_command_refuses_a_year_with_no_members(tmp_path, agency, formats):
    with override("en"), pytest.raises(CommandError, match="No agency was a member"):
        run("--year=2024", "--agency=all", f"--output={tmp_path}/r.json")
    assert list(tmp_path.iterdir()) == []


@override_settings(GONGKAI_NOTICE_FONT="/nonexistent/font.ttf")
def test_the_command_refuses_a_pdf_without_its_font_and_writes_nothing(member, tmp_path):
    with override("en"), pytest.raises(CommandError, match="Chinese font is missing"):
        run("--year=2025", f"--agency={member.org_code}", f"--output={tmp_path}/r.pdf")
    assert list(tmp_path.iterdir()) == []


def test_no_file_carries_an_applicants_personal_data(records, tmp_path):
    """Every file of the national format and of another, for the agency and the government:
    the applicants' names, ID numbers, phones and e-mails never reach them."""
    for report_format in ("fmt2021", "seed2014"):
        for code in (records.org_code, "all"):
            for suffix in SUFFIXES:
                path = tmp_path / f"{report_format}-{code}.{suffix}"
                run(
                    "--year=2024",
                    f"--agency={code}",
                    f"--format={report_format}",
                    f"--output={path}",
                )
                text = text_of(path)
                assert "2024" in text  # the file was read
                for personal in (APPLICANT_NAME, VALID_ID, APPLICANT_PHONE, "wang@example.cn"):
                    assert personal not in text
