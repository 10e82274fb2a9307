"""The survey services: who may build, publish and close; the checks on answers; questions
frozen once answered; the closing time."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.citizens.models import CitizenAccount
from gongkai.core.models import AuditEntry
from gongkai.interaction.surveys import services, tasks, visitors
from gongkai.interaction.surveys.models import Answer, Choice, Question, Response, Survey
from gongkai.interaction.surveys.models import SurveyEvent as Event
from gongkai.interaction.surveys.services import AnswerValue, QuestionSpec
from tests.interaction.surveys.conftest import SPECS, answer, choice_ids, questions_of

pytestmark = pytest.mark.django_db

State = Survey.State
Kind = Question.Kind
TOKEN = "t" * 43
FROZEN = (
    "This survey has 1 answer: its questions can no longer be changed, since that would change "
    "the meaning of the answer already given."
)


def snapshot(survey: Survey) -> dict[str, object]:
    return {
        "survey": Survey.objects.filter(pk=survey.pk).values().get(),
        "questions": list(survey.questions.values().order_by("position")),
        "choices": list(Choice.objects.filter(question__survey=survey).values().order_by("pk")),
        "responses": Response.objects.filter(survey=survey).count(),
        "answers": Answer.objects.filter(response__survey=survey).count(),
        "events": survey.events.count(),
    }


# --- building ------------------------------------------------------------------------------


def test_an_editor_builds_a_draft_with_events_and_audit(editor, agency):
    now = timezone.now()
    survey = services.create_survey(
        agency=agency,
        actor=editor,
        title="  满意度调查 ",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=7),
    )
    question = services.add_question(survey, SPECS[0], actor=editor)

    assert survey.state == State.DRAFT and survey.title == "满意度调查"
    assert question.position == 1
    assert list(question.choices.values_list("position", "text")) == [
        (1, "家长"),
        (2, "学生"),
        (3, "其他市民"),
    ]
    assert list(survey.events.values_list("code", flat=True)) == [
        Event.Code.CREATED,
        Event.Code.QUESTION_ADDED,
    ]
    assert AuditEntry.objects.filter(action="surveys.add_question", agency_id=agency.pk).exists()


@pytest.mark.parametrize("role", ["reviewer", "stranger", "office"])
def test_only_the_agencys_editors_build_surveys(request, agency, role):
    actor = request.getfixturevalue(role)
    now = timezone.now()
    with pytest.raises(services.SurveyPermissionDenied):
        services.create_survey(
            agency=agency,
            actor=actor,
            title="调查",
            opens_at=now,
            closes_at=now + datetime.timedelta(days=1),
        )
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        (QuestionSpec(text=" ", kind=Kind.SINGLE), "text", "Write the question."),
        (
            QuestionSpec(text="问", kind=Kind.SINGLE, choices=["只有一个"]),
            "choices",
            "A choice question needs at least two choices.",
        ),
        (
            QuestionSpec(text="问", kind=Kind.MULTIPLE, choices=["同", "同"]),
            "choices",
            "Two choices have the same text.",
        ),
        (
            QuestionSpec(text="问", kind=Kind.RATING, scale_min=5, scale_max=5),
            "scale_max",
            "The ratings go from a lower to a higher number between 0 and 10.",
        ),
        (
            QuestionSpec(text="问", kind=Kind.RATING, scale_min=1, scale_max=11),
            "scale_max",
            "The ratings go from a lower to a higher number between 0 and 10.",
        ),
        (QuestionSpec(text="问", kind="essay"), "kind", "Choose the kind of question."),
    ],
)
def test_a_wrong_question_is_refused_with_its_field(make_survey, editor, spec, field, message):
    survey = make_survey(publish=False, specs=[])
    with pytest.raises(services.SurveyError) as refused:
        services.add_question(survey, spec, actor=editor)
    assert refused.value.field == field
    assert refused.value.message == message
    assert not survey.questions.exists()


def test_questions_move_and_removal_closes_the_gap(make_survey, editor):
    survey = make_survey(publish=False)
    first, second, third, fourth = questions_of(survey)

    services.move_question(third, up=True, actor=editor)
    services.remove_question(first, actor=editor)

    assert [(q.pk, q.position) for q in questions_of(survey)] == [
        (third.pk, 1),
        (second.pk, 2),
        (fourth.pk, 3),
    ]


def test_editing_questions_is_refused_once_answered_and_nothing_changes(make_survey, editor):
    survey = make_survey()
    answer(survey, token=TOKEN)
    question = questions_of(survey)[0]
    before = snapshot(survey)

    attempts = [
        lambda: services.add_question(survey, SPECS[3], actor=editor),
        lambda: services.update_question(question, SPECS[0], actor=editor),
        lambda: services.move_question(question, up=False, actor=editor),
        lambda: services.remove_question(question, actor=editor),
    ]
    for attempt in attempts:
        with pytest.raises(services.WorkflowError) as refused:
            attempt()
        assert refused.value.message == FROZEN

    assert snapshot(survey) == before


def test_the_settings_may_change_after_answers_until_closed(make_survey, editor, reviewer):
    survey = make_survey()
    answer(survey, token=TOKEN)
    later = survey.closes_at + datetime.timedelta(days=5)

    services.update_survey(
        survey,
        actor=editor,
        title=survey.title,
        introduction="延长调查时间",
        opens_at=survey.opens_at,
        closes_at=later,
        results_shown=survey.results_shown,
    )
    assert Survey.objects.get(pk=survey.pk).closes_at == later

    services.close_survey(survey, actor=reviewer)
    with pytest.raises(services.WorkflowError, match=r"A closed survey cannot be changed\."):
        services.update_survey(
            survey,
            actor=editor,
            title="新标题",
            opens_at=survey.opens_at,
            closes_at=later,
        )


# --- publishing and closing ----------------------------------------------------------------


def test_a_reviewer_publishes_and_closes(make_survey, reviewer):
    survey = make_survey(publish=False)
    services.publish_survey(survey, actor=reviewer)
    assert survey.state == State.PUBLISHED and survey.published_at is not None
    services.close_survey(survey, actor=reviewer)
    assert Survey.objects.get(pk=survey.pk).state == State.CLOSED
    codes = list(survey.events.values_list("code", "from_state", "to_state"))
    assert codes[-2:] == [
        (Event.Code.PUBLISHED, State.DRAFT, State.PUBLISHED),
        (Event.Code.CLOSED, State.PUBLISHED, State.CLOSED),
    ]


@pytest.mark.parametrize("role", ["editor", "stranger", "office"])
def test_only_the_agencys_reviewers_publish(request, make_survey, role):
    survey = make_survey(publish=False)
    with pytest.raises(services.SurveyPermissionDenied):
        services.publish_survey(survey, actor=request.getfixturevalue(role))
    assert Survey.objects.get(pk=survey.pk).state == State.DRAFT


def test_a_survey_without_questions_or_past_its_closing_is_not_published(make_survey, reviewer):
    empty = make_survey(publish=False, specs=[])
    with pytest.raises(services.SurveyError, match="Add at least one question"):
        services.publish_survey(empty, actor=reviewer)
    late = make_survey(publish=False, opens=-5, closes=-1)
    with pytest.raises(services.SurveyError, match="The closing time has passed"):
        services.publish_survey(late, actor=reviewer)
    assert set(Survey.objects.values_list("state", flat=True)) == {State.DRAFT}


def test_the_daily_job_closes_due_surveys_once(make_survey):
    due = make_survey(opens=-10, closes=-1)
    running = make_survey()

    assert tasks.close_due_surveys() == 1
    assert tasks.close_due_surveys() == 0

    due.refresh_from_db()
    assert due.state == State.CLOSED and due.closed_at == due.closes_at
    assert Survey.objects.get(pk=running.pk).state == State.PUBLISHED
    assert due.events.last().actor is None


# --- answering -----------------------------------------------------------------------------


def test_answers_are_numbered_and_a_visitor_answers_once(make_survey):
    survey = make_survey()
    first = answer(survey, token="1" * 43)
    second = answer(survey, token="2" * 43)
    assert (first.number, second.number) == (1, 2)

    with pytest.raises(services.AlreadyAnswered):
        answer(survey, token="1" * 43)
    assert Response.objects.count() == 2


def test_the_same_visitor_hashes_differently_in_two_surveys(make_survey):
    one, two = make_survey(), make_survey(title="另一个调查")
    assert answer(one, token=TOKEN).visitor_hash != answer(two, token=TOKEN).visitor_hash


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("missing_required", "Answer this question."),
        ("foreign_choice", "Choose from the choices given."),
        ("two_single", "Choose one answer."),
        ("rating_low", "Give a rating from 1 to 5."),
        ("rating_on_choice", "Choose from the choices given."),
        ("too_long", "Write at most 2000 characters."),
    ],
)
def test_the_service_checks_every_answer_and_stores_nothing(make_survey, change, message):
    survey = make_survey()
    single_q, multiple_q, rating_q, text_q = questions_of(survey)
    answers = {
        single_q.pk: AnswerValue(choice_ids=(choice_ids(single_q)[0],)),
        multiple_q.pk: AnswerValue(choice_ids=(choice_ids(multiple_q)[0],)),
        rating_q.pk: AnswerValue(rating=3),
    }
    if change == "missing_required":
        del answers[rating_q.pk]
    elif change == "foreign_choice":
        answers[single_q.pk] = AnswerValue(choice_ids=(choice_ids(multiple_q)[0],))
    elif change == "two_single":
        answers[single_q.pk] = AnswerValue(choice_ids=tuple(choice_ids(single_q)[:2]))
    elif change == "rating_low":
        answers[rating_q.pk] = AnswerValue(rating=0)
    elif change == "rating_on_choice":
        answers[multiple_q.pk] = AnswerValue(rating=3)
    elif change == "too_long":
        answers[text_q.pk] = AnswerValue(text="长" * 2001)

    with pytest.raises(services.SurveyError) as refused:
        services.submit_response(survey, answers, visitor_token=TOKEN)

    assert refused.value.message == message
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_answers_outside_the_open_times_are_refused(make_survey, reviewer):
    survey = make_survey(opens=1, closes=5)
    with pytest.raises(services.SurveyUnavailable):
        answer(survey, token=TOKEN)
    later = timezone.now() + datetime.timedelta(days=2)
    assert answer(survey, token=TOKEN, now=later).number == 1
    with pytest.raises(services.SurveyUnavailable):
        answer(survey, token="u" * 43, now=survey.closes_at)
    draft = make_survey(publish=False, title="草稿")
    with pytest.raises(services.SurveyUnavailable):
        answer(draft, token=TOKEN)
    assert Response.objects.count() == 1


# --- signed-in citizens only ---------------------------------------------------------------

FIXED = (
    "Who may answer can only be changed while the survey is a draft: once it is published, a "
    "change would let the answers already given and those to come follow different rules."
)
SIGN_IN_NEEDED = "Only citizens signed in to their account can answer this survey, once each."
CITIZENS = Survey.AnswerControl.CITIZEN
BROWSERS = Survey.AnswerControl.BROWSER


def _settings_of(survey: Survey, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "title": survey.title,
        "introduction": survey.introduction,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "results_shown": survey.results_shown,
    }
    data.update(overrides)
    return data


def test_a_citizen_answers_once_under_a_keyed_hash_of_the_account(make_survey, citizen):
    survey = make_survey(answer_control=CITIZENS)

    response = answer(survey, account=citizen)

    assert response.number == 1
    assert response.account_hash == visitors.account_hash(survey.pk, citizen.pk)
    assert response.visitor_hash == ""
    with pytest.raises(services.AlreadyAnswered):
        answer(survey, account=citizen)
    assert Response.objects.count() == 1


def test_the_stored_hash_names_no_account(make_survey, citizen, settings):
    """Not the id, the address or the name, nor a plain (unkeyed) digest of the id; another
    survey or another key gives another hash."""
    survey, other = make_survey(answer_control=CITIZENS), make_survey(answer_control=CITIZENS)
    stored = answer(survey, account=citizen)
    row = Response.objects.filter(pk=stored.pk).values().get()

    digest = stored.account_hash
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest != str(citizen.pk)
    for clear in (citizen.email, citizen.display_name):
        assert all(clear not in str(value) for value in row.values())
    assert not any(
        getattr(field, "related_model", None) is CitizenAccount
        for field in Response._meta.get_fields()
    )
    for plain in (str(citizen.pk), f"survey:{survey.pk}:citizen:{citizen.pk}", citizen.email):
        assert digest != hashlib.sha256(plain.encode()).hexdigest()
    assert answer(other, account=citizen).account_hash != digest
    settings.GONGKAI_SURVEY_VISITOR_KEY = "another-key-for-the-survey-hashes"
    assert visitors.account_hash(survey.pk, citizen.pk) != digest


def test_two_citizens_both_answer(make_survey, citizen, other_citizen):
    survey = make_survey(answer_control=CITIZENS)
    first, second = answer(survey, account=citizen), answer(survey, account=other_citizen)
    assert (first.number, second.number) == (1, 2)
    assert first.account_hash != second.account_hash


def test_no_answer_without_a_citizen_who_could_sign_in(make_survey, citizen_factory):
    """Nobody, a cookie alone, an unconfirmed address or a closed account: refused, nothing
    stored."""
    survey = make_survey(answer_control=CITIZENS)
    cases = [
        {"token": TOKEN},
        {"account": citizen_factory(verified=False)},
        {"account": citizen_factory(is_active=False)},
    ]
    for case in cases:
        with pytest.raises(services.SignInRequired) as refused:
            answer(survey, **case)
        assert refused.value.message == SIGN_IN_NEEDED
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_survey_answered_once_per_browser_does_not_record_the_account(make_survey, citizen):
    survey = make_survey()
    stored = answer(survey, token=TOKEN, account=citizen)
    assert stored.account_hash == ""
    assert stored.visitor_hash == visitors.visitor_hash(survey.pk, TOKEN)


def test_the_database_holds_one_response_per_account_and_one_hash_per_response(make_survey):
    survey = make_survey(answer_control=CITIZENS)
    moment = timezone.now()
    Response.objects.create(survey=survey, number=1, submitted_at=moment, account_hash="a" * 64)
    rows = [
        {"number": 2, "account_hash": "a" * 64},  # the same account again
        {"number": 3},  # nobody
        {"number": 4, "account_hash": "b" * 64, "visitor_hash": "c" * 64},  # both
    ]
    for row in rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            Response.objects.create(survey=survey, submitted_at=moment, **row)
    assert Response.objects.count() == 1


def test_who_may_answer_is_chosen_on_the_draft(make_survey, editor):
    survey = make_survey(publish=False, answer_control=CITIZENS)
    assert survey.answer_control == CITIZENS

    services.update_survey(survey, actor=editor, **_settings_of(survey), answer_control=BROWSERS)

    assert Survey.objects.get(pk=survey.pk).answer_control == BROWSERS
    assert survey.events.last().data == {"fields": ["answer_control"]}
    with pytest.raises(services.SurveyError) as refused:
        services.update_survey(survey, actor=editor, **_settings_of(survey), answer_control="x")
    assert refused.value.field == "answer_control"


@pytest.mark.parametrize("answered", [True, False])
def test_who_may_answer_is_fixed_once_published(make_survey, editor, citizen, answered):
    """Refused once published, answers or not; the other settings still change."""
    survey = make_survey(answer_control=CITIZENS)
    if answered:
        answer(survey, account=citizen)
    before = snapshot(survey)

    with pytest.raises(services.WorkflowError) as refused:
        services.update_survey(
            survey, actor=editor, **_settings_of(survey), answer_control=BROWSERS
        )

    assert refused.value.message == FIXED
    assert refused.value.field == "answer_control"
    assert snapshot(survey) == before
    services.update_survey(survey, actor=editor, **_settings_of(survey, title="新标题"))
    survey.refresh_from_db()
    assert survey.title == "新标题" and survey.answer_control == CITIZENS
