"""The daily job: the previous month's draft from the first working day of a month, once; the
site-health findings once a day; both repeat-safe."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gongkai.supervision.monthly import tasks
from gongkai.supervision.monthly.models import HealthCheck, MonthlyPublication
from tests.supervision.monthly.conftest import D, at, moment

pytestmark = pytest.mark.django_db


def test_the_draft_waits_for_the_first_working_day(dept, publish_document):
    """October 2025 begins with the National Day holiday: its first working day is the 9th."""
    publish_document(dept, D(2025, 9, 10))

    assert tasks.compute_previous_month(now=moment(D(2025, 10, 8), 1)) is None
    assert not MonthlyPublication.objects.exists()

    draft = tasks.compute_previous_month(now=moment(D(2025, 10, 9), 1))

    assert draft is not None
    assert (draft.year, draft.month, draft.version, draft.state) == (2025, 9, 1, "draft")
    assert draft.computed_by is None
    assert draft.events.get().actor is None
    assert draft.figures.get(agency=dept, key="documents_published").value == 1


def test_the_draft_is_computed_once(dept, office, publish_document):
    first = tasks.compute_previous_month(now=moment(D(2025, 10, 9), 1))
    publish_document(dept, D(2025, 9, 10))

    assert tasks.compute_previous_month(now=moment(D(2025, 10, 9), 9)) is None
    assert tasks.compute_previous_month(now=moment(D(2025, 10, 20), 1)) is None
    assert MonthlyPublication.objects.get() == first
    first.refresh_from_db()
    assert first.figures.get(agency=dept, key="documents_published").value == 0
    assert first.events.count() == 1  # the office recomputes it with the button, not the job


def test_a_missed_first_working_day_is_caught_up(dept):
    draft = tasks.compute_previous_month(now=moment(D(2025, 3, 12), 1))

    assert draft is not None and (draft.year, draft.month) == (2025, 2)


def test_december_is_computed_in_january(dept):
    draft = tasks.compute_previous_month(now=moment(D(2026, 1, 5), 1))

    assert draft is not None and (draft.year, draft.month) == (2025, 12)


def test_the_command_runs_every_job_and_twice_changes_nothing(dept):
    out = io.StringIO()
    with at(D(2026, 11, 27), 1):
        call_command("run_monthly_jobs", stdout=out)
        publications = list(MonthlyPublication.objects.values_list("pk", "year", "month"))
        checks = sorted(HealthCheck.objects.values_list("pk", "scope_key", "state"))
        call_command("run_monthly_jobs", stdout=io.StringIO())

    assert publications == [(publications[0][0], 2026, 10)]
    assert list(MonthlyPublication.objects.values_list("pk", "year", "month")) == publications
    assert sorted(HealthCheck.objects.values_list("pk", "scope_key", "state")) == checks
    assert checks and all(
        day == D(2026, 11, 27) for day in HealthCheck.objects.values_list("checked_on", flat=True)
    )
    assert "1" in out.getvalue()
