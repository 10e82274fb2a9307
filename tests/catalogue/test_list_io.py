"""Structured lists in and out of spreadsheets: XLSX import reported by row, XLSX/CSV export."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from gongkai.catalogue import list_io, lists
from gongkai.catalogue.lists import ListError, ListPermissionDenied
from gongkai.catalogue.models import ListRecord
from gongkai.core.models import AuditEntry
from tests.catalogue.lists_support import (
    HOUSING_HEADERS,
    SENTINEL_ID,
    SENTINEL_ID_MASKED,
    SENTINEL_NAME,
    SENTINEL_NAME_MASKED,
    housing_values,
    make_record,
    seed,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def types(db):
    return seed()


@pytest.fixture
def housing(types):
    return types["housing-allocation"]


def housing_row(n: int, **overrides):
    values = housing_values(n, **overrides)
    return [
        values["batch"],
        values["applicant_name"],
        values["id_number"],
        values["household_size"],
        values["support_mode"],
        values["notice_date"],
    ]


MIXED_ROWS = [
    housing_row(1),  # row 2: valid
    housing_row(2, household_size="三口"),  # row 3: not a number
    housing_row(3),  # row 4: valid
    housing_row(4, support_mode="商品房", notice_date="2024-13-01"),  # row 5: two problems
]


def test_invalid_rows_are_reported_by_row_and_column_and_nothing_is_written(
    housing, agency, editor
):
    report = list_io.import_xlsx(
        housing, xlsx(HOUSING_HEADERS, MIXED_ROWS), agency=agency, actor=editor
    )

    assert not report.ok
    assert report.total_rows == 4
    assert report.valid_rows == [2, 4]
    assert report.invalid_rows == [3, 5]
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "家庭人口", "Enter a number."),
        (5, "保障方式", "Choose one of: 经济适用住房、廉租住房、公共租赁住房、租赁补贴"),
        (5, "公示日期", "Enter a date, such as 2024-03-01."),
    ]
    assert report.imported == 0
    assert not ListRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="catalogue.import_list_records").exists()


def test_import_valid_writes_only_the_valid_rows_as_drafts(housing, agency, editor):
    report = list_io.import_xlsx(
        housing,
        xlsx(HOUSING_HEADERS, MIXED_ROWS),
        agency=agency,
        actor=editor,
        import_valid=True,
    )

    assert report.imported == 2
    records = list(ListRecord.objects.order_by("id"))
    assert [r.data["applicant_name"] for r in records] == ["申请人001", "申请人003"]
    assert {r.state for r in records} == {ListRecord.State.DRAFT}
    assert {r.agency_id for r in records} == {agency.pk}
    assert records[0].data["notice_date"] == "2024-05-10"
    assert records[0].data["household_size"] == "3"
    assert "申请人001" not in records[0].search_text
    entry = AuditEntry.objects.get(action="catalogue.import_list_records")
    assert entry.details == {"imported": 2, "skipped_rows": [3, 5], "import_valid": True}


def test_a_clean_workbook_is_imported_whole_and_a_dry_run_writes_nothing(housing, agency, editor):
    rows = [housing_row(n) for n in range(1, 4)]

    dry = list_io.import_xlsx(
        housing, xlsx(HOUSING_HEADERS, rows), agency=agency, actor=editor, dry_run=True
    )
    assert dry.ok and dry.valid_rows == [2, 3, 4] and dry.imported == 0
    assert not ListRecord.objects.exists()

    report = list_io.import_xlsx(housing, xlsx(HOUSING_HEADERS, rows), agency=agency, actor=editor)
    assert report.imported == 3
    assert ListRecord.objects.count() == 3


def test_headers_match_labels_or_keys_and_problems_with_columns_stop_everything(
    housing, agency, editor
):
    by_key = ["batch", "applicant_name", "id_number", "household_size", "support_mode", "公示日期*"]
    assert list_io.import_xlsx(
        housing, xlsx(by_key, [housing_row(1)]), agency=agency, actor=editor, dry_run=True
    ).ok

    headers = ["批次", "申请人", "身份证号", "家庭人口", "保障方式", "公示日期"]
    report = list_io.import_xlsx(
        housing,
        xlsx(headers, [housing_row(1)]),
        agency=agency,
        actor=editor,
        import_valid=True,
    )

    assert [(e.row, e.column, e.message) for e in report.file_errors] == [
        (1, "申请人", "No field of this list has this name."),
        (1, "申请人姓名", "This required column is missing."),
    ]
    assert not report.can_import_valid_rows
    assert not ListRecord.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(housing, agency, editor):
    upload = io.BytesIO(b"%PDF-1.4 not a workbook")

    with pytest.raises(ListError, match=r"not an Excel workbook"):
        list_io.import_xlsx(housing, upload, agency=agency, actor=editor)


def test_editors_of_one_agency_cannot_import_into_another(housing, other_agency, editor):
    upload = xlsx(HOUSING_HEADERS, [housing_row(1)])

    with pytest.raises(ListPermissionDenied):
        list_io.import_xlsx(housing, upload, agency=other_agency, actor=editor)
    with pytest.raises(ListPermissionDenied):
        list_io.import_sheet(
            housing,
            list_io.Sheet(HOUSING_HEADERS, [(2, housing_row(1))]),
            agency=other_agency,
            actor=editor,
            dry_run=True,
        )

    assert not ListRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="catalogue.import_list_records").exists()


def test_the_template_workbook_has_the_header_row_the_import_reads(housing, agency, editor):
    template = load_workbook(io.BytesIO(list_io.template_xlsx(housing)))
    headers = [cell.value for cell in next(template.active.iter_rows(max_row=1))]
    assert headers == ["批次*", "申请人姓名*", "身份证号*", "家庭人口*", "保障方式*", "公示日期*"]

    report = list_io.import_xlsx(
        housing, xlsx(headers, [housing_row(1)]), agency=agency, actor=editor
    )
    assert report.imported == 1


@pytest.fixture
def published_housing(housing, agency, editor):
    """The sentinel record published, another published, one draft and one withdrawn."""
    make_record(housing, agency=agency, actor=editor, values=housing_values(), publish=True)
    make_record(housing, agency=agency, actor=editor, values=housing_values(1), publish=True)
    make_record(housing, agency=agency, actor=editor, values=housing_values(2, batch="草稿批次"))
    withdrawn = make_record(
        housing,
        agency=agency,
        actor=editor,
        values=housing_values(3, batch="撤回批次"),
        publish=True,
    )
    lists.withdraw_record(withdrawn, actor=editor)
    return housing


def _public_records(record_type):
    from gongkai.catalogue.selectors.lists import public_records

    return public_records(record_type)


def test_public_csv_export_masks_personal_fields_and_has_a_bom(published_housing, agency):
    content = list_io.export_csv(published_housing, _public_records(published_housing))

    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert SENTINEL_NAME not in text
    assert SENTINEL_ID not in text
    assert SENTINEL_NAME_MASKED in text
    assert SENTINEL_ID_MASKED in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Publishing agency", *HOUSING_HEADERS, "Publication date"]
    assert len(rows) == 3  # the header and the two published records
    assert "草稿批次" not in text and "撤回批次" not in text
    assert rows[1][0] == agency.name


def test_public_xlsx_export_masks_personal_fields_and_keeps_numbers(published_housing):
    content = list_io.export_xlsx(published_housing, _public_records(published_housing))

    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    flat = "\n".join(str(v) for row in values for v in row)
    assert SENTINEL_NAME not in flat
    assert SENTINEL_ID not in flat
    assert SENTINEL_NAME_MASKED in flat
    assert SENTINEL_ID_MASKED in flat
    assert sheet.title == "保障性住房分配公示"
    assert len(values) == 3
    assert values[1][4] == 3  # 家庭人口 as a number a spreadsheet can sum


def test_exports_never_write_formulas(types, agency, editor):
    make_record(
        types["procurement-result"],
        agency=agency,
        actor=editor,
        values={
            "project_name": '=HYPERLINK("http://evil.example","点击")',
            "winning_supplier": "@SUM(1+1)",
            "winning_amount": "100",
            "notice_date": datetime.date(2024, 1, 5),
        },
        publish=True,
    )
    records = _public_records(types["procurement-result"])

    sheet = load_workbook(
        io.BytesIO(list_io.export_xlsx(types["procurement-result"], records))
    ).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")
    text = list_io.export_csv(types["procurement-result"], records).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text
