"""The demonstration submissions: every state on the story's periods, loaded through the
services for the demonstration agencies, and a second load that changes nothing."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.db import transaction

from gongkai.agencies import demo as agencies_demo
from gongkai.reports.statistics import demo
from gongkai.reports.statistics.models import StatisticsSubmission, SubmissionEvent
from tests.reports.statistics.conftest import D, moment

pytestmark = pytest.mark.django_db

State = StatisticsSubmission.State


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The agencies and the statistics submissions, loaded once for the module on a day after
    the story's periods, inside a transaction rolled back after its last test. (The other
    loaders are left out for speed: their figures are zero here; ``test_services`` checks the
    prefilled figures against recounts.)"""
    with django_db_blocker.unblock(), time_machine.travel(moment(D(2026, 11, 20)), tick=False):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            agencies_demo.load(io.StringIO())
            out = io.StringIO()
            demo.load(out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_state_is_shown_on_the_newest_periods(loaded):
    assert "submissions loaded" in loaded
    newest = StatisticsSubmission.objects.filter(period_key__in=["2026-10", "2026-Q3"])
    assert set(newest.values_list("state", flat=True)) == set(State.values)
    older = StatisticsSubmission.objects.filter(period_key__in=["2026-06", "2025"])
    assert set(older.values_list("state", flat=True)) == {State.ACCEPTED, State.SUBMITTED}
    returned = StatisticsSubmission.objects.filter(state=State.RETURNED)
    assert all(row.return_reason for row in returned)


def test_every_form_and_period_of_the_story_is_there(loaded):
    pairs = set(StatisticsSubmission.objects.values_list("form__code", "period_key"))
    assert pairs == {(code, key) for code, key, _newest in demo.PERIODS}
    yearly = StatisticsSubmission.objects.filter(form__code="disclosure-yearly")
    assert not yearly.filter(agency__kind="government").exists()  # not one of its kinds


def test_every_submission_went_through_the_services(loaded):
    for submission in StatisticsSubmission.objects.all():
        codes = list(submission.events.values_list("code", flat=True))
        assert codes[0] == SubmissionEvent.Code.OPENED
        assert codes[-1] == submission.state or submission.state == State.DRAFT
    overdue = [row for row in StatisticsSubmission.objects.all() if row.is_overdue(D(2026, 11, 20))]
    assert overdue  # the drafts of October, due on 5 November


def test_a_second_load_changes_nothing(loaded):
    before = (StatisticsSubmission.objects.count(), SubmissionEvent.objects.count())
    out = io.StringIO()
    demo.load(out)
    assert "none loaded" in out.getvalue()
    assert (StatisticsSubmission.objects.count(), SubmissionEvent.objects.count()) == before
