"""The 2019 trial format of the annual report (国办公开办函〔2019〕60号, REG 50): the trial
form's table 二 (documents, the power list's item counts, 政府集中采购) from the records,
（六）其他处理 as a single row, and the national format's sections, drafts and table 四."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from gongkai.catalogue import lists
from gongkai.info_requests.outcomes import Outcome
from gongkai.reports import tables as t
from gongkai.reports import tables_2019 as t2019
from gongkai.reports.content import Cell, Ref
from gongkai.reports.formats import fmt2019, fmt2021
from gongkai.reports.formats.base import Subject, check_prose
from gongkai.reports.tables import agency_scope, annual_tables
from tests.catalogue import conftest as catalogue_fixtures
from tests.catalogue.lists_support import power_values, seed
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID
from tests.reports.test_fmt2021 import TITLES, all_text

pytestmark = pytest.mark.django_db
D = datetime.date
FORMAT = fmt2019.FORMAT
editor = catalogue_fixtures.editor
reviewer = catalogue_fixtures.reviewer
document_factory = catalogue_fixtures.document_factory
publish = catalogue_fixtures.publish


def moment(day: datetime.date) -> datetime.datetime:
    """10 o'clock Beijing time on ``day``."""
    return datetime.datetime(day.year, day.month, day.day, 2, tzinfo=datetime.UTC)


def subject_of(agency, year: int = 2020) -> Subject:
    return Subject(scope=agency_scope(agency.pk, year), agency_name=agency.name)


def numbers_of(row: tuple[Cell, ...]) -> list[Cell]:
    return [cell for cell in row if cell.value is not None]


@pytest.fixture
def year_2020(agency, received, answer):
    """Applications of 2020, two of them closed by the office with （六）其他处理."""
    a = answer(received(D(2020, 3, 2)), D(2020, 3, 6), Outcome.DISCLOSED)
    b = answer(received(D(2020, 4, 6), "business", for_office=True), D(2020, 4, 9), Outcome.OTHER)
    c = answer(received(D(2020, 5, 6), for_office=True), D(2020, 5, 8), Outcome.OTHER)
    d = received(D(2020, 12, 28))
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def records(agency, editor):
    """Power-list items and procurement results of ``agency`` published in 2019 and 2020."""
    types = seed()

    def item(n: int, power_type: str, published: datetime.date):
        values = power_values(n, agency.name, power_type=power_type, item_name=f"事项{n}")
        record = lists.create_record(
            types["power-list"], agency=agency, actor=editor, values=values
        )
        (record,) = lists.publish_records([record], actor=editor, now=moment(published))
        return record

    def result(n: int, amount: str, notice: datetime.date):
        values = {
            "project_name": f"采购项目{n}",
            "winning_supplier": f"某某供应商{n}",
            "winning_amount": amount,
            "notice_date": notice,
        }
        record = lists.create_record(
            types["procurement-result"], agency=agency, actor=editor, values=values
        )
        (record,) = lists.publish_records([record], actor=editor, now=moment(notice))
        return record

    licence_1 = item(1, "行政许可", D(2019, 3, 1))
    licence_2 = item(2, "行政许可", D(2019, 6, 1))
    inspection = item(3, "行政检查", D(2019, 7, 1))
    penalty = item(4, "行政处罚", D(2020, 2, 3))
    lists.withdraw_record(licence_2, actor=editor, reason="事项取消", now=moment(D(2020, 8, 3)))
    old = result(1, "80000.00", D(2019, 11, 4))
    new_1 = result(2, "150000.00", D(2020, 4, 1))
    new_2 = result(3, "50000.50", D(2020, 9, 1))
    return {
        "licences": (licence_1, licence_2),
        "inspection": inspection,
        "penalty": penalty,
        "results": (old, new_1, new_2),
    }


def test_reg_50_the_trial_table_two_has_the_forms_blocks_and_labels(agency):
    table = FORMAT.build(subject_of(agency), {}).section("2").tables[0]
    texts = [[c.text for c in row if c.value is None] for row in (*table.head, *table.rows)]
    assert texts == [
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章"],
        ["规范性文件"],
        ["第二十条第（五）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可"],
        ["其他对外管理服务事项"],
        ["第二十条第（六）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政处罚"],
        ["行政强制"],
        ["第二十条第（八）项"],
        ["信息内容", "上一年项目数量", "本年增/减"],
        ["行政事业性收费"],
        ["第二十条第（九）项"],
        ["信息内容", "采购项目数量", "采购总金额"],
        ["政府集中采购"],
    ]
    widths = [sum(c.colspan for c in row) for row in (*table.head, *table.rows)]
    assert set(widths) == {4}  # every row fills the table's four columns
    assert all(c.value == 0 and c.note for c in numbers_of(table.rows[0]))  # 规章: none made
    fees = numbers_of(table.rows[12])
    assert [c.value for c in fees] == [0, 0] and fees[0].note == str(t2019.NO_FEE_ITEMS)
    assert "采购总金额单位：万元" in table.notes


def test_reg_50_item_counts_come_from_the_power_list_as_of_each_year_end(agency, records):
    two = t2019.trial_table_two(agency_scope(agency.pk, 2020))
    licensing, others = two.items["licensing"], two.items["other_services"]
    assert (licensing["previous"].value, licensing["change"].value) == (2, -1)  # one withdrawn
    assert licensing["change"].ids == (records["licences"][1].pk,)
    assert (others["previous"].value, others["change"].value) == (1, 0)  # 行政检查
    penalty = two.items["penalty"]
    assert (penalty["previous"].value, penalty["change"].value) == (0, 1)
    assert penalty["change"].ids == (records["penalty"].pk,)
    assert licensing["decisions"].value == 0 and licensing["decisions"].reason
    earlier = t2019.trial_table_two(agency_scope(agency.pk, 2019)).items["licensing"]
    assert (earlier["previous"].value, earlier["change"].value) == (0, 2)

    table = FORMAT.build(subject_of(agency), {}).section("2").tables[0]
    row = numbers_of(table.rows[4])  # 行政许可
    assert [c.value for c in row] == [2, -1, 0]
    assert row[0].refs == tuple(Ref("list_record", str(r.pk)) for r in records["licences"])


def test_reg_50_procurement_counts_the_years_results_in_ten_thousand_yuan(agency, records):
    procurement = t2019.trial_table_two(agency_scope(agency.pk, 2020)).procurement
    assert procurement["projects"].value == 2
    assert procurement["amount"].value == Decimal("20.00")  # 200,000.50 yuan
    assert set(procurement["projects"].ids) == {r.pk for r in records["results"][1:]}
    table = FORMAT.build(subject_of(agency), {}).section("2").tables[0]
    assert [c.text for c in numbers_of(table.rows[-1])] == ["2", "20"]


def test_reg_50_documents_made_published_and_in_total(agency, document_factory, publish):
    """Formed in December 2019, published (and so registered) in January 2020."""
    draft = document_factory(
        is_normative=True, doc_number="某规〔2019〕9号", formation_date=D(2019, 12, 20)
    )
    document = publish(draft, now=moment(D(2020, 1, 6)))
    documents = t2019.trial_table_two(agency_scope(agency.pk, 2020)).documents["normative"]
    assert [documents[c].value for c in ("made", "published", "total")] == [0, 1, 1]
    assert documents["published"].ids == (document.pk,)
    assert (
        t2019.trial_table_two(agency_scope(agency.pk, 2019)).documents["normative"]["total"].value
        == 0
    )  # not yet published on 31 December 2019


def test_reg_50_other_handling_is_one_row_the_sum_of_the_three(agency, year_2020):
    annual = annual_tables(agency_scope(agency.pk, 2020))
    single = t2019.single_other_row(annual.three)
    for column in (*t.APPLICANT_COLUMNS, "total"):
        parts = sum(annual.three.cell(sub, column) for sub in t.SUB_ROWS["6"])
        assert len(single[column]) == parts == annual.three.cell("6", column)
    assert set(single["total"]) == {year_2020["b"].number, year_2020["c"].number}

    trial = FORMAT.build(subject_of(agency), {}).section("3").tables[0]
    national = fmt2021.FORMAT.build(subject_of(agency), {}).section("3").tables[0]
    labels = [row[0].text for row in trial.rows]
    assert "（六）其他处理" in labels
    assert not any(label.startswith(("1.申请人无正当理由", "3.其他")) for label in labels)
    assert len(trial.rows) == len(national.rows) - 3
    (row,) = [r for r in trial.rows if r[0].text == "（六）其他处理"]
    sub_rows = [r for r in national.rows if r[0].text in {line.label for line in t.ROWS_3
                                                          if line.parent == "6"}]  # fmt: skip
    assert len(sub_rows) == 3
    for i, cell in enumerate(numbers_of(row)):
        assert cell.value == sum(numbers_of(sub)[i].value for sub in sub_rows)
    assert numbers_of(row)[-1].value == 2
    assert numbers_of(row)[-1].refs == tuple(Ref("info_request", n) for n in single["total"])


def test_reg_50_sections_drafts_and_table_four_as_the_national_format(agency, year_2020):
    subject = subject_of(agency)
    content = FORMAT.build(subject, {})
    assert content.format == "fmt2019"
    assert [s.title for s in content.sections] == TITLES
    assert content.title == f"{agency.name}2020年政府信息公开工作年度报告"
    assert "全年共收到政府信息公开申请4件" in content.section("1").text
    assert check_prose(content, FORMAT.facts()) == []
    national = fmt2021.FORMAT.build(subject, {})
    assert content.section("4").tables == national.section("4").tables


def test_reg_50_no_personal_data_reaches_the_trial_report(agency, year_2020, records):
    text = all_text(FORMAT.build(subject_of(agency), {}))
    for personal in (APPLICANT_NAME, APPLICANT_PHONE, VALID_ID, "0311-87654321"):
        assert personal not in text
