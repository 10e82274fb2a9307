"""The records the permission matrix (``tests/test_permission_matrix.py``) requests against.

Two agencies, A and B, and the government's general office where the disclosure office and the
administrator hold their roles. Agency A has one member of staff for each of its roles; agency B
one member of staff holding all of them (the strongest an outsider can be). Everything a URL
names — a document, an application, a letter, a consultation, a survey, a key task, a monthly
table, a scorecard, an annual report, a statistics submission, the admin's rows — belongs to
agency A and is made through the apps' services, the way people would make it, at
:data:`NOW`.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.agencies.models import Agency, MembershipChange, StaffRole
from gongkai.core.models import User
from tests.factories import UserFactory

Role = StaffRole.Role
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)  # a Tuesday
TODAY = NOW.date()

ANONYMOUS = "anonymous"
AGENCY_ROLES = (Role.EDITOR, Role.REVIEWER, Role.HANDLER, Role.LEGAL_REVIEWER, Role.HEAD)
# Who requests every URL: anonymous, each role of agency A on its own, the disclosure office,
# the administrator (with the admin's staff flag, as the administrator who configures), a
# superuser, and agency B's staff holding every agency role.
EDITOR, REVIEWER, HANDLER, LEGAL, HEAD = (str(role) for role in AGENCY_ROLES)
OFFICE = "office"
ADMINISTRATOR = "administrator"
SUPERUSER = "superuser"
OTHER_AGENCY = "other_agency"
PERSONAS = (
    ANONYMOUS,
    EDITOR,
    REVIEWER,
    HANDLER,
    LEGAL,
    HEAD,
    OFFICE,
    ADMINISTRATOR,
    SUPERUSER,
    OTHER_AGENCY,
)

# Personal data planted in agency A's records, each value found nowhere else: a page showing
# one to a persona who may not read it is a leak (``permission_matrix_data.secrets``).
APPLICANT = {"name": "甄申请", "phone": "13911110001", "email": "zhen.shenqing@example.cn"}
WRITER = {"name": "贾来信", "phone": "13922220002", "email": "jia.laixin@example.cn"}
COMMENTER_CONTACT = "13933330003"
ACCOUNTABLE_PERSON = "钱问责"
DRAFT_NUMBER = "甲局发〔2026〕1号"  # agency A's draft's 文号, looked up by doc_number_check

_keys = itertools.count(1)


def _key(prefix: str) -> str:
    return f"matrix-{prefix}-{next(_keys):04d}"


def png() -> bytes:
    from tests.catalogue.conftest import make_png

    return make_png()


def pdf() -> bytes:
    from tests.catalogue.conftest import make_pdf

    return make_pdf("Matrix")


def upload(name: str = "evidence.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else png())


@dataclass
class World:
    """The agencies, the people (by persona) and the records of agency A, by name."""

    government: Agency
    agency: Agency
    other: Agency
    people: dict[str, User]
    records: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["records"][name]
        except KeyError:
            raise AttributeError(name) from None


def _join(agency: Agency) -> Agency:
    MembershipChange.objects.create(
        agency=agency, change=MembershipChange.Change.JOINED, date=datetime.date(2020, 1, 1)
    )
    return agency


def _people(government: Agency, agency: Agency, other: Agency) -> dict[str, User]:
    people: dict[str, User] = {}
    for role in AGENCY_ROLES:
        user = UserFactory(username=f"matrix-{role}", full_name=f"甲局{role}")
        StaffRole.objects.create(user=user, agency=agency, role=role)
        people[str(role)] = user
    office = UserFactory(username="matrix-office", full_name="公开办")
    StaffRole.objects.create(user=office, agency=government, role=Role.OFFICE)
    people[OFFICE] = office
    administrator = UserFactory(username="matrix-admin", full_name="管理员", is_staff=True)
    StaffRole.objects.create(user=administrator, agency=government, role=Role.ADMINISTRATOR)
    people[ADMINISTRATOR] = administrator
    people[SUPERUSER] = UserFactory(
        username="matrix-root", full_name="超级用户", is_staff=True, is_superuser=True
    )
    outsider = UserFactory(username="matrix-outsider", full_name="乙局人员")
    for role in AGENCY_ROLES:
        StaffRole.objects.create(user=outsider, agency=other, role=role)
    people[OTHER_AGENCY] = outsider
    return people


def build_world() -> World:
    """Everything, at :data:`NOW` (the caller travels there)."""
    government = _join(
        Agency.objects.create(
            name="测试区人民政府办公室",
            short_name="区政府办",
            slug="matrix-office",
            org_code="M00000001",
            kind=Agency.Kind.GENERAL_OFFICE,
            sort_order=0,
        )
    )
    agency = _join(
        Agency.objects.create(
            name="测试区甲局",
            short_name="甲局",
            slug="matrix-a",
            org_code="M00000002",
            kind=Agency.Kind.DEPARTMENT,
            sort_order=1,
        )
    )
    other = _join(
        Agency.objects.create(
            name="测试区乙局",
            short_name="乙局",
            slug="matrix-b",
            org_code="M00000003",
            kind=Agency.Kind.DEPARTMENT,
            sort_order=2,
        )
    )
    world = World(government, agency, other, _people(government, agency, other))
    for build in (
        _catalogue,
        _lists,
        _requests,
        _letters,
        _consultations,
        _surveys,
        _channels,
        _plans,
        _monthly,
        _assessment,
        _annual_reports,
        _statistics,
        _admin_rows,
    ):
        build(world)
    return world


# --- catalogue --------------------------------------------------------------------------------


def _catalogue(w: World) -> None:
    from gongkai.catalogue import services
    from gongkai.catalogue.models import Document

    editor, reviewer = w.people[EDITOR], w.people[REVIEWER]

    def draft(title: str, doc_number: str = "") -> Document:
        return services.create_document(
            agency=w.agency,
            actor=editor,
            kind=Document.Kind.DOCUMENT,
            title=title,
            summary="内容概述",
            body="<p>正文。</p>",
            formation_date=TODAY - datetime.timedelta(days=3),
            doc_number=doc_number,
        )

    w.records["draft"] = draft("甲局草稿", doc_number=DRAFT_NUMBER)
    w.records["draft_attachment"] = services.add_attachment(
        w.draft, actor=editor, uploaded_file=upload("draft.pdf", pdf())
    )
    w.records["submitted"] = services.submit_document(draft("甲局待审文件"), actor=editor)
    published = services.submit_document(draft("甲局已发布文件"), actor=editor)
    w.records["published"] = services.approve_document(published, actor=reviewer)


def _lists(w: World) -> None:
    from gongkai.catalogue import lists
    from gongkai.catalogue.models import RecordType
    from tests.catalogue.lists_support import power_values

    record_type = RecordType.objects.get(code="power-list")
    record = lists.create_record(
        record_type, agency=w.agency, actor=w.people[EDITOR], values=power_values(1, "测试区甲局")
    )
    (w.records["list_record"],) = lists.publish_records([record], actor=w.people[EDITOR])
    w.records["record_type"] = record_type


# --- applications -----------------------------------------------------------------------------


def _requests(w: World) -> None:
    from gongkai.info_requests import services
    from gongkai.info_requests.letters import render_notice
    from gongkai.info_requests.models import FeeNotice, InfoRequest, Remedy, RequestFile
    from tests.info_requests.conftest import application_data

    office, handler, legal = w.people[OFFICE], w.people[HANDLER], w.people[LEGAL]

    def submitted() -> InfoRequest:
        request, _code = services.submit_request(
            application_data(**APPLICANT), agency=w.agency, submission_key=_key("request")
        )
        return request

    def assigned() -> InfoRequest:
        return services.accept_request(submitted(), actor=office, handling_agency=w.agency)

    w.records["request_unassigned"] = submitted()  # asked of A, still with the office
    case = assigned()
    w.records["request"] = case
    w.records["request_file"] = services.add_request_file(
        case, actor=handler, kind=RequestFile.Kind.IDENTITY, uploaded_file=upload("id.png")
    )
    # Rendered now, once: a download then only reads the stored file.
    w.records["request_notice"] = render_notice(case.notices.order_by("pk").first())

    consulting = assigned()
    w.records["request_consultation"] = services.consult(
        consulting, actor=handler, kind="third_party", party="某某公司"
    )
    w.records["request_consulting"] = consulting

    charged = assigned()
    w.records["request_fee"] = services.issue_fee_notice(
        charged,
        actor=handler,
        method=FeeNotice.Method.PER_PAGE,
        pages=500,
        payment="银行转账",
    )
    w.records["request_charged"] = charged

    replied = assigned()
    services.draft_reply(replied, actor=handler, outcome="disclosed", reply_text="予以公开。")
    services.submit_for_review(replied, actor=handler)
    replied = services.review_request(replied, actor=legal, approve=True)
    w.records["request_remedy"] = services.record_remedy(
        replied,
        actor=office,
        kind=Remedy.Kind.RECONSIDERATION,
        body="区人民政府",
        filed_on=TODAY,
    )
    w.records["request_replied"] = replied
    assert InfoRequest.objects.filter(handling_agency=w.agency).count() == 4


# --- letters ----------------------------------------------------------------------------------


def _letters(w: World) -> None:
    from gongkai.interaction.letters import services
    from gongkai.interaction.letters.models import Letter
    from tests.interaction.letters.conftest import REPLY, letter_input

    office, handler, reviewer = w.people[OFFICE], w.people[HANDLER], w.people[REVIEWER]

    def written(**kwargs: Any) -> Letter:
        letter, _code = services.submit_letter(
            letter_input(**WRITER), submission_key=_key("letter"), **kwargs
        )
        return letter

    w.records["letter_unassigned"] = written()
    letter = written(attachments=[upload("photo.png")])
    w.records["letter"] = services.accept_letter(letter, actor=office, handling_agency=w.agency)
    w.records["letter_attachment"] = letter.attachments.get()

    replied = services.accept_letter(written(), actor=office, handling_agency=w.agency)
    services.draft_reply(replied, actor=handler, reply_text=REPLY)
    services.submit_for_review(replied, actor=handler)
    replied = services.review_letter(replied, actor=reviewer, approve=True)
    services.propose_publication(replied, actor=reviewer)
    w.records["letter_replied"] = replied
    w.records["letter_figures_of_a"] = {"agency": w.agency.pk, "year": NOW.year}


# --- consultations on drafts ------------------------------------------------------------------


def _consultations(w: World) -> None:
    from gongkai.interaction.consultations import services
    from gongkai.interaction.consultations.models import Consultation
    from tests.interaction.consultations.conftest import ARTICLES

    editor, reviewer = w.people[EDITOR], w.people[REVIEWER]

    def made(title: str) -> Consultation:
        return services.create_consultation(
            agency=w.agency,
            actor=editor,
            title=title,
            summary="起草说明。",
            body="<p>第一条 为了规范管理，制定本办法。</p>",
            opens_on=datetime.date(2026, 3, 1),
            closes_on=datetime.date(2026, 3, 31),
            moderation=Consultation.Moderation.BEFORE,
            articles=ARTICLES,
        )

    draft = made("甲局管理办法（征求意见稿）")
    w.records["consultation_attachment"] = services.add_attachment(
        draft, actor=editor, uploaded_file=upload("draft.pdf", pdf())
    )
    w.records["consultation_draft"] = draft

    def comment(consultation: Consultation) -> Any:
        made_comment, _created = services.submit_comment(
            consultation,
            name="程评论",
            contact=COMMENTER_CONTACT,
            text="建议增加一条关于监督的规定。",
            submission_key=_key("comment"),
        )
        return made_comment

    opened = services.publish_consultation(made("甲局征求意见中"), actor=reviewer)
    w.records["consultation_comment"] = comment(opened)
    w.records["consultation_open"] = opened

    closed = services.publish_consultation(made("甲局已结束征求"), actor=reviewer)
    comment(closed)
    closed = services.close_consultation(closed, actor=reviewer, reason="提前结束。")
    w.records["feedback_point"] = services.add_feedback_point(
        closed, actor=reviewer, text="关于监督的意见", decision="adopted"
    )
    w.records["consultation_closed"] = closed

    reported = services.publish_consultation(made("甲局已公布采纳情况"), actor=reviewer)
    reported = services.close_consultation(reported, actor=reviewer, reason="提前结束。")
    services.save_feedback(reported, actor=reviewer, summary="共收到意见0条。")
    w.records["consultation_feedback"] = services.publish_feedback(reported, actor=reviewer)


# --- surveys ----------------------------------------------------------------------------------


def _surveys(w: World) -> None:
    from gongkai.interaction.surveys import services
    from tests.interaction.surveys.conftest import SPECS

    editor, reviewer = w.people[EDITOR], w.people[REVIEWER]
    day = datetime.timedelta(days=1)

    def made(title: str) -> Any:
        survey = services.create_survey(
            agency=w.agency,
            actor=editor,
            title=title,
            introduction="为了解公众对信息公开工作的评价……",
            opens_at=NOW - day,
            closes_at=NOW + 10 * day,
        )
        for spec in SPECS:
            services.add_question(survey, spec, actor=editor)
        return survey

    draft = made("甲局草稿调查")
    w.records["survey_draft"] = draft
    w.records["survey_question"] = draft.questions.order_by("position")[1]
    published = made("甲局调查")
    w.records["survey"] = services.publish_survey(published, actor=reviewer)
    # The editor's export of its answers, built (decision 0041): downloaded by the editor alone.
    from gongkai.core import exports

    export = exports.request_export(
        editor,
        kind="surveys.responses",
        parameters={"survey": published.pk, "format": "csv"},
        language="en",
    )
    w.records["export"] = exports.run_export(export.pk)


# --- channels ---------------------------------------------------------------------------------


def _channels(w: World) -> None:
    from gongkai.interaction.channels import services
    from gongkai.interaction.channels.models import Channel, HotlineProgramme, ServicePoint

    office, editor = w.people[OFFICE], w.people[EDITOR]
    programme = HotlineProgramme.objects.create(name="政风行风热线")
    w.records["hotline_session"] = services.record_hotline_session(
        programme,
        aired_on=TODAY - datetime.timedelta(days=7),
        agencies=[w.agency],
        calls=10,
        answered_on_air=8,
        follow_ups=2,
        actor=office,
        today=TODAY,
    )
    point = ServicePoint.objects.create(
        agency=w.agency, name="甲局查档接待室", kind=ServicePoint.Kind.ARCHIVE
    )
    w.records["service_point"] = point
    w.records["service_log"] = services.record_service_log(
        point, day=TODAY - datetime.timedelta(days=1), visitors=3, actor=editor, today=TODAY
    )
    channel = Channel.objects.create(
        agency=w.agency,
        name="甲局微博",
        kind=Channel.Kind.MICROBLOG,
        metrics=["posts", "followers"],
        opened_on=datetime.date(2013, 8, 1),
    )
    services.record_channel_figures(
        channel, year=2026, month=2, values={"posts": 5, "followers": 100}, actor=editor,
        today=TODAY,
    )  # fmt: skip
    services.record_channel_figures(
        channel, year=2025, month=None, values={"posts": 50, "followers": 90}, actor=editor,
        today=TODAY,
    )  # fmt: skip
    w.records["channel"] = channel
    w.records["opinion"] = services.record_opinion(
        w.agency,
        topic="甲局门前道路施工",
        source="social_media",
        found_on=TODAY - datetime.timedelta(days=2),
        actor=editor,
        today=TODAY,
    )


# --- supervision ------------------------------------------------------------------------------


def _plans(w: World) -> None:
    from gongkai.supervision.plans import services

    office, editor = w.people[OFFICE], w.people[EDITOR]
    plan = services.create_plan(
        actor=office, year=2026, agency=w.government, title="2026年政务公开重点工作安排表"
    )
    category = services.add_category(plan, actor=office, name="推进财政资金信息公开")
    task = services.assign_task(
        plan,
        services.TaskInput(
            category=category,
            title="公开部门预决算",
            expected_output="在区政府网站公开部门预决算",
            lead_agency=w.agency,
            deadline=datetime.date(2026, 6, 30),
            co_agencies=[],
            weight=1,
        ),
        actor=office,
    )
    services.sign_task(task, actor=editor)
    report = services.report_progress(
        task, actor=editor, text="已完成一半。", percentage=50, files=[upload("progress.png")]
    )
    w.records["plan"] = plan
    w.records["task"] = task
    w.records["task_file"] = report.files.get()

    notice = services.create_notice(
        actor=office,
        subject="关于报送公开情况的通知",
        text="请于月底前报送。",
        reply_deadline=datetime.date(2026, 3, 31),
        agencies=[w.agency],
    )
    services.issue_notice(notice, actor=office)
    recipient = notice.recipients.get()
    recipient = services.answer_notice(
        recipient, actor=editor, text="已报送。", files=[upload("answer.png")]
    )
    w.records["notice"] = notice
    w.records["notice_file"] = recipient.files.get()


def _monthly(w: World) -> None:
    from gongkai.supervision.monthly import services

    publication = services.compute_month(2026, 2, actor=w.people[OFFICE])
    w.records["monthly"] = publication
    w.records["monthly_key"] = publication.figures.order_by("pk").first().key


def _assessment(w: World) -> None:
    from gongkai.supervision.assessment import services
    from gongkai.supervision.assessment.services import IndicatorInput

    office = w.people[OFFICE]
    scheme = services.create_scheme(2026, title="2026年度考核指标", actor=office)
    computed = services.add_indicator(
        scheme,
        IndicatorInput(
            code="1", name="按时答复", kind="computed", max_points=Decimal(20), sort_order=0,
            measure="request_reply_rate", scoring="linear",
            parameters={"zero_at": "60", "full_at": "100"},
        ),
        actor=office,
    )  # fmt: skip
    manual = services.add_indicator(
        scheme,
        IndicatorInput(
            code="2", name="日常抽测", kind="manual", max_points=Decimal(10), sort_order=1
        ),
        actor=office,
    )
    services.activate_scheme(scheme, actor=office)
    hand_score = services.record_hand_score(
        manual, w.agency, points="8", comment="抽测良好。", files=[upload()], actor=office
    )
    w.records["scheme"] = scheme
    w.records["indicator"] = manual
    w.records["indicator_computed"] = computed
    w.records["evidence"] = hand_score.files.get()
    w.records["accountability"] = services.record_accountability(
        w.agency,
        person=ACCOUNTABLE_PERSON,
        reason="未按时答复",
        measure="criticism",
        decided_on=TODAY,
        actor=office,
    )


# --- reports ----------------------------------------------------------------------------------


def _annual_reports(w: World) -> None:
    from gongkai.reports.annual import services

    # This year's: sending it for publication is refused (the year is not over) after the
    # permission check, without rendering it.
    report = services.create_report(
        agency=w.agency, year=2026, scope="agency", actor=w.people[EDITOR]
    )
    w.records["annual_report"] = report
    w.records["report_section"] = services.prose_sections(report)[0][0]
    table = services.content_of(report).tables()[0]
    row, cell = next(
        (r, c)
        for r, cells in enumerate(table.rows)
        for c, item in enumerate(cells)
        if not item.header and item.value is not None
    )
    w.records["report_cell"] = {"table": table.key, "row": row, "cell": cell}


def _statistics(w: World) -> None:
    from gongkai.reports.statistics import services
    from gongkai.reports.statistics.models import StatisticsForm
    from gongkai.reports.statistics.periods import MONTHLY, period_from_key

    form = StatisticsForm.objects.filter(active=True, period=MONTHLY).order_by("pk").first()
    assert form is not None, "a shipped monthly statistics form"
    w.records["submission"] = services.open_submission(
        form, agency=w.agency, period=period_from_key(MONTHLY, "2026-02"), actor=None
    )


# --- the admin's rows -------------------------------------------------------------------------


def _admin_rows(w: World) -> None:
    """One row of every model the admin lists that the records above did not make already
    (the admin's object URLs are requested against the first row of each model)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from gongkai.agencies.models import SiteIdentity
    from gongkai.catalogue.models import AgencyCatalogueSettings
    from gongkai.info_requests.models import AgencyRequestSettings, RequestPolicy
    from gongkai.interaction.letters.models import LetterSettings
    from gongkai.supervision.monthly.models import HealthSettings
    from gongkai.supervision.plans.models import PlanSettings

    # The settings' defaults, stored (none of these rows exists until someone saves one).
    for model in (PlanSettings, HealthSettings, LetterSettings, RequestPolicy):
        model.objects.create()
    AgencyRequestSettings.objects.create(agency=w.agency)
    AgencyCatalogueSettings.objects.create(agency=w.agency)
    SiteIdentity.objects.create(pk=1, site_name="测试区人民政府", government=w.government)
    Group.objects.create(name="matrix")
    w.records["agency_content_type"] = ContentType.objects.get_for_model(Agency).pk
    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="test", failures_since_start=1
    )
    AccessLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="test")
    AccessFailureLog.objects.create(
        username="someone", ip_address="192.0.2.1", user_agent="test", locked_out=False
    )
    # A queued job (decision 0031), as the database task backend writes one.
    from django.test import override_settings

    from gongkai.core.tasks import send_mail_queue

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        send_mail_queue.enqueue()
