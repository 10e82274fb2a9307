"""The annual report's tables exports (issue 8): the JSON parses and the XLSX reads back with the
computed tables' numbers under the national form's labels (``manage.py annual_report``, which
writes them, is tested in test_annual_report_command.py)."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from gongkai.agencies.models import MembershipChange
from gongkai.info_requests.outcomes import Outcome
from gongkai.reports.exports import safe_text, tables_to_json, tables_to_xlsx
from gongkai.reports.tables import (
    COLUMNS_3,
    DECISION_ROWS,
    DOCUMENT_COLUMNS,
    DOCUMENT_ROWS,
    REMEDY_KINDS,
    REMEDY_RESULTS,
    RESULTS,
    ROWS_3,
    agency_scope,
    annual_tables,
)
from gongkai.reports.validation import Failure, validate

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def records(agency, received, answer):
    """A few applications to ``agency`` in 2024 and 2025, one carried into 2025."""
    MembershipChange.objects.create(agency=agency, change="joined", date=D(2020, 1, 1))
    answer(received(D(2024, 3, 4)), D(2024, 3, 8), Outcome.DISCLOSED)
    answer(received(D(2024, 6, 3), "business"), D(2024, 6, 7), Outcome.PARTLY_DISCLOSED)
    received(D(2024, 12, 27), "research")
    answer(received(D(2025, 2, 10)), D(2025, 2, 14), Outcome.OTHER_AGENCY)
    received(D(2025, 12, 29), "public_welfare")
    return agency


@pytest.fixture
def tables(records):
    return annual_tables(agency_scope(records.pk, 2024))


def test_json_parses_and_its_cells_are_the_computed_tables(records, tables):
    failures = validate(tables)
    document = json.loads(
        tables_to_json(tables, scope=records.org_code, agency_name=records.name, failures=failures)
    )
    assert (document["year"], document["scope"], document["format"]) == (
        2024,
        records.org_code,
        "fmt2021",
    )
    three = document["tables"]["三"]
    assert [c["label"] for c in three["columns"]] == [c.label for c in COLUMNS_3]
    assert [r["label"] for r in three["rows"]] == [r.label for r in ROWS_3]
    for row in three["rows"]:
        if row["key"] == RESULTS:
            assert row["cells"] is None
        else:
            assert row["cells"] == dict(tables.three.cells[row["key"]])
    assert three["rows"][0]["cells"]["total"] == 3  # three received in 2024
    four = document["tables"]["四"]
    assert [r["label"] for r in four["results"]] == [r.label for r in REMEDY_RESULTS]
    assert [(r["group"], r["label"]) for r in four["rows"]] == [
        (k.parent or None, k.label) for k in REMEDY_KINDS
    ]
    for row in four["rows"]:
        assert row["cells"] == dict(tables.four.cells[row["key"]])
    blocks = document["tables"]["二"]["blocks"]
    assert [b["item"] for b in blocks] == [
        "第二十条第（一）项",
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ]
    assert [c["label"] for c in blocks[0]["columns"]] == [c.label for c in DOCUMENT_COLUMNS]
    normative = blocks[0]["rows"][1]
    assert normative["label"] == "行政规范性文件"
    assert normative["cells"] == {k: f.value for k, f in tables.two.documents["normative"].items()}
    assert [r["label"] for b in blocks[1:3] for r in b["rows"]] == [r.label for r in DECISION_ROWS]
    assert blocks[3]["rows"][0]["cells"] == {"fees": 0}
    assert document["validation"] == []


def test_json_lists_the_validation_failures():
    failure = Failure("三", "（七）总计", "自然人", expected=2, found=3, rule="r", numbers=("N1",))
    tables = annual_tables(agency_scope(0, 2024))
    document = json.loads(tables_to_json(tables, scope="all", failures=[failure]))
    assert document["validation"] == [
        {
            "table": "三",
            "row": "（七）总计",
            "column": "自然人",
            "expected": 2,
            "found": 3,
            "numbers": ["N1"],
            "message": str(failure),
        }
    ]


def rows_by_label(sheet) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}


def test_xlsx_reads_back_with_the_labels_and_numbers(records, tables):
    data = tables_to_xlsx(tables, scope=records.org_code, agency_name=records.name)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:3] == ["二", "三", "四"]

    three = book["三"]
    assert three["A1"].value == "三、收到和处理政府信息公开申请情况"
    assert three.cell(3, 2).value == "申请人情况"
    assert [three.cell(4, 2).value, three.cell(4, 3).value, three.cell(4, 8).value] == [
        "自然人",
        "法人或其他组织",
        "总计",
    ]
    assert [three.cell(5, c).value for c in range(3, 8)] == [c.label for c in COLUMNS_3[1:6]]
    rows = rows_by_label(three)
    for row in ROWS_3:
        if row.key == RESULTS:
            assert all(v is None for v in rows[row.label])
            continue
        assert list(rows[row.label][:7]) == [tables.three.cells[row.key][c.key] for c in COLUMNS_3]
        assert all(isinstance(v, int) for v in rows[row.label][:7])

    four = book["四"]
    assert [four.cell(3, 1).value, four.cell(3, 6).value] == ["行政复议", "行政诉讼"]
    assert [four.cell(4, 6).value, four.cell(4, 11).value] == ["未经复议直接起诉", "复议后起诉"]
    assert [four.cell(5, c).value for c in range(1, 16)] == [r.label for r in REMEDY_RESULTS] * 3
    assert [four.cell(6, c).value for c in range(1, 16)] == [
        tables.four.cells[k.key][r.key] for k in REMEDY_KINDS for r in REMEDY_RESULTS
    ]

    two = rows_by_label(book["二"])
    assert two["信息内容"][:3] in {
        tuple(c.label for c in DOCUMENT_COLUMNS),
        ("本年处理决定数量", None, None),
        ("本年收费金额（单位：万元）", None, None),
    }
    assert list(two["行政规范性文件"][:3]) == [
        tables.two.documents["normative"][c.key].value for c in DOCUMENT_COLUMNS
    ]
    assert two[DOCUMENT_ROWS[0].label][:3] == (0, 0, 0)
    assert two["行政许可"][0] == 0
    assert two["行政事业性收费"][0] == Decimal("0")


def test_xlsx_text_that_looks_like_a_formula_is_kept_as_text(tables):
    failure = Failure("三", "=HYPERLINK(1)", "+1", expected=1, found=2, rule="@x")
    data = tables_to_xlsx(tables, scope="all", agency_name="=cmd|' /C calc'!A0", failures=[failure])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book["三"]["A2"].value.startswith("'=cmd")
    values = [v for row in book.worksheets[3].iter_rows(values_only=True) for v in row if v]
    assert "'=HYPERLINK(1)" in values and "'+1" in values
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    assert safe_text("-1") == "'-1" and safe_text("行政") == "行政"
