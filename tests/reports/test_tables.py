"""Table 三 and table 四 of the annual report (REG 50) for a small hand-built set of
applications across two years, each cell against an independent count of the records."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import replace

import pytest
from django.db.models import Q

from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest, Remedy
from gongkai.info_requests.outcomes import REPORT_ROWS, Outcome
from gongkai.reports import tables
from gongkai.reports.tables import (
    APPLICANT_COLUMNS,
    CARRIED_FORWARD,
    CARRIED_OVER,
    COUNTED_ROWS_3,
    NEW,
    ROWS_3,
    TOTAL,
    agency_scope,
    table_four,
    table_three,
)
from gongkai.reports.validation import check_carry_over, check_table_three, validate
from tests.info_requests.conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date


def independent_count(year: int, agency_ids) -> dict[str, dict[str, int]]:
    """Table 三 counted from the applications' own fields (receipt, reply date, outcome)
    rather than from their events: the reply date and outcome never change once replied."""
    start, end = D(year, 1, 1), D(year, 12, 31)
    counts: Counter[tuple[str, str]] = Counter()
    for request in InfoRequest.objects.filter(agency_id__in=agency_ids, received_on__lte=end):
        column = (
            "person"
            if request.applicant_kind == InfoRequest.ApplicantKind.PERSON
            else request.organisation_kind or "other"
        )
        replied = request.replied_on
        if request.received_on >= start:
            counts[NEW, column] += 1
        elif replied is None or replied >= start:
            counts[CARRIED_OVER, column] += 1
        else:
            continue
        if replied is None or replied > end:
            counts[CARRIED_FORWARD, column] += 1
            continue
        key = REPORT_ROWS[request.outcome].key
        for row in {TOTAL, key, key.split(".")[0]}:
            counts[row, column] += 1
    result = {
        row: {column: counts[row, column] for column in APPLICANT_COLUMNS} for row in COUNTED_ROWS_3
    }
    for by_column in result.values():
        by_column["total"] = sum(by_column.values())
    return result


@pytest.fixture
def two_years(agency, received, answer):
    """Applications of 2023–2025 to ``agency``; C and E are answered only in 2025."""
    z = answer(received(D(2023, 5, 4)), D(2023, 5, 8), Outcome.DISCLOSED)
    a = answer(received(D(2024, 3, 4)), D(2024, 3, 8), Outcome.DISCLOSED)
    b = answer(received(D(2024, 6, 3), "business"), D(2024, 6, 7), Outcome.PARTLY_DISCLOSED)
    c = received(D(2024, 12, 20), "legal_services")
    d = answer(received(D(2024, 12, 23), for_office=True), D(2024, 12, 24), Outcome.PETITION)
    e = received(D(2024, 12, 27), "research")
    f = answer(received(D(2025, 2, 10)), D(2025, 2, 14), Outcome.OTHER_AGENCY)
    g = received(D(2025, 12, 29), "public_welfare")
    h = answer(received(D(2025, 5, 6), "other", for_office=True), D(2025, 5, 7), "publication")
    return {"z": z, "a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}


def answer_late(answer, two_years) -> None:
    """C and E, received late in 2024, are answered in January 2025."""
    answer(two_years["c"], D(2025, 1, 8), Outcome.NOT_HELD)
    answer(two_years["e"], D(2025, 1, 10), Outcome.WITHHELD_THIRD_PARTY)


def test_reg_50_table_three_rows_and_columns_are_the_national_forms():
    labels = [row.label for row in ROWS_3]
    assert labels[:3] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
    ]
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "5.要求行政机关确认或重新出具已获取信息" in labels
    assert len(labels) == 3 + 6 + 8 + 3 + 5 + 3 + 2
    assert [c.label for c in tables.COLUMNS_3] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    ]  # fmt: skip


def test_reg_50_each_cell_of_table_three_matches_an_independent_count(agency, two_years, answer):
    answer_late(answer, two_years)
    for year in (2023, 2024, 2025):
        computed = table_three(agency_scope(agency.pk, year))
        assert computed.cells == independent_count(year, [agency.pk]), year

    t2024 = table_three(agency_scope(agency.pk, 2024))
    assert t2024.cell(NEW) == 5 and t2024.cell(NEW, "person") == 2
    assert t2024.cell(CARRIED_OVER) == 0  # Z was answered in 2023
    assert t2024.cell(TOTAL) == 3
    assert (t2024.cell("1", "person"), t2024.cell("2", "business")) == (1, 1)
    assert (t2024.cell("5.1", "person"), t2024.cell("5", "person")) == (1, 1)
    assert t2024.cell(CARRIED_FORWARD) == 2
    assert set(t2024.numbers[CARRIED_FORWARD]["total"]) == {
        two_years["c"].number,
        two_years["e"].number,
    }

    t2025 = table_three(agency_scope(agency.pk, 2025))
    assert t2025.cell(NEW) == 3
    assert t2025.cell(CARRIED_OVER, "legal_services") == t2025.cell(CARRIED_OVER, "research") == 1
    assert t2025.cell("4.1") == 2  # C (not held) and F (another agency's): one row
    assert t2025.cell("4.1", "legal_services") == t2025.cell("4.1", "person") == 1
    assert t2025.cell("3.4", "research") == t2025.cell("3", "research") == 1
    assert t2025.cell("5.3", "other") == 1
    assert t2025.cell(TOTAL) == 4
    assert t2025.cell(CARRIED_FORWARD, "public_welfare") == 1
    assert validate(tables.annual_tables(agency_scope(agency.pk, 2025))) == []


def test_reg_50_the_table_is_as_of_31_december(agency, two_years, answer):
    """An answer given in 2025 does not change the 2024 table: C and E stay carried forward."""
    before = table_three(agency_scope(agency.pk, 2024))
    assert before.cell(CARRIED_FORWARD) == 2
    answer_late(answer, two_years)
    two_years["c"].refresh_from_db()
    assert two_years["c"].state == InfoRequest.State.REPLIED
    after = table_three(agency_scope(agency.pk, 2024))
    assert after == before
    assert table_three(agency_scope(agency.pk, 2025)).cell(TOTAL) == 4


def test_reg_50_an_application_in_hand_on_31_december_is_carried_forward(
    agency, received, answer, handler
):
    """A reply drafted in December but issued in January counts in January's year."""
    request = received(D(2024, 12, 23))
    with at(D(2024, 12, 27)):
        services.draft_reply(
            request, actor=handler, outcome=Outcome.DISCLOSED, reply_text="予以公开。"
        )
    answer(request, D(2025, 1, 6), Outcome.DISCLOSED)
    t2024 = table_three(agency_scope(agency.pk, 2024))
    assert t2024.cell(CARRIED_FORWARD) == 1 and t2024.cell(TOTAL) == 0
    assert table_three(agency_scope(agency.pk, 2025)).cell("1") == 1


def test_reg_50_last_years_four_is_this_years_two(agency, two_years, answer):
    answer_late(answer, two_years)
    t2024 = table_three(agency_scope(agency.pk, 2024))
    t2025 = table_three(agency_scope(agency.pk, 2025))
    for column in tables.COLUMN_LABELS_3:
        assert t2024.cell(CARRIED_FORWARD, column) == t2025.cell(CARRIED_OVER, column)
    assert check_carry_over(t2024, t2025) == []


def test_reg_50_a_broken_identity_names_the_table_row_column_and_applications(agency, two_years):
    good = table_three(agency_scope(agency.pk, 2024))
    assert check_table_three(good) == []
    cells = {row: dict(by_column) for row, by_column in good.cells.items()}
    numbers = {row: dict(by_column) for row, by_column in good.numbers.items()}
    cells[CARRIED_FORWARD]["research"] = 0  # E forgotten
    numbers[CARRIED_FORWARD]["research"] = ()
    cells["5.1"]["person"] = 0
    broken = replace(good, cells=cells, numbers=numbers)
    failures = check_table_three(broken)
    balance = next(f for f in failures if f.row.startswith("一、") and "科研机构" in f.column)
    assert (balance.table, balance.expected, balance.found) == ("三", 0, 1)
    assert balance.numbers == (two_years["e"].number,)
    assert two_years["e"].number in str(balance)
    group = next(f for f in failures if f.row == "（五）不予处理")
    assert (group.column, group.expected, group.found) == ("自然人", 0, 1)
    assert any(f.row == "四、结转下年度继续办理" and f.column == "总计" for f in failures)

    moved = table_three(agency_scope(agency.pk, 2025))
    assert check_carry_over(broken, moved)[0].numbers == (two_years["e"].number,)


def test_reg_50_table_four_counts_results_as_of_31_december(agency, two_years, office):
    """REG 51 remedies: reconsideration, litigation directly and after reconsideration."""
    a, d, f = two_years["a"], two_years["d"], two_years["f"]

    def record(request, kind, filed, result="", decided=None):
        with at(filed):
            remedy = services.record_remedy(
                request, actor=office, kind=kind, body="区人民政府", filed_on=filed
            )
        if result:
            with at(decided):
                services.decide_remedy(remedy, actor=office, result=result, decided_on=decided)

    kinds, results = Remedy.Kind, Remedy.Result
    record(a, kinds.RECONSIDERATION, D(2024, 4, 1), results.UPHELD, D(2024, 5, 10))
    record(a, kinds.LITIGATION_AFTER, D(2024, 6, 3))
    record(d, kinds.LITIGATION, D(2024, 12, 26), results.CORRECTED, D(2025, 3, 3))
    record(f, kinds.RECONSIDERATION, D(2025, 3, 3), results.OTHER, D(2025, 4, 1))

    t2024 = table_four(agency_scope(agency.pk, 2024))
    assert t2024.cells == {
        "reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1},
        "litigation": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    }
    t2025 = table_four(agency_scope(agency.pk, 2025))
    assert t2025.cells == {
        "reconsideration": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
        "litigation": {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1},
        "litigation_after": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    }
    assert t2025.numbers["reconsideration"]["other"] == (f.number,)
    assert validate(tables.annual_tables(agency_scope(agency.pk, 2025))) == []

    # One read a request serves table 四 (before a body or court in the year) and the seed
    # format's remedies filed in the year; a's reconsideration, decided in 2024, is in neither.
    scope = agency_scope(agency.pk, 2025)
    rows = tables.remedies_of_year(scope)
    # Each of the two read alone, as its own definition says.
    of_agency = Remedy.objects.filter(request__agency=agency).order_by("filed_on", "id")
    during = of_agency.filter(filed_on__lte=scope.end).filter(
        Q(decided_on__isnull=True) | Q(decided_on__gte=scope.start)
    )
    filed = of_agency.filter(filed_on__gte=scope.start, filed_on__lte=scope.end)
    read = [(kind, number) for kind, *_rest, number in rows]
    expected = {*during.values_list("kind", "request__number")}
    expected |= {*filed.values_list("kind", "request__number")}
    assert sorted(read) == sorted(expected) and len(read) == 3
    assert (Remedy.Kind.RECONSIDERATION, a.number) not in read
    assert (
        [n for _k, _r, _d, filed_on, n in rows if filed_on >= scope.start]
        == list(filed.values_list("request__number", flat=True))
        == [f.number]
    )


def test_reg_50_other_agencies_applications_are_not_counted(agency, other_agency, submit):
    submit(D(2025, 3, 3), to=other_agency)
    assert table_three(agency_scope(agency.pk, 2025)).cell(NEW) == 0
    assert table_three(agency_scope(other_agency.pk, 2025)).cell(NEW) == 1
