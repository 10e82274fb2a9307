"""The daily job of key tasks (``manage.py run_key_task_jobs``): a lead agency's heads and
editors are reminded once a task reaches blue, yellow and red — once per level and deadline,
however often the job runs — and a new deadline after an extension is reminded afresh."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from gongkai.supervision.plans import services, tasks
from gongkai.supervision.plans.models import TaskEvent, TaskReminder
from tests.supervision.plans.conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date
DEADLINE = D(2025, 10, 14)  # see test_deadlines: blue from 09-24, yellow from 10-10


def run(day: D, capture) -> int:
    with at(day), capture(execute=True):
        return tasks.run_all(today=day)["reminded"]


def reminders(task) -> list[tuple[str, D]]:
    return list(task.reminders.order_by("id").values_list("level", "sent_on"))


def test_each_level_is_reminded_once(
    signed, editor, head, handler, django_capture_on_commit_callbacks
):
    task = signed(D(2025, 9, 1), DEADLINE)
    capture = django_capture_on_commit_callbacks
    mail.outbox.clear()

    assert run(D(2025, 9, 23), capture) == 0  # 11 working days left
    assert run(D(2025, 9, 24), capture) == 1  # blue
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([editor.email, head.email])  # not the handler
    assert "due on 2025-10-14 (blue warning)" in mail.outbox[0].subject
    assert "/workbench/plans/tasks/" in mail.outbox[0].body

    mail.outbox.clear()
    for day in (D(2025, 9, 24), D(2025, 9, 25), D(2025, 10, 9)):  # again, and still blue
        assert run(day, capture) == 0
    assert mail.outbox == []

    assert run(D(2025, 10, 10), capture) == 1  # yellow
    assert run(D(2025, 10, 13), capture) == 0
    assert run(D(2025, 10, 15), capture) == 1  # red
    assert "is overdue since 2025-10-14" in mail.outbox[-1].subject
    assert run(D(2025, 10, 16), capture) == 0
    assert reminders(task) == [
        ("blue", D(2025, 9, 24)), ("yellow", D(2025, 10, 10)), ("red", D(2025, 10, 15)),
    ]  # fmt: skip
    assert task.events.filter(code=TaskEvent.Code.REMINDED).count() == 3


def test_a_job_that_did_not_run_sends_only_the_present_level(
    signed, django_capture_on_commit_callbacks
):
    task = signed(D(2025, 9, 1), DEADLINE)
    assert run(D(2025, 10, 20), django_capture_on_commit_callbacks) == 1
    assert reminders(task) == [("red", D(2025, 10, 20))]


def test_an_extension_starts_the_reminders_again(
    signed, editor, office, django_capture_on_commit_callbacks
):
    task = signed(D(2025, 9, 1), DEADLINE)
    capture = django_capture_on_commit_callbacks
    assert run(D(2025, 10, 10), capture) == 1  # yellow for 10-14
    with at(D(2025, 10, 10)):
        services.request_extension(task, actor=editor, until=D(2025, 10, 22), reason="等待数据。")
        services.decide_extension(task, actor=office, approve=True)
    assert run(D(2025, 10, 10), capture) == 1  # blue for 10-22 (9 working days left)
    assert run(D(2025, 10, 11), capture) == 0
    assert list(task.reminders.values_list("level", "deadline")) == [
        ("yellow", D(2025, 10, 14)), ("blue", D(2025, 10, 22)),
    ]  # fmt: skip


def test_tasks_waiting_for_the_office_or_accepted_are_not_reminded(
    reported, office, django_capture_on_commit_callbacks
):
    waiting = reported(D(2025, 9, 1), DEADLINE)
    accepted = reported(D(2025, 9, 1), DEADLINE)
    with at(D(2025, 9, 2)):
        services.accept_task(accepted, actor=office)
    mail.outbox.clear()
    assert run(D(2025, 10, 20), django_capture_on_commit_callbacks) == 0
    assert not TaskReminder.objects.filter(task__in=[waiting, accepted]).exists()
    assert mail.outbox == []


def test_the_command_runs_the_job(signed, django_capture_on_commit_callbacks):
    signed(D(2025, 9, 1), DEADLINE)
    out = io.StringIO()
    with at(D(2025, 10, 15)), django_capture_on_commit_callbacks(execute=True):
        call_command("run_key_task_jobs", stdout=out)
        call_command("run_key_task_jobs", stdout=out)
    assert out.getvalue().splitlines() == [
        "Key task reminders sent: 1.", "Key task reminders sent: 0.",
    ]  # fmt: skip
