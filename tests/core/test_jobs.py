"""Queued work (decision 0031): a job asked for with a change exists exactly when the change
does, whichever backend runs it; the embedded backend does not hide a failing job."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from gongkai.core.jobs import JobFailed, enqueue_at, enqueue_with_change

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RAN: list[int] = []


@task()
def remember(value: int) -> int:
    RAN.append(value)
    return value


@task()
def explode() -> None:
    raise ValueError("boom")


@pytest.fixture(autouse=True)
def _clear():
    RAN.clear()


def test_immediate_backend_runs_the_job_after_the_commit_only(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_with_change(remember, 1)
        assert RAN == []  # not before the change is committed
    assert RAN == [1]


def test_immediate_backend_runs_nothing_for_a_rolled_back_change(
    db, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue_with_change(remember, 2)
        raise RuntimeError("the change fails")
    assert RAN == []


def test_immediate_backend_raises_a_failing_job(db, django_capture_on_commit_callbacks):
    with pytest.raises(JobFailed, match="boom"), django_capture_on_commit_callbacks(execute=True):
        enqueue_with_change(explode)


def test_the_same_job_asked_for_again_in_a_transaction_runs_once(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for value in (7, 7, 8, 7):
            enqueue_with_change(remember, value)
    assert RAN == [7, 8]  # once each, in the order first asked


def test_the_same_job_in_the_next_transaction_runs_again(db, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            enqueue_with_change(remember, 9)
    assert RAN == [9, 9]


def test_a_job_asked_for_in_a_rolled_back_savepoint_does_not_hide_the_same_job_after_it(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_with_change(remember, 10)
            raise RuntimeError("the inner change fails")
        enqueue_with_change(remember, 10)
    assert RAN == [10]


def test_database_backend_writes_the_same_job_once_a_transaction(db, settings):
    settings.TASKS = DATABASE
    with transaction.atomic():
        for _ in range(3):
            enqueue_with_change(remember, 11)
    assert DBTaskResult.objects.count() == 1


def test_database_backend_writes_the_job_with_the_change(db, settings):
    settings.TASKS = DATABASE
    with transaction.atomic():
        enqueue_with_change(remember, 3)
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_with_change(remember, 4)
        raise RuntimeError("the change fails")
    rows = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert rows == [("tests.core.test_jobs.remember", {"args": [3], "kwargs": {}})]
    assert RAN == []  # a worker runs it, not this process


def test_a_worker_runs_the_queued_job(transactional_db, settings):
    settings.TASKS = DATABASE
    enqueue_with_change(remember, 5)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert RAN == [5]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_enqueue_at_defers_on_the_database_and_leaves_it_to_the_periodic_job_otherwise(
    transactional_db, settings
):
    when = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC)
    assert enqueue_at(remember, when, 6) is False
    assert RAN == []
    settings.TASKS = DATABASE
    assert enqueue_at(remember, when, 6) is True
    assert DBTaskResult.objects.get().run_after == when
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert RAN == []  # not before its time


def test_enqueue_job_runs_a_periodic_job_by_name(db):
    out = StringIO()
    call_command("enqueue_job", "send_mail_queue", stdout=out)
    assert "send_mail_queue" in out.getvalue()
    with pytest.raises(CommandError, match="catalogue"):
        call_command("enqueue_job", "no_such_job")
