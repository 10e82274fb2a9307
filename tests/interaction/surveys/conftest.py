"""Fixtures for surveys: an agency's editor and reviewer, the office, a stranger from another
agency, a survey built through the services with one question of each kind, and citizens'
accounts (the citizens' own fixtures) for surveys that only signed-in citizens answer."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from gongkai.agencies.models import StaffRole
from gongkai.interaction.surveys import services
from gongkai.interaction.surveys.models import Question, Survey
from gongkai.interaction.surveys.services import AnswerValue, QuestionSpec
from tests.citizens.conftest import (  # noqa: F401 - fixtures
    citizen,
    citizen_factory,
    other_citizen,
)

Role = StaffRole.Role
Kind = Question.Kind
DAY = datetime.timedelta(days=1)

# One question of each kind, in this order.
SPECS = [
    QuestionSpec(text="您的身份是？", kind=Kind.SINGLE, choices=["家长", "学生", "其他市民"]),
    QuestionSpec(
        text="您通过哪些渠道了解信息？", kind=Kind.MULTIPLE, choices=["网站", "公众号", "学校通知"]
    ),
    QuestionSpec(
        text="总体满意程度",
        kind=Kind.RATING,
        scale_min=1,
        scale_max=5,
        min_label="非常不满意",
        max_label="非常满意",
    ),
    QuestionSpec(text="其他意见和建议", kind=Kind.TEXT, required=False),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The address limit lives in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db, agency, staff_role_factory):
    return staff_role_factory(agency=agency, role=Role.EDITOR).user


@pytest.fixture
def reviewer(db, agency, staff_role_factory):
    return staff_role_factory(agency=agency, role=Role.REVIEWER).user


@pytest.fixture
def office(db, agency_factory, staff_role_factory):
    """The disclosure office (公开办), in the government's general office."""
    return staff_role_factory(agency=agency_factory(), role=Role.OFFICE).user


@pytest.fixture
def stranger(db, other_agency, staff_role_factory):
    """An editor and reviewer of another agency: must see and change nothing here."""
    user = staff_role_factory(agency=other_agency, role=Role.EDITOR).user
    staff_role_factory(agency=other_agency, role=Role.REVIEWER, user=user)
    return user


@pytest.fixture
def make_survey(agency, editor, reviewer):
    """``make_survey(publish=True, opens=-1, closes=10, results=…, specs=SPECS,
    answer_control=…)``: a survey of ``agency`` with ``specs``, opening and closing that many
    days from now, answered once per browser unless told otherwise."""

    def run(
        *,
        publish: bool = True,
        opens: float = -1,
        closes: float = 10,
        results: str = Survey.ResultsShown.AFTER_CLOSING,
        specs: list[QuestionSpec] | None = None,
        title: str = "2025年政府信息公开满意度调查",
        answer_control: str = Survey.AnswerControl.BROWSER,
    ) -> Survey:
        now = timezone.now()
        opens_at, closes_at = now + opens * DAY, now + closes * DAY
        built = min(now, opens_at) - DAY
        survey = services.create_survey(
            agency=agency,
            actor=editor,
            title=title,
            introduction="为了解公众对信息公开工作的评价……",
            opens_at=opens_at,
            closes_at=closes_at,
            results_shown=results,
            answer_control=answer_control,
            now=built,
        )
        for spec in SPECS if specs is None else specs:
            services.add_question(survey, spec, actor=editor, now=built)
        if publish:
            services.publish_survey(survey, actor=reviewer, now=built)
        survey.refresh_from_db()
        return survey

    return run


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position").prefetch_related("choices"))


def choice_ids(question: Question) -> list[int]:
    return [choice.pk for choice in question.choices.order_by("position")]


def answer(
    survey: Survey,
    *,
    token: str = "",
    account=None,
    single: int = 0,
    multiple: tuple[int, ...] = (0,),
    rating: int = 4,
    text: str = "",
    extra: dict[int, AnswerValue] | None = None,
    now: datetime.datetime | None = None,
):
    """Answer the survey of ``SPECS`` through the service as the visitor of ``token`` (or the
    citizen of ``account``), choices given by their index; ``extra`` answers further questions."""
    single_q, multiple_q, rating_q, text_q = questions_of(survey)[:4]
    answers = {
        single_q.pk: AnswerValue(choice_ids=(choice_ids(single_q)[single],)),
        multiple_q.pk: AnswerValue(choice_ids=tuple(choice_ids(multiple_q)[i] for i in multiple)),
        rating_q.pk: AnswerValue(rating=rating),
    }
    if text:
        answers[text_q.pk] = AnswerValue(text=text)
    answers.update(extra or {})
    response, _created = services.submit_response(
        survey, answers, visitor_token=token, citizen=account, now=now
    )
    return response


def form_data(survey: Survey, **overrides) -> dict[str, object]:
    """A complete, valid POST of the answer form (the first choices, rating 4)."""
    single_q, multiple_q, rating_q, text_q = questions_of(survey)
    data: dict[str, object] = {
        f"q{single_q.pk}": str(choice_ids(single_q)[0]),
        f"q{multiple_q.pk}": [str(choice_ids(multiple_q)[0]), str(choice_ids(multiple_q)[2])],
        f"q{rating_q.pk}": "4",
        f"q{text_q.pk}": "",
    }
    data.update(overrides)
    return data
