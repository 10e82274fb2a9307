"""The national format of the annual report (国办公开办函〔2021〕30号, REG 50): sections, tables
laid out from ``annual_tables`` with the records behind each number, drafts written from the
figures and checked against them, the fees of section 六, the government's supervision results,
and no personal data anywhere.
The demonstration's reports: ``tests/demo/test_report_2024.py``."""

from __future__ import annotations

import datetime

import pytest

from gongkai.info_requests import services
from gongkai.info_requests.models import FeeNotice, InfoRequest
from gongkai.info_requests.outcomes import Outcome
from gongkai.reports import tables as t
from gongkai.reports.content import Cell, Ref, ReportContent
from gongkai.reports.formats import fmt2021
from gongkai.reports.formats.base import Subject, check_prose
from gongkai.reports.tables import agency_scope, annual_tables, government_scope
from gongkai.supervision.assessment import services as assessment_services
from gongkai.supervision.assessment.models import AccountabilityRecord
from tests.catalogue import conftest as catalogue_fixtures
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID, at

pytestmark = pytest.mark.django_db
D = datetime.date
FORMAT = fmt2021.FORMAT
# The catalogue's fixtures, to publish a normative document.
editor = catalogue_fixtures.editor
reviewer = catalogue_fixtures.reviewer
document_factory = catalogue_fixtures.document_factory
publish = catalogue_fixtures.publish
TITLES = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


@pytest.fixture
def year_2025(agency, received, answer, office):
    """Applications to ``agency``: one carried over from 2024, four received in 2025 (one
    still in hand on 31 December), a reconsideration that corrected one answer."""
    old = received(D(2024, 12, 27), "business")
    answer(old, D(2025, 1, 10), Outcome.DISCLOSED)
    a = answer(received(D(2025, 3, 3)), D(2025, 3, 7), Outcome.DISCLOSED)
    b = answer(received(D(2025, 4, 7), "research"), D(2025, 4, 10), Outcome.PARTLY_DISCLOSED)
    c = answer(received(D(2025, 5, 6), for_office=True), D(2025, 5, 7), Outcome.PETITION)
    d = received(D(2025, 12, 29), "legal_services")
    with at(D(2025, 6, 2)):
        remedy = services.record_remedy(
            a, actor=office, kind="reconsideration", body="区人民政府", filed_on=D(2025, 6, 2)
        )
    with at(D(2025, 7, 1)):
        services.decide_remedy(remedy, actor=office, result="corrected", decided_on=D(2025, 7, 1))
    return {"old": old, "a": a, "b": b, "c": c, "d": d}


def subject_of(agency, year: int = 2025) -> Subject:
    return Subject(scope=agency_scope(agency.pk, year), agency_name=agency.name)


def all_text(content: ReportContent) -> str:
    """Every word the report prints: title, prose, table titles, notes and cells."""
    parts = [content.title, content.preamble]
    for section in content.sections:
        parts += [section.title, section.text]
        for table in section.tables:
            parts += [table.title, *table.notes]
            parts += [cell.text + cell.note for row in (*table.head, *table.rows) for cell in row]
    parts += [f.label for f in content.figures.values()]
    return "\n".join(parts)


def number_cells(row: tuple[Cell, ...]) -> list[Cell]:
    return [cell for cell in row if cell.value is not None]


# --------------------------------------------------------------------------- structure


def test_reg_50_sections_in_order_with_exact_titles(agency, year_2025):
    content = FORMAT.build(subject_of(agency), {})
    assert [s.title for s in content.sections] == TITLES
    assert [s.key for s in content.sections] == ["1", "2", "3", "4", "5", "6"]
    assert [s.has_prose for s in content.sections] == [True, False, False, False, True, True]
    assert [len(s.tables) for s in content.sections] == [0, 1, 1, 1, 0, 0]
    assert content.title == f"{agency.name}2025年政府信息公开工作年度报告"
    assert content.format == "fmt2021" and content.year == 2025
    assert [title for _key, title in FORMAT.sections()] == TITLES


def test_reg_50_the_office_prose_replaces_the_draft(agency, year_2025):
    content = FORMAT.build(subject_of(agency), {"5": "本年度无问题。"})
    assert content.section("5").text == "本年度无问题。"
    assert content.section("1").text.startswith("2025年")  # the draft where none is given


def test_reg_50_table_three_cells_equal_annual_tables_and_name_the_applications(agency, year_2025):
    annual = annual_tables(agency_scope(agency.pk, 2025))
    table = FORMAT.build(subject_of(agency), {}).section("3").tables[0]
    head = [[cell.text for cell in row] for row in table.head]
    assert head[0][1] == "申请人情况"
    assert head[1] == ["自然人", "法人或其他组织", "总计"]
    assert table.head[1][1].colspan == 5
    assert head[2] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert [row[0].text for row in table.rows] == [line.label for line in t.ROWS_3]
    counted = [row for row in table.rows if number_cells(row)]
    assert len(counted) == len(t.COUNTED_ROWS_3)
    for key, row in zip(t.COUNTED_ROWS_3, counted, strict=True):
        for column, cell in zip(t.COLUMNS_3, number_cells(row), strict=True):
            assert cell.value == annual.three.cell(key, column.key), (key, column.key)
            assert cell.refs == tuple(
                Ref("info_request", n) for n in annual.three.numbers[key][column.key]
            )
    new_total = number_cells(counted[0])[-1]
    assert new_total.value == 4
    assert {r.key for r in new_total.refs} == {year_2025[k].number for k in ("a", "b", "c", "d")}


def test_reg_50_table_four_has_its_two_heading_rows_and_fifteen_numbers(agency, year_2025):
    annual = annual_tables(agency_scope(agency.pk, 2025))
    table = FORMAT.build(subject_of(agency), {}).section("4").tables[0]
    assert [(c.text, c.colspan) for c in table.head[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    assert [c.text for c in table.head[1]] == ["未经复议直接起诉", "复议后起诉"]
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [c.text for c in table.head[2]] == results * 3
    (row,) = table.rows
    assert [c.value for c in row] == [
        annual.four.cell(kind.key, result.key)
        for kind in t.REMEDY_KINDS
        for result in t.REMEDY_RESULTS
    ]
    assert row[1].value == 1 and row[1].refs == (Ref("info_request", year_2025["a"].number),)


def test_reg_50_table_two_blocks_labels_and_document_refs(
    agency, year_2025, document_factory, publish
):
    """REG 20 items 1, 5, 6 and 8; a normative document published (and so registered) in
    2025 is counted as made, with its id behind the number."""
    moment = datetime.datetime(2025, 3, 10, 2, tzinfo=datetime.UTC)
    document = publish(
        document_factory(is_normative=True, doc_number="某政规〔2025〕1号"), now=moment
    )
    annual = annual_tables(agency_scope(agency.pk, 2025))
    table = FORMAT.build(subject_of(agency), {}).section("2").tables[0]
    texts = [[c.text for c in row if c.value is None] for row in (*table.head, *table.rows)]
    assert texts == [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章"],
        ["行政规范性文件"],
        ["第二十条第（五）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政许可"],
        ["第二十条第（六）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政处罚"],
        ["行政强制"],
        ["第二十条第（八）项"],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费"],
    ]
    rules, normative = table.rows[0], table.rows[1]
    assert all(c.value == 0 and c.note == str(t.NO_RULES) for c in number_cells(rules))
    made = number_cells(normative)[0]
    assert made.value == annual.two.documents["normative"]["made"].value
    assert made.value == 1 and made.refs == (Ref("document", str(document.pk)),)
    assert not number_cells(normative)[1].refs  # nothing repealed: no link
    in_force = number_cells(normative)[2]
    assert in_force.value == annual.two.documents["normative"]["in_force"].value == 1
    licensing = number_cells(table.rows[4])[0]
    assert licensing.note == str(t.NO_DECISIONS) and licensing.colspan == 3


# --------------------------------------------------------------------------- drafts


def test_reg_50_drafts_quote_the_figures_and_check_prose_finds_an_edited_number(agency, year_2025):
    subject = subject_of(agency)
    figures = FORMAT.figures(subject)
    assert figures["requests_new"].value == 4
    assert figures["requests_carried_over"].value == 1
    assert figures["requests_answered"].value == 4
    assert figures["requests_carried_forward"].value == 1
    assert figures["channel_online"].value == 4  # the fixtures apply online
    assert figures["reconsiderations"].value == figures["reconsiderations_corrected"].value == 1
    drafts = FORMAT.drafts(subject, figures)
    assert "全年共收到政府信息公开申请4件" in drafts["1"]
    assert "上年结转1件" in drafts["1"]
    assert "予以公开2件" in drafts["1"] and "部分公开1件" in drafts["1"]
    assert "结转下年度继续办理1件" in drafts["1"]
    assert "年底仍有1件申请结转" in drafts["5"]  # a measurable weak point
    assert "被行政复议或行政诉讼纠正" in drafts["5"]

    content = FORMAT.build(subject, {})
    assert check_prose(content, FORMAT.facts()) == []
    edited = drafts["1"].replace("收到政府信息公开申请4件", "收到政府信息公开申请5件")
    problems = check_prose(FORMAT.build(subject, {"1": edited}), FORMAT.facts())
    assert [(p.figure, p.expected, p.found) for p in problems] == [("requests_new", 4, "5")]


def test_reg_50_each_quoted_outcome_is_checked_against_its_own_figure(agency, year_2025):
    """予以公开 must not match inside 不予公开, nor 公开 inside 部分公开."""
    subject = subject_of(agency)
    text = FORMAT.drafts(subject, FORMAT.figures(subject))["1"]
    edited = text.replace("部分公开1件", "部分公开3件")
    problems = check_prose(FORMAT.build(subject, {"1": edited}), FORMAT.facts())
    assert [p.figure for p in problems] == ["requests_partly"]


def test_reg_33_an_answer_after_the_time_limit_is_a_weak_point_of_section_five(
    agency, year_2025, received, answer
):
    """REG 33: 20 working days; an application answered three months later is named."""
    late = answer(received(D(2025, 3, 3)), D(2025, 6, 3), Outcome.DISCLOSED)
    assert late.due_on is not None and late.replied_on > late.due_on
    subject = subject_of(agency)
    figure = FORMAT.figures(subject)["requests_late"]
    assert figure.value == 1 and figure.refs == (Ref("info_request", late.number),)
    content = FORMAT.build(subject, {})
    assert "有1件政府信息公开申请超过法定期限答复" in content.section("5").text
    assert check_prose(content, FORMAT.facts()) == []
    edited = content.section("5").text.replace("有1件政府信息公开申请", "有0件政府信息公开申请")
    problems = check_prose(FORMAT.build(subject, {"5": edited}), FORMAT.facts())
    assert [(p.section, p.figure) for p in problems] == [("5", "requests_late")]


def test_reg_50_section_six_states_the_fees_collected(agency, year_2025, assigned, handler):
    subject = subject_of(agency)
    assert FORMAT.figures(subject)["fees_collected"].value == 0
    assert "本年度未收取信息处理费。" in FORMAT.drafts(subject, FORMAT.figures(subject))["6"]

    request = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        notice = services.issue_fee_notice(
            request, actor=handler, method=FeeNotice.Method.PER_PAGE, pages=40,
            payment="请通过政务服务平台在线缴纳。",
        )  # fmt: skip
    with at(D(2025, 9, 3)):
        services.settle_fee(notice, actor=handler, settlement=FeeNotice.Settlement.PAID)
    figure = FORMAT.figures(subject)["fees_collected"]
    assert figure.value == notice.amount > 0
    assert figure.refs == (Ref("info_request", request.number),)
    content = FORMAT.build(subject, {})
    amount = fmt2021.number_text(notice.amount)
    assert f"本年度收取信息处理费{amount}元。" in content.section("6").text
    assert check_prose(content, FORMAT.facts()) == []
    assert FORMAT.figures(subject_of(agency, 2024))["fees_collected"].value == 0  # paid in 2025


def test_reg_50_the_governments_overview_reports_assessment_and_accountability(
    agency, year_2025, office
):
    subject = Subject(scope=government_scope(2025), agency_name="某区人民政府")
    with at(D(2025, 8, 1)):
        assessment_services.record_accountability(
            agency, person="李某某", person_title="科长", reason="逾期答复",
            measure=AccountabilityRecord.Measure.CRITICISM, decided_on=D(2025, 8, 1),
            actor=office,
        )  # fmt: skip
    content = FORMAT.build(subject, {})
    overview = content.section("1").text
    assert "工作考核、社会评议和责任追究结果情况" in overview
    assert "考核结果尚未公布" in overview  # no scheme published for 2025 here
    assert "追究责任1起，其中通报批评1起" in overview
    assert "李某某" not in all_text(content)
    assert check_prose(content, FORMAT.facts()) == []
    agency_only = FORMAT.build(subject_of(agency), {}).section("1").text
    assert "工作考核" not in agency_only


def test_reg_50_no_personal_data_reaches_the_report(agency, year_2025):
    assert InfoRequest.objects.filter(name=APPLICANT_NAME, phone=APPLICANT_PHONE).exists()
    text = all_text(FORMAT.build(subject_of(agency), {}))
    for personal in (APPLICANT_NAME, APPLICANT_PHONE, VALID_ID, "wang@example.cn", "某某单位"):
        assert personal not in text


def test_reg_50_letters_of_the_year_are_counted_as_of_31_december(
    agency, handling_agency, office, handler, staff_role_factory, django_capture_on_commit_callbacks
):
    """A letter written and replied in 2025 counts for the government and for the agency that
    answered it; one replied only in 2026 counts as received, not replied; no writer's data."""
    from gongkai.agencies.models import StaffRole
    from gongkai.interaction.letters import services as letter_services
    from tests.interaction.letters.conftest import REPLY, WRITER_NAME, WRITER_PHONE, letter_input

    reviewer = staff_role_factory(agency=handling_agency, role=StaffRole.Role.REVIEWER).user

    def letter(written: datetime.date, reply: datetime.date, key: str) -> None:
        with at(written), django_capture_on_commit_callbacks(execute=True):
            item, _code = letter_services.submit_letter(letter_input(), submission_key=key)
            letter_services.accept_letter(item, actor=office, handling_agency=handling_agency)
        with at(reply), django_capture_on_commit_callbacks(execute=True):
            letter_services.draft_reply(item, actor=handler, reply_text=REPLY)
            letter_services.submit_for_review(item, actor=handler)
            letter_services.review_letter(item, actor=reviewer, approve=True)

    letter(D(2025, 6, 2), D(2025, 6, 5), "report-letter-1")
    letter(D(2025, 12, 29), D(2026, 1, 5), "report-letter-2")
    government = Subject(scope=government_scope(2025), agency_name="某区人民政府")
    figures = FORMAT.figures(government)
    assert (figures["letters_received"].value, figures["letters_replied"].value) == (2, 1)
    content = FORMAT.build(government, {})
    assert "收到群众来信2件，答复群众来信1件" in content.section("1").text
    assert check_prose(content, FORMAT.facts()) == []
    text = all_text(content)
    assert WRITER_NAME not in text and WRITER_PHONE not in text
    answering = FORMAT.figures(subject_of(handling_agency))
    assert answering["letters_replied"].value == 1
    assert FORMAT.figures(subject_of(agency))["letters_replied"].value == 0


def test_reg_50_documents_published_are_counted_and_their_ids_read_when_opened(
    agency, document_factory, publish, django_assert_num_queries
):
    """The documents and interpretations published in the year are counted by the database;
    the ids behind the numbers are read only when something reads them, and are the same."""
    moment = datetime.datetime(2025, 3, 10, 2, tzinfo=datetime.UTC)
    documents = [publish(document_factory(), now=moment) for _ in range(3)]
    publish(document_factory(), now=datetime.datetime(2024, 6, 3, 2, tzinfo=datetime.UTC))
    figures = FORMAT.figures(subject_of(agency))
    published = figures["documents_published"]
    assert published.value == 3
    with django_assert_num_queries(0):
        assert published.refs  # known from the count
    with django_assert_num_queries(1):
        assert list(published.refs) == [Ref("document", str(d.pk)) for d in documents]
    with django_assert_num_queries(0):
        assert len(published.refs) == 3  # read once
    assert figures["interpretations_published"].value == 0
    assert not figures["interpretations_published"].refs
