"""The demonstration surveys: a closed 2025 survey with a few hundred responses, one open now;
reproducible and idempotent."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from gongkai.interaction.surveys import demo, selectors
from gongkai.interaction.surveys.models import Answer, Response, Survey

pytestmark = pytest.mark.django_db


def test_the_demonstration_surveys(district, reloaded):
    output = district.output

    assert "Surveys: 2 loaded, 0 present already." in output
    closed = Survey.objects.get(title=demo.CLOSED_TITLE)
    running = Survey.objects.get(title=demo.OPEN_TITLE)
    now = timezone.now()
    assert closed.state == Survey.State.CLOSED and closed.closes_at.year == 2025
    assert closed.responses.count() == demo.CLOSED_RESPONSES
    assert closed.results_public(now)
    assert running.phase(now) == Survey.Phase.OPEN
    assert running.results_public(now)  # live
    assert running.responses.count() == demo.OPEN_RESPONSES
    assert closed.agency.slug == "education"
    # Every response within the survey's times, every required question answered.
    assert not closed.responses.exclude(
        submitted_at__gte=closed.opens_at, submitted_at__lt=closed.closes_at
    ).exists()
    required = closed.questions.filter(required=True).count()
    assert Answer.objects.filter(response__survey=closed, question__required=True).count() == (
        required * demo.CLOSED_RESPONSES
    )
    results = selectors.survey_results(closed, with_texts=True)
    satisfaction = results.questions[2]
    assert satisfaction.mean is not None and 3 < satisfaction.mean < 4.5
    assert 30 < len(results.questions[-1].texts) < 110

    assert "Surveys: 0 loaded, 2 present already." in reloaded.output
    assert Response.objects.count() == demo.CLOSED_RESPONSES + demo.OPEN_RESPONSES


def _closed_answers() -> list[tuple[object, ...]]:
    return sorted(
        Answer.objects.filter(response__survey__title=demo.CLOSED_TITLE).values_list(
            "response__number",
            "response__submitted_at",
            "question__position",
            "choices__position",
            "rating",
            "text",
        )
    )


def test_the_answers_are_the_same_on_every_run(district):
    first = _closed_answers()
    Response.objects.all().delete()
    Survey.objects.all().delete()

    demo.load(io.StringIO())

    assert _closed_answers() == first
