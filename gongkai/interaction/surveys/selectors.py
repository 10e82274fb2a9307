"""The queries of surveys that public pages, staff pages and exports share.

``public_surveys()`` is the only queryset a public page starts from: published and closed
surveys, never drafts. ``survey_results()`` counts the answers in a fixed number of queries;
free-text answers are included only when asked for (``with_texts``), which only staff pages do.

Percentages are of the responses that answered the question (an optional question left empty
does not count), rounded half up to one decimal; the shares of a multiple-choice question add
up to more than 100%.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from gongkai.interaction.surveys.models import Answer, Choice, Question, Response, Survey
from gongkai.interaction.surveys.visitors import account_hash, visitor_hash

if TYPE_CHECKING:
    from gongkai.citizens.models import CitizenAccount

State = Survey.State
Kind = Question.Kind
ONE_DECIMAL = Decimal("0.1")


def public_surveys() -> QuerySet[Survey]:
    """Surveys the public may see: published or closed."""
    return Survey.objects.filter(state__in=[State.PUBLISHED, State.CLOSED]).select_related("agency")


def open_surveys(now: datetime.datetime) -> QuerySet[Survey]:
    """Published surveys taking answers at ``now``, closing soonest first."""
    return (
        public_surveys()
        .filter(state=State.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")
    )


def upcoming_surveys(now: datetime.datetime) -> QuerySet[Survey]:
    """Published surveys that open later, opening soonest first."""
    return public_surveys().filter(state=State.PUBLISHED, opens_at__gt=now).order_by("opens_at")


def closed_surveys(now: datetime.datetime) -> QuerySet[Survey]:
    """Surveys closed by a reviewer or by their closing time, the latest first."""
    return (
        public_surveys()
        .filter(Q(state=State.CLOSED) | Q(closes_at__lte=now))
        .order_by("-closes_at", "-pk")
    )


def surveys_due_to_close(now: datetime.datetime) -> QuerySet[Survey]:
    """Published surveys whose closing time has passed but whose state says published."""
    return Survey.objects.filter(state=State.PUBLISHED, closes_at__lte=now).order_by("closes_at")


def has_answered(
    survey: Survey, visitor_token: str | None = None, *, citizen: CitizenAccount | None = None
) -> bool:
    """Whether the visitor with this token (a survey answered once per browser), or the
    signed-in ``citizen`` (a survey for signed-in citizens), has answered the survey."""
    if survey.for_citizens:
        if citizen is None:
            return False
        return Response.objects.filter(
            survey=survey, account_hash=account_hash(survey.pk, citizen.pk)
        ).exists()
    if not visitor_token:
        return False
    return Response.objects.filter(
        survey=survey, visitor_hash=visitor_hash(survey.pk, visitor_token)
    ).exists()


def percent(count: int, total: int) -> Decimal:
    """``count`` of ``total`` in per cent, rounded half up to one decimal (0 of 0 is 0)."""
    if total <= 0:
        return Decimal("0.0")
    return (Decimal(count) * 100 / Decimal(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Row:
    """One line of a question's table: a choice or a rating value, its count and share."""

    label: str
    count: int
    percent: Decimal


@dataclass(frozen=True)
class TextAnswer:
    response_number: int
    text: str


@dataclass
class QuestionResult:
    question: Question
    answered: int
    rows: list[Row] = field(default_factory=list)
    mean: Decimal | None = None  # rating questions
    texts: list[TextAnswer] = field(default_factory=list)  # staff only
    total: int = 0  # responses to the survey

    @property
    def skipped(self) -> int:
        """Responses that left this (optional) question empty."""
        return max(self.total - self.answered, 0)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]

    def chart_data(self) -> list[dict[str, object]]:
        """What the charts draw, for ``json_script``: the same counts as the tables."""
        return [
            {
                "id": result.question.pk,
                "kind": result.question.kind,
                "labels": [row.label for row in result.rows],
                "counts": [row.count for row in result.rows],
            }
            for result in self.questions
            if result.rows
        ]


def _rating_label(question: Question, value: int) -> str:
    if value == question.scale_min and question.min_label:
        return f"{value}（{question.min_label}）"
    if value == question.scale_max and question.max_label:
        return f"{value}（{question.max_label}）"
    return str(value)


def survey_results(survey: Survey, *, with_texts: bool = False) -> SurveyResults:
    """Counts, shares and means of every question (and, for staff, the free texts)."""
    responses = survey.responses.count()
    questions = list(survey.questions.order_by("position").prefetch_related("choices"))
    answers = Answer.objects.filter(response__survey=survey)
    answered = dict(
        answers.values("question_id").annotate(n=Count("id")).values_list("question_id", "n")
    )
    chosen = dict(
        Choice.objects.filter(question__survey=survey)
        .annotate(n=Count("answers"))
        .values_list("pk", "n")
    )
    ratings: dict[int, dict[int, int]] = {}
    for question_id, rating, n in (
        answers.filter(rating__isnull=False)
        .values("question_id", "rating")
        .annotate(n=Count("id"))
        .values_list("question_id", "rating", "n")
    ):
        if rating is not None:
            ratings.setdefault(question_id, {})[rating] = n
    texts: dict[int, list[TextAnswer]] = {}
    if with_texts:
        for question_id, number, text in (
            answers.filter(question__kind=Kind.TEXT)
            .exclude(text="")
            .order_by("response__number")
            .values_list("question_id", "response__number", "text")
        ):
            texts.setdefault(question_id, []).append(TextAnswer(number, text))
    results = []
    for question in questions:
        total = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=total, total=responses)
        if question.kind in Question.CHOICE_KINDS:
            for choice in question.choices.all():
                n = chosen.get(choice.pk, 0)
                result.rows.append(Row(choice.text, n, percent(n, total)))
        elif question.kind == Kind.RATING:
            counts = ratings.get(question.pk, {})
            for value in question.scale():
                n = counts.get(value, 0)
                result.rows.append(Row(_rating_label(question, value), n, percent(n, total)))
            if total:
                points = sum(value * n for value, n in counts.items())
                result.mean = (Decimal(points) / Decimal(total)).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
        else:
            result.texts = texts.get(question.pk, [])
        results.append(result)
    return SurveyResults(survey=survey, responses=responses, questions=results)
