"""The demonstration key tasks: the seed's 2014 plan (9 categories, 42 tasks, all accepted by
the end of the year) and the 2025 and 2026 plans with tasks in every state and at every warning
level, loaded through the services (so their histories are real) and only once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db.models import Count

from gongkai.core.models import AuditEntry
from gongkai.supervision.plans import selectors
from gongkai.supervision.plans.deadlines import task_warning
from gongkai.supervision.plans.models import (
    KeyTask,
    NoticeRecipient,
    SupervisionNotice,
    TaskEvent,
    WorkPlan,
)
from tests.demo.conftest import assert_unchanged

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 27)  # the day the brief gives: a Friday
NOW = datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)  # 10:00 in Beijing


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""
    return district.output


@pytest.fixture
def today():
    with time_machine.travel(NOW, tick=False):
        yield TODAY


def test_the_2014_plan_is_the_seeds(loaded):
    plan = WorkPlan.objects.get(year=2014)
    assert (plan.doc_number, plan.published) == ("张政办发〔2014〕50号", True)
    assert plan.categories.count() == 9
    assert plan.tasks.count() == 42
    counts = plan.categories.annotate(n=Count("tasks")).values_list("n", flat=True)
    assert sorted(counts) == [3, 4, 4, 4, 5, 5, 5, 6, 6]
    # All accepted by the end of the year, as the seed reports.
    assert set(plan.tasks.values_list("state", flat=True)) == {"accepted"}
    assert not plan.tasks.filter(accepted_on__gt=D(2014, 12, 31)).exists()
    assert not plan.tasks.filter(assigned_on__lt=D(2014, 8, 18)).exists()
    overview = selectors.plan_overview(plan, today=TODAY)
    assert str(overview.rollup.progress) == "100.0"
    events = set(TaskEvent.objects.filter(task__plan=plan).values_list("code", flat=True))
    assert {"extension_approved", "extension_refused", "sent_back"} <= events
    notice = plan.notices.get()
    assert notice.state == "closed"
    assert notice.recipients.filter(state="answered").count() == notice.recipients.count()
    assert notice.recipients.filter(late=True).count() == 2


def test_the_2026_plan_has_every_state_and_warning_level(loaded, today):
    plan = WorkPlan.objects.get(year=2026)
    states = set(plan.tasks.values_list("state", flat=True))
    assert states == set(KeyTask.State.values)
    levels = {task_warning(task, today=today).level for task in plan.tasks.all()}
    assert levels == {"none", "blue", "yellow", "red"}
    assert plan.tasks.filter(extension_requested_until__isnull=False).count() == 1
    events = set(TaskEvent.objects.filter(task__plan=plan).values_list("code", flat=True))
    assert {"extension_approved", "extension_refused", "contribution_reported"} <= events
    waiting = NoticeRecipient.objects.filter(notice__plan=plan, notice__state="issued")
    assert waiting.filter(state="waiting").count() == 4
    assert SupervisionNotice.objects.filter(plan=plan, state="draft").count() == 1


def test_the_2025_plan_is_done_but_one_task(loaded, today):
    plan = WorkPlan.objects.get(year=2025)
    open_tasks = plan.tasks.exclude(state="accepted")
    assert [task_warning(task, today=today).level for task in open_tasks] == ["red"]


def test_every_step_went_through_the_services(loaded):
    # Each state change has its event; the histories are in date order.
    for task in KeyTask.objects.exclude(state="assigned").prefetch_related("events"):
        days = [event.on for event in task.events.all()]
        assert days == sorted(days)
        assert days[0] == task.assigned_on
    assert (
        AuditEntry.objects.filter(action="plans.accept").count()
        == KeyTask.objects.filter(state="accepted").count()
    )


def test_loading_again_changes_nothing(loaded, reloaded):
    assert "2014, 2025, 2026 present already" in reloaded.output
    assert_unchanged(reloaded, "supervision")
