"""The seed's 2014 structure (``seed2014``) on the demonstration (REG 49–50 of the 2007 rules'
annual report, in the seed's own sections): the government's 2014 report gives back every
figure of the seed from the records, each checked here against a count of the records made
directly on the models (not through the format's selectors); the drafts quote the figures
in their own words, never the seed's; an edited number is caught; no applicant's or writer's
personal data reaches the text. The demonstration is loaded once for the module, inside a
transaction rolled back after its last test."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.db.models import F, Q, Sum

from gongkai.agencies.models import Agency, MembershipChange
from gongkai.catalogue.models import Document, ListRecord, NormativeRegistration, PageVisit
from gongkai.info_requests.models import FeeNotice, InfoRequest, Remedy
from gongkai.interaction.channels.models import (
    ChannelFigure,
    HotlineSession,
    ServiceLog,
    ServicePoint,
)
from gongkai.interaction.letters.models import Letter, LetterEvent
from gongkai.reports import formats
from gongkai.reports.formats import seed2014
from gongkai.reports.formats.base import Subject, check_prose
from gongkai.reports.tables import agency_scope, government_scope
from gongkai.supervision.plans.models import KeyTask, TaskCategory
from tests.demo.conftest import NOW

pytestmark = pytest.mark.django_db

# The seed (the district's own 2014 report) is kept beside the project, not in it.
SEED = Path(os.environ.get("GONGKAI_SEED_TEXT", "/work/shared/seed/000_b1ee1ac7de62f1a1.txt"))
YEAR = 2014
START, END = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
FORMAT = seed2014.SEED_FORMAT


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"the seed's text is not at {SEED} (set GONGKAI_SEED_TEXT)")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(district, django_db_blocker):
    """The government's 2014 report with the drafts as its prose (built once for the module)."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        government = Agency.objects.get(kind=Agency.Kind.GOVERNMENT)
        subject = Subject(scope=government_scope(YEAR), agency_name=government.name)
        return FORMAT.build(subject, {})


def value(report, key):
    return report.figures[key].value


def members_on(day: datetime.date) -> set[int]:
    """Members on ``day`` recounted in Python from the membership history."""
    last: dict[int, str] = {}
    for change in MembershipChange.objects.filter(date__lte=day).order_by("date", "id"):
        last[change.agency_id] = change.change
    return {pk for pk, change in last.items() if change == MembershipChange.Change.JOINED}


def scope_ids() -> set[int]:
    joined = MembershipChange.objects.filter(
        date__gte=START, date__lte=END, change=MembershipChange.Change.JOINED
    ).values_list("agency_id", flat=True)
    return members_on(START) | set(joined)


# --------------------------------------------------------------------------- the format


def test_registered_once_under_its_key():
    assert formats.FORMATS["seed2014"] is FORMAT
    assert FORMAT.key == "seed2014"


def test_reg_49_the_sections_are_the_seeds_in_order(report):
    assert [s.title for s in report.sections] == [
        "一、概述",
        "二、政府信息公开的组织领导和制度建设情况",
        "三、发布解读、回应社会关切以及互动交流情况",
        "四、重点领域政府信息公开工作推进情况",
        "五、主动公开政府信息以及公开平台建设情况",
        "六、政府信息公开申请的办理情况",
        "七、政府信息公开的收费及减免情况",
        "八、因政府信息公开申请提起行政复议、行政诉讼的情况",
        "九、政府信息公开保密审查及监督检查情况",
        "十、所属事业单位信息公开推进情况",
        "十一、工作中存在的主要问题及改进措施",
    ]
    assert [s.key for s in report.sections] == [str(n) for n in range(1, 12)]
    assert report.title == "张店区人民政府2014年政府信息公开工作年度报告"
    assert all(s.text for s in report.sections)


def test_reg_49_the_preamble_names_the_compiler_period_and_the_offices_contact(report):
    office = Agency.objects.get(kind=Agency.Kind.GENERAL_OFFICE)
    text = report.preamble
    assert office.name in text
    assert "2014年1月1日至2014年12月31日" in text
    for contact in (office.address, office.postcode, office.phone, office.email):
        assert contact and contact in text
    assert "张店区人民政府门户网站" in text  # the site identity's name


# --------------------------------------------------------------------------- applications


def test_reg_50_applications_received_by_channel_and_addressee(report):
    rows = InfoRequest.objects.filter(received_on__year=YEAR, agency_id__in=scope_ids())
    online = rows.filter(channel=InfoRequest.Channel.ONLINE)
    letters = rows.filter(
        channel__in=[InfoRequest.Channel.REGISTERED_MAIL, InfoRequest.Channel.ORDINARY_MAIL]
    )
    district = rows.filter(agency__kind__in=["government", "general_office", "department"])
    towns = rows.filter(agency__kind__in=["town", "subdistrict"])
    assert (value(report, "requests_received"), rows.count()) == (15, 15)
    assert (value(report, "requests_online"), online.count()) == (5, 5)
    assert (value(report, "requests_letter"), letters.count()) == (10, 10)
    assert value(report, "requests_online_share") == Decimal("33.3")
    assert value(report, "requests_letter_share") == Decimal("66.7")
    assert (value(report, "requests_district"), district.count()) == (14, 14)
    assert (value(report, "requests_town"), towns.count()) == (1, 1)
    assert value(report, "requests_other_channel") == value(report, "requests_other_body") == 0
    answered = rows.filter(
        Q(replied_on__lte=END) | Q(closed_on__lte=END, outcome__gt="")
    ).distinct()
    assert value(report, "requests_answered") == answered.count() == 15
    assert value(report, "requests_answered_share") == Decimal("100.0")
    refs = {ref.key for ref in report.figures["requests_online"].refs}
    assert refs == set(online.values_list("number", flat=True))
    assert all(ref.kind == "info_request" for ref in report.figures["requests_received"].refs)


def test_reg_50_section_six_table_gives_the_applications_with_their_records(report):
    (table,) = report.section("6").tables
    cells = {row[0].text.strip("　 "): row for row in table.rows}
    assert cells["收到申请总数"][1].value == 15
    assert cells["其中：网上申请"][1].value == 5
    assert cells["其中：网上申请"][2].text == "33.3"
    assert cells["信函申请"][1].value == 10
    assert cells["向区政府及其工作部门提出"][1].value == 14
    assert cells["向镇政府（街道办事处）提出"][1].value == 1
    assert cells["已答复"][2].text == "100"
    numbers = set(
        InfoRequest.objects.filter(received_on__year=YEAR).values_list("number", flat=True)
    )
    assert {ref.key for ref in cells["收到申请总数"][1].refs} == numbers
    assert not any(s.tables for s in report.sections if s.key != "6")


def test_reg_50_no_fees_waivers_reconsiderations_or_lawsuits_in_2014(report):
    paid = FeeNotice.objects.filter(settlement="paid", settled_on__year=YEAR)
    assert value(report, "fees_collected") == (paid.aggregate(t=Sum("amount"))["t"] or 0) == 0
    waived = FeeNotice.objects.filter(settlement="waived", settled_on__year=YEAR)
    assert value(report, "fee_waivers") == waived.count() == 0
    remedies = Remedy.objects.filter(filed_on__year=YEAR)
    assert value(report, "reconsiderations") == remedies.filter(kind="reconsideration").count()
    assert value(report, "lawsuits") == remedies.exclude(kind="reconsideration").count() == 0
    assert "未收取政府信息公开处理费" in report.section("7").text
    assert "行政复议0件" in report.section("8").text


# --------------------------------------------------------------------------- catalogue


def test_reg_50_normative_documents_power_list_and_procurement(report):
    normative = NormativeRegistration.objects.filter(
        year=YEAR, document__state="published", document__agency_id__in=scope_ids()
    )
    assert value(report, "normative") == normative.count() == 18
    power = ListRecord.objects.filter(record_type__code="power-list", state="published")
    licensing = power.filter(data__power_type="行政许可")
    assert value(report, "power_licensing") == licensing.count() == 151
    assert value(report, "power_other") == power.exclude(data__power_type="行政许可").count() == 24
    departments = power.values("agency_id").distinct().count()
    assert value(report, "power_departments") == departments == 38
    notices = ListRecord.objects.filter(
        record_type__code="procurement-notice", state="published", published_at__year=YEAR
    )
    assert value(report, "procurement_notices") == notices.count() == 144
    projects = set(notices.values_list("data__project_name", flat=True))
    results = ListRecord.objects.filter(record_type__code="procurement-result", state="published")
    matched = [
        name for name in results.values_list("data__project_name", flat=True) if name in projects
    ]
    assert value(report, "procurement_results") == len(matched) == 144
    assert {r.key for r in report.figures["power_licensing"].refs} == {
        str(pk) for pk in licensing.values_list("pk", flat=True)
    }


def test_reg_50_posts_and_disclosed_items_of_the_year(report):
    public = Document.objects.filter(
        state="published", manner="proactive", versions__isnull=False
    ).distinct()
    in_year = [
        d
        for d in public.filter(agency_id__in=scope_ids()).only("published_at", "kind")
        if d.published_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).year == YEAR
    ]
    assert value(report, "posts") == len(in_year) == 9846
    disclosed = [d for d in in_year if d.kind in ("document", "interpretation")]
    assert value(report, "disclosed") == len(disclosed) == 1536
    assert value(report, "interpretations") == sum(d.kind == "interpretation" for d in in_year)
    visits = PageVisit.objects.filter(day__year=YEAR).aggregate(t=Sum("count"))["t"]
    assert value(report, "visits") == visits > 150_000  # 访问量超过15万次


# --------------------------------------------------------------------------- interaction


def test_reg_50_letters_and_the_seeds_reply_rate(report):
    online = Letter.objects.filter(channel=Letter.Channel.ONLINE, received_on__year=YEAR)
    replied = online.filter(events__code=LetterEvent.Code.REPLIED, events__on__lte=END).distinct()
    assert value(report, "letters_online") == online.count() == 376
    assert value(report, "letters_replied") == replied.count()
    rate = value(report, "letters_reply_rate")
    assert rate == (Decimal(replied.count()) * 100 / 376).quantize(Decimal("0.1"))
    assert rate >= 98


def test_reg_50_hotline_sessions_and_calls(report):
    sessions = HotlineSession.objects.filter(aired_on__year=YEAR)
    on_air = set(
        HotlineSession.agencies.through.objects.filter(
            hotlinesession__aired_on__year=YEAR
        ).values_list("agency_id", flat=True)
    )
    assert value(report, "hotline_agencies") == len(on_air) == 28  # 上线政府部门28个
    assert value(report, "hotline_sessions") == sessions.count()
    assert value(report, "hotline_calls") == sessions.aggregate(t=Sum("calls"))["t"]
    prefixes = {
        figure.label.split("”")[0].lstrip("“"): key.removesuffix("_sessions")
        for key, figure in report.figures.items()
        if key.startswith("hotline_") and key.endswith("_sessions") and key != "hotline_sessions"
    }
    assert set(prefixes) == set(sessions.values_list("programme__name", flat=True))
    for name, prefix in prefixes.items():
        own = sessions.filter(programme__name=name)
        totals = own.aggregate(calls=Sum("calls"), answered=Sum("answered_on_air"))
        assert value(report, f"{prefix}_sessions") == own.count()
        assert value(report, f"{prefix}_calls") == totals["calls"]
        assert value(report, f"{prefix}_answered") == totals["answered"]
    face = prefixes["区长市民面对面"]  # the seed: 7期, 接听市民热线电话160余个, 调查办理70余件
    assert value(report, f"{face}_sessions") == 7
    assert 160 < value(report, f"{face}_calls") < 170
    assert 70 < value(report, f"{face}_follow_ups") < 80
    assert "\n2.“区长市民面对面”全年播出7期" in report.section("3").text


def test_reg_50_the_archives_figures(report):
    logs = ServiceLog.objects.filter(date__year=YEAR, point__kind=ServicePoint.Kind.ARCHIVE)
    totals = logs.aggregate(
        visitors=Sum("visitors"),
        phone=Sum("phone_consultations"),
        files=Sum("files_consulted"),
        pages=Sum("pages_copied"),
        certificates=Sum("certificates_issued"),
    )
    assert (value(report, "archive_visitors"), totals["visitors"]) == (512, 512)
    assert (value(report, "archive_phone_consultations"), totals["phone"]) == (231, 231)
    assert (value(report, "archive_files_consulted"), totals["files"]) == (3194, 3194)
    assert (value(report, "archive_pages_copied"), totals["pages"]) == (972, 972)
    assert (value(report, "archive_certificates_issued"), totals["certificates"]) == (411, 411)


def test_reg_50_the_channels_figures_of_the_year_and_since_opening(report):
    """今日张店 (4500余条次 since opening, 粉丝突破5万), 张店手机报 (670余期, 订阅用户4.1万户),
    《张店通讯》 (94期, 940万份), the safety bureau's 2982 text messages."""

    def prefix(name: str) -> str:
        return next(
            "_".join(key.split("_")[:2])
            for key, figure in report.figures.items()
            if key.startswith("channel_") and figure.label.startswith(name)
        )

    def year_sum(name: str, metric: str) -> int:
        rows = ChannelFigure.objects.filter(channel__name=name, year=YEAR, metric=metric)
        return rows.aggregate(t=Sum("value"))["t"]

    def since(name: str, metric: str) -> int:
        rows = ChannelFigure.objects.filter(channel__name=name, year__lte=YEAR, metric=metric)
        return rows.aggregate(t=Sum("value"))["t"]

    def at_year_end(name: str, metric: str) -> int:
        rows = ChannelFigure.objects.filter(channel__name=name, year=YEAR, metric=metric)
        return rows.order_by("-month").values_list("value", flat=True).first()

    weibo, mobile = prefix("今日张店新浪微博"), prefix("张店手机报")
    bulletin, sms = prefix("张店通讯"), prefix("安全生产短信平台")
    assert value(report, f"{weibo}_posts") == year_sum("今日张店新浪微博", "posts")
    assert value(report, f"{weibo}_posts_total") == since("今日张店新浪微博", "posts") >= 4500
    assert value(report, f"{weibo}_followers") == at_year_end("今日张店新浪微博", "followers")
    assert value(report, f"{weibo}_followers") > 50_000
    assert value(report, f"{mobile}_issues_total") == since("张店手机报", "issues") >= 670
    assert value(report, f"{mobile}_subscribers") == 41_000
    assert value(report, f"{bulletin}_issues") == year_sum("张店通讯", "issues") == 94
    assert value(report, f"{bulletin}_copies") == year_sum("张店通讯", "copies") == 9_400_000
    assert value(report, f"{sms}_messages_sent") == year_sum("安全生产短信平台", "messages_sent")
    assert value(report, f"{sms}_messages_sent") == 2982
    assert "年底粉丝" in report.section("5").text


# --------------------------------------------------------------------------- supervision, members


def test_reg_50_key_tasks_in_categories(report):
    tasks = KeyTask.objects.filter(plan__year=YEAR)
    categories = TaskCategory.objects.filter(plan__year=YEAR, tasks__isnull=False).distinct()
    assert value(report, "task_categories") == categories.count() == 9
    assert value(report, "tasks") == tasks.count() == 42
    accepted = tasks.filter(accepted_on__lte=END)
    assert value(report, "tasks_accepted") == accepted.count()
    assert value(report, "tasks_open") == tasks.count() - accepted.count()
    late = tasks.filter(completion_reported_on__gt=F("deadline"), completion_reported_on__lte=END)
    assert value(report, "tasks_late") == late.count()
    assert "9个类别、42项具体任务" in report.section("4").text


def test_reg_50_members_and_the_public_institutions_share(report):
    start, end = members_on(START - datetime.timedelta(days=1)), members_on(END)
    institution = set(
        Agency.objects.filter(kind=Agency.Kind.PUBLIC_INSTITUTION).values_list("pk", flat=True)
    )

    def share(members: set[int]) -> Decimal:
        return (Decimal(len(members & institution)) * 100 / len(members)).quantize(Decimal("0.01"))

    assert value(report, "members_start") == len(start)
    assert value(report, "members_end") == len(end)
    assert value(report, "institution_share_start") == share(start) == Decimal("32.91")
    assert value(report, "institution_share_end") == share(end)
    assert value(report, "members_joined") == len(end - start) == 8
    assert value(report, "members_left") == len(start - end) == 1
    assert value(report, "institutions_joined") == len((end - start) & institution) == 6
    assert value(report, "institutions_start") == len(start & institution) == 26
    assert value(report, "institutions_end") == len(end & institution)
    staffed = Agency.objects.filter(pk__in=end).exclude(leader_name="").exclude(contact_name="")
    assert value(report, "members_staffed") == staffed.count()
    text = report.section("10").text
    assert "32.91%" in text and f"{share(end)}%" in text


# --------------------------------------------------------------------------- the prose


def test_reg_50_the_drafts_quote_the_figures(report):
    six = report.section("6").text
    assert "受理政府信息公开申请15件" in six
    assert "网上申请5件，占33.3%" in six and "信函申请10件，占66.7%" in six
    assert "向区政府及其工作部门提出14件" in six and "向镇政府（街道办事处）提出1件" in six
    five = report.section("5").text
    for number in ("151", "24", "38", "144", "512", "3194"):
        assert number in five
    three = report.section("3").text
    assert "376条" in three and "区长市民面对面" in three


def test_reg_50_check_prose_is_quiet_on_the_drafts_and_catches_one_edited_number(report):
    facts = FORMAT.facts()
    assert check_prose(report, facts) == []
    quoted = {
        fact.figure
        for fact in facts
        for s in report.sections
        if fact.section == s.key and re.search(fact.pattern, s.text)
    }
    assert {"requests_received", "letters_online", "normative", "power_licensing"} <= quoted
    six = report.section("6")
    edited = six.text.replace("受理政府信息公开申请15件", "受理政府信息公开申请16件")
    assert edited != six.text
    sections = tuple(replace(s, text=edited) if s.key == "6" else s for s in report.sections)
    problems = check_prose(replace(report, sections=sections), facts)
    assert [(p.section, p.figure, p.found) for p in problems] == [("6", "requests_received", "16")]


def test_check_prose_reads_the_numbered_lines_of_programmes_and_channels(report):
    """Programmes and channels are listed one a line; an edit on one line is that line's."""
    facts = FORMAT.facts()
    for key, before, after, found in (
        ("3", "全年播出7期", "全年播出8期", "8"),
        ("5", "本年编发94期", "本年编发95期", "95"),
        ("5", "本年发送短信2982条", "本年发送短信2892条", "2892"),
    ):
        section = report.section(key)
        assert section.text.count(before) == 1
        edited = section.text.replace(before, after)
        sections = tuple(replace(s, text=edited) if s.key == key else s for s in report.sections)
        problems = check_prose(replace(report, sections=sections), facts)
        assert [(p.section, p.found) for p in problems] == [(key, found)]


def test_every_fact_captures_one_number():
    for fact in FORMAT.facts():
        assert re.compile(fact.pattern).groups == 1, fact
        assert fact.section in {key for key, _ in FORMAT.sections()}


def test_every_figure_a_draft_quotes_has_a_fact(report):
    """Each number in the drafts is matched by some fact's pattern (no unchecked number)."""
    facts = FORMAT.facts()
    for section in report.sections:
        covered: set[tuple[int, int]] = set()
        for fact in facts:
            if fact.section == section.key:
                for match in re.finditer(fact.pattern, section.text):
                    covered.add(match.span(1))
        numbered = re.sub(r"〔\d{4}〕\d+号", lambda m: "#" * len(m.group()), section.text)
        for match in re.finditer(r"\d+(?:\.\d+)?", numbered):  # document numbers left out
            if match.group() in ("2014", "2015", "12", "31"):
                continue  # dates
            line_start = match.start() == 0 or section.text[match.start() - 1] == "\n"
            if line_start and section.text[match.end() : match.end() + 1] == ".":
                continue  # an item's number

            assert any(a <= match.start() and match.end() <= b for a, b in covered), (
                section.key,
                match.group(),
                section.text[max(0, match.start() - 15) : match.end() + 5],
            )


def test_the_sections_are_those_the_seed_prints(report, seed_text):
    lines = [line.strip() for line in seed_text.splitlines()]
    seed_titles = [t for t in lines if re.match(r"^[一二三四五六七八九十]+、", t)]
    assert [s.title for s in report.sections] == seed_titles


def test_the_drafts_are_not_the_seeds_sentences(report, seed_text):
    seed_flat = re.sub(r"\s+", "", seed_text)
    texts = [report.preamble, *(s.text for s in report.sections)]
    for text in texts:
        for sentence in re.split(r"[。；！？\n]", text):
            sentence = sentence.strip()
            if len(sentence) >= 20:
                assert sentence not in seed_flat, sentence


def test_no_personal_data_of_2014_applicants_or_writers_reaches_the_report(report):
    everything = "\n".join(
        [
            report.preamble,
            *(s.text for s in report.sections),
            *(c.text for t in report.tables() for row in (*t.head, *t.rows) for c in row),
            *(f.label for f in report.figures.values()),
        ]
    )
    requests = InfoRequest.objects.filter(received_on__year=YEAR)
    letters = Letter.objects.filter(received_on__year=YEAR)
    personal = [
        *requests.values_list("name", "phone", "id_number", "email", "address"),
        *letters.values_list("name", "phone", "email"),
    ]
    assert personal
    for fields in personal:
        for field in fields:
            if field:
                assert field not in everything


# --------------------------------------------------------------------------- an agency


def test_reg_50_an_agencys_own_report_counts_only_its_records(loaded):
    health = Agency.objects.get(slug="health")
    subject = Subject(scope=agency_scope(health.pk, YEAR), agency_name=health.name)
    content = FORMAT.build(subject, {})
    rows = InfoRequest.objects.filter(received_on__year=YEAR, agency=health)
    assert content.figures["requests_received"].value == rows.count() == 2
    assert "requests_district" in content.figures  # counted, but only the government's prose
    assert "向区政府及其工作部门" not in content.section("6").text
    assert (
        content.figures["power_licensing"].value
        == ListRecord.objects.filter(
            record_type__code="power-list", agency=health, data__power_type="行政许可"
        ).count()
    )
    assert health.name in content.preamble and health.phone in content.preamble
    assert check_prose(content, FORMAT.facts()) == []
    assert content.title == "张店区卫生局2014年政府信息公开工作年度报告"


def test_a_year_without_records_says_so_rather_than_quoting_empty_rates(loaded):
    government = Agency.objects.get(kind=Agency.Kind.GOVERNMENT)
    subject = Subject(scope=government_scope(2020), agency_name=government.name)
    content = FORMAT.build(subject, {})
    assert content.figures["requests_received"].value == 0
    assert "未收到政府信息公开申请" in content.section("6").text
    assert "%" not in content.section("6").text and "率0%" not in content.section("1").text
    assert "未经网上渠道收到群众来信" in content.section("3").text
    assert check_prose(content, FORMAT.facts()) == []


def test_prose_given_by_the_office_replaces_the_draft(loaded, report):
    government = Agency.objects.get(kind=Agency.Kind.GOVERNMENT)
    subject = Subject(scope=government_scope(YEAR), agency_name=government.name)
    content = FORMAT.build(subject, {"11": "办公室修改后的文字。"})
    assert content.section("11").text == "办公室修改后的文字。"
    assert content.section("1").text == report.section("1").text
