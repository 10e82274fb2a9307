"""Every public form of the site, each with a valid submission, built through the services.

The CAPTCHA tests, the XSS payload set and the form fuzzers all walk the same list, so that a
form added to the site is added here once and is then covered by all three. A form is a
:class:`PublicForm`: where it is, what a valid submission posts, and how a browser gets there
(signed in, the status page unlocked). A successful submission answers with a redirect; a
refused one shows the form again, and :func:`snapshot` tells that it changed nothing.

Everything happens on :data:`DAY` (time frozen with :func:`tests.info_requests.conftest.at`),
a working day inside the calendar every test database has.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Agency, StaffRole
from gongkai.citizens import tokens
from gongkai.citizens.models import CitizenAccount
from gongkai.core.models import OutgoingMail
from gongkai.info_requests import services as request_services
from gongkai.info_requests.models import InfoRequest, RequestEvent
from gongkai.interaction.consultations import services as consultation_services
from gongkai.interaction.consultations.articles import ArticleData
from gongkai.interaction.consultations.models import Comment, Consultation
from gongkai.interaction.letters import services as letter_services
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterType
from gongkai.interaction.surveys import services as survey_services
from gongkai.interaction.surveys.models import Question, Response, Survey
from gongkai.interaction.surveys.services import QuestionSpec
from tests.catalogue.public_helpers import join
from tests.factories import AgencyFactory, StaffRoleFactory
from tests.info_requests.conftest import APPLICANT_NAME, VALID_ID, application_data, at

DAY = datetime.date(2026, 3, 10)  # a Tuesday
PASSWORD = "Blue-lantern-river-2026"
CITIZEN_EMAIL = "li.hua@example.cn"
Role = StaffRole.Role

_keys = itertools.count(1)


def new_key() -> str:
    """A well-formed submission key, new each time (a fresh form)."""
    return f"fuzz-submission-{next(_keys):08d}"


def today():
    """A context manager: the moment every form is sent at."""
    return at(DAY)


@dataclass
class World:
    """The records the public forms need: an agency on the forms, its staff, an open
    consultation and survey, a citizen's account, an application awaiting a correction and a
    replied letter, each with its query code."""

    agency: Agency
    office: Any
    handler: Any
    reviewer: Any
    editor: Any
    consultation: Consultation
    survey: Survey
    citizen: CitizenAccount
    forgetful: CitizenAccount  # asks for a new password (and never signs in meanwhile)
    correcting: InfoRequest
    correcting_code: str
    letter: Letter
    letter_code: str
    claimable: InfoRequest
    claimable_code: str


def build_world() -> World:
    """Make the records, on :data:`DAY`, through the services as staff would."""
    agency = join(AgencyFactory(name="测试区民政局", short_name="区民政局", slug="civil"))
    office = StaffRoleFactory(agency=AgencyFactory(), role=Role.OFFICE).user
    handler = StaffRoleFactory(agency=agency, role=Role.HANDLER).user
    reviewer = StaffRoleFactory(agency=agency, role=Role.REVIEWER).user
    editor = StaffRoleFactory(agency=agency, role=Role.EDITOR).user
    with today():
        now = timezone.now()
        consultation = consultation_services.create_consultation(
            agency=agency,
            actor=editor,
            title="测试区养老服务管理办法（征求意见稿）",
            summary="起草说明。",
            body="<p>第一条 为了规范管理，制定本办法。</p>",
            opens_on=DAY - datetime.timedelta(days=5),
            closes_on=DAY + datetime.timedelta(days=20),
            moderation=Consultation.Moderation.AT_ONCE,
            articles=[ArticleData("第一条", "目的", "为了规范管理，制定本办法。")],
        )
        consultation = consultation_services.publish_consultation(consultation, actor=reviewer)
        survey = _open_survey(agency, editor, reviewer, now)
        citizen = CitizenAccount.objects.create(
            email=CITIZEN_EMAIL,
            display_name="李华",
            password=_hashed(PASSWORD),
            created_at=now,
            email_verified_at=now,
        )
        forgetful = CitizenAccount.objects.create(
            email="zhao.lei@example.cn",
            display_name="赵雷",
            password=_hashed(PASSWORD),
            created_at=now,
            email_verified_at=now,
        )
        correcting, correcting_code = _application(agency)
        request_services.accept_request(correcting, actor=office, handling_agency=agency)
        request_services.request_correction(
            correcting, actor=handler, what="请说明所需信息的年份和范围。"
        )
        claimable, claimable_code = _application(agency)
        letter, letter_code = letter_services.submit_letter(
            letter_services.LetterInput(
                letter_type=LetterType.objects.get(slug="consultation"),
                name="张伟",
                phone="13987654321",
                email="zhang.wei@example.cn",
                subject="小区门口路灯不亮",
                content="华光路东段小区门口的路灯已经坏了两个星期，请尽快维修。",
                consent_to_publish=True,
            ),
            submission_key=new_key(),
        )
        assert letter_code is not None
        letter_services.accept_letter(letter, actor=office, handling_agency=agency)
        letter_services.draft_reply(
            letter, actor=handler, reply_text="您反映的路灯问题已转交区城管执法局，已完成维修。"
        )
        letter_services.submit_for_review(letter, actor=handler)
        letter = letter_services.review_letter(letter, actor=reviewer, approve=True)
    correcting.refresh_from_db()
    return World(
        agency=agency,
        office=office,
        handler=handler,
        reviewer=reviewer,
        editor=editor,
        consultation=consultation,
        survey=survey,
        citizen=citizen,
        forgetful=forgetful,
        correcting=correcting,
        correcting_code=correcting_code,
        letter=letter,
        letter_code=letter_code,
        claimable=claimable,
        claimable_code=claimable_code,
    )


def _hashed(password: str) -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(password)


def _application(agency: Agency) -> tuple[InfoRequest, str]:
    request, code = request_services.submit_request(
        application_data(), agency=agency, submission_key=new_key()
    )
    assert code is not None
    return request, code


def _open_survey(agency: Agency, editor: Any, reviewer: Any, now: datetime.datetime) -> Survey:
    built = now - datetime.timedelta(days=2)
    survey = survey_services.create_survey(
        agency=agency,
        actor=editor,
        title="2026年政府信息公开满意度调查",
        introduction="为了解公众对信息公开工作的评价。",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=10),
        now=built,
    )
    specs = [
        QuestionSpec(text="您的身份是？", kind=Question.Kind.SINGLE, choices=["家长", "学生"]),
        QuestionSpec(text="其他意见和建议", kind=Question.Kind.TEXT, required=False),
    ]
    for spec in specs:
        survey_services.add_question(survey, spec, actor=editor, now=built)
    survey_services.publish_survey(survey, actor=reviewer, now=built)
    survey.refresh_from_db()
    return survey


# --------------------------------------------------------------------------- the forms


@dataclass(frozen=True)
class PublicForm:
    """One public form: its page, a valid submission, the fields that take free text, and
    what a browser does first to reach it (sign in, unlock a status page)."""

    name: str
    url: str
    data: Callable[[], dict[str, Any]]  # a new valid submission each call
    text_fields: tuple[str, ...] = ()
    prepare: Callable[[Client, World], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _sign_in(client: Client, world: World) -> None:
    response = client.post(
        reverse("citizens:sign_in"), {"email": world.citizen.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _unlock_request(client: Client, world: World) -> None:
    response = client.post(
        reverse("info_requests:status"),
        {"number": world.correcting.number, "code": world.correcting_code},
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _unlock_letter(client: Client, world: World) -> None:
    response = client.post(
        reverse("letters:status"), {"number": world.letter.number, "code": world.letter_code}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def public_forms(world: World) -> list[PublicForm]:
    """Every form the public can send, with a valid submission for ``world``."""
    agency = world.agency
    question_single, question_text = world.survey.questions.order_by("position")
    first_choice = question_single.choices.order_by("position").first()
    assert first_choice is not None
    reset_token = tokens.make_reset_token(world.forgetful)
    emails = (f"new{n}@example.cn" for n in itertools.count(1))
    return [
        PublicForm(
            "application",
            reverse("info_requests:apply"),
            lambda: {
                "submission_key": new_key(),
                "applicant_kind": InfoRequest.ApplicantKind.PERSON,
                "name": APPLICANT_NAME,
                "id_type": InfoRequest.IdType.RESIDENT_ID,
                "id_number": VALID_ID,
                "phone": "13912345678",
                "email": "wang@example.cn",
                "address": "张家港市人民路1号",
                "postcode": "215600",
                "case_type": InfoRequest.CaseType.INFORMATION,
                "agency": str(agency.pk),
                "description": "2024年城乡最低生活保障资金发放明细",
                "form": InfoRequest.Form.ELECTRONIC,
                "delivery": InfoRequest.Delivery.EMAIL,
            },
            text_fields=("description", "name", "address", "assistance", "doc_number_hint"),
        ),
        PublicForm(
            "letter",
            reverse("letters:write"),
            lambda: {
                "submission_key": new_key(),
                "letter_type": str(LetterType.objects.get(slug="complaint").pk),
                "name": "李晓华",
                "phone": "13987654321",
                "email": "xiaohua.li@example.cn",
                "subject": "小区门口路灯不亮",
                "content": "华光路东段小区门口的路灯已经坏了两个星期，请尽快维修。",
                "consent_to_publish": "on",
            },
            text_fields=("subject", "content", "name"),
        ),
        PublicForm(
            "consultation comment",
            reverse("consultations:comment", args=[world.consultation.pk]),
            lambda: {
                "submission_key": new_key(),
                "text": "建议增加一条关于监督的规定。",
                "name": "王小明",
                "contact": "13900001234",
                "show_name": "on",
            },
            text_fields=("text", "name"),
            extra={"page": reverse("consultations:detail", args=[world.consultation.pk])},
        ),
        PublicForm(
            "survey",
            reverse("surveys:detail", args=[world.survey.pk]),
            lambda: {
                "submission_key": new_key(),
                f"q{question_single.pk}": str(first_choice.pk),
                f"q{question_text.pk}": "希望公开更多预算信息。",
            },
            text_fields=(f"q{question_text.pk}",),
        ),
        PublicForm(
            "sign-up",
            reverse("citizens:sign_up"),
            lambda: {
                "email": next(emails),
                "display_name": "王芳",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
            text_fields=("display_name",),
        ),
        PublicForm(
            "sign-in",
            reverse("citizens:sign_in"),
            lambda: {"email": world.citizen.email, "password": PASSWORD},
        ),
        PublicForm(
            "password reset",
            reverse("citizens:password_reset"),
            lambda: {"email": world.citizen.email},
        ),
        PublicForm(
            "claim an application",
            reverse("citizens:claim"),
            lambda: {"number": world.claimable.number, "code": world.claimable_code},
            prepare=_sign_in,
            extra={"page": reverse("citizens:applications")},
        ),
        PublicForm(
            "application status",
            reverse("info_requests:status"),
            lambda: {"number": world.claimable.number, "code": world.claimable_code},
        ),
        PublicForm(
            "letter status",
            reverse("letters:status"),
            lambda: {"number": world.letter.number, "code": world.letter_code},
        ),
        PublicForm(
            "correction",
            reverse("info_requests:status_detail", args=[world.correcting.number]),
            lambda: {"text": "所需信息为2024年全年的发放明细。"},
            text_fields=("text",),
            prepare=_unlock_request,
        ),
        PublicForm(
            "rating",
            reverse("letters:status_detail", args=[world.letter.number]),
            lambda: {"rating": "satisfied", "comment": "很及时"},
            text_fields=("comment",),
            prepare=_unlock_letter,
        ),
        PublicForm(
            "new password",
            reverse("citizens:password_reset_confirm", args=[reset_token]),
            lambda: {
                "password": "Quiet-harbour-lamp-2027",
                "password_again": "Quiet-harbour-lamp-2027",
            },
        ),
    ]


def page_of(form: PublicForm) -> str:
    """Where the form is shown (the comment and claim forms post to an address of their own)."""
    return form.extra.get("page", form.url)


def ready_client(form: PublicForm, world: World, *, language: str = "en") -> Client:
    """A browser that has done what the form needs first; the CAPTCHA's counters start at
    zero afterwards (the preparation's own submissions are not the test's)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if form.prepare is not None:
        with override_settings(GONGKAI_CAPTCHA_AFTER=-1):
            form.prepare(client, world)
    cache.clear()
    return client


def snapshot() -> tuple[Any, ...]:
    """What any public form could change: its records, their states, the citizen's account,
    the mail queue."""
    return (
        list(InfoRequest.objects.order_by("pk").values_list("pk", "state", "citizen_id")),
        RequestEvent.objects.count(),
        list(Letter.objects.order_by("pk").values_list("pk", "state", "rating")),
        LetterEvent.objects.count(),
        Comment.objects.count(),
        Response.objects.count(),
        list(CitizenAccount.objects.order_by("pk").values_list("pk", "password")),
        OutgoingMail.objects.count(),
    )
