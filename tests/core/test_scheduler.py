"""The scheduler (``manage.py run_scheduler``): each periodic job is enqueued once per
scheduled moment, after a restart too, and two schedulers never enqueue it twice."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_tasks_db.models import DBTaskResult

from gongkai.core import scheduler
from gongkai.core.models import ScheduledRun
from gongkai.core.scheduler import PeriodicJob

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MAIL = "gongkai.core.tasks.send_mail_queue"
REQUESTS = "gongkai.info_requests.tasks.run_request_jobs"


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, second, tzinfo=TZ)


def test_a_daily_job_is_due_from_its_local_time_and_until_the_next_day():
    job = PeriodicJob.parse("requests", REQUESTS, "00:05")
    assert job.slot(at(10, 0, 5)) == at(10, 0, 5)
    assert job.slot(at(10, 23, 59)) == at(10, 0, 5)
    assert job.slot(at(11, 0, 4, 59)) == at(10, 0, 5)  # not yet today's
    # 00:05 in Beijing is 16:05 UTC the day before: the slot follows the local day.
    utc = datetime.datetime(2026, 3, 9, 16, 6, tzinfo=datetime.UTC)
    assert job.slot(utc) == at(10, 0, 5)


def test_an_every_n_minutes_job_is_due_on_each_multiple_from_midnight():
    job = PeriodicJob.parse("catalogue", MAIL, "every 5")
    assert job.slot(at(10, 9, 59, 59)) == at(10, 9, 55)
    assert job.slot(at(10, 10, 0)) == at(10, 10, 0)
    assert job.slot(at(10, 0, 3)) == at(10, 0, 0)


@pytest.mark.parametrize("when", ["24:00", "7", "every 0", "every", "daily", "12:60"])
def test_a_bad_time_is_refused_naming_the_job(when):
    with pytest.raises(ImproperlyConfigured, match="'catalogue'"):
        PeriodicJob.parse("catalogue", MAIL, when)


def test_the_table_must_name_tasks(settings):
    settings.GONGKAI_PERIODIC_JOBS = [("x", "gongkai.core.scheduler.enqueue_due", "00:05")]
    with pytest.raises(ImproperlyConfigured, match="not a task"):
        scheduler.periodic_jobs()
    settings.GONGKAI_PERIODIC_JOBS = [("x", MAIL, "00:05"), ("x", MAIL, "every 1")]
    with pytest.raises(ImproperlyConfigured, match="own name"):
        scheduler.periodic_jobs()


def test_the_shipped_table_is_valid_and_covers_every_periodic_command(settings):
    names = {job.name for job in scheduler.periodic_jobs()}
    assert {
        "send_mail_queue", "catalogue", "surveys", "requests", "consultations", "letters",
        "monthly", "key_tasks", "annual_report", "statistics", "anonymise_personal_data",
        "prune_audit_trail", "prune_task_results",
    } <= names  # fmt: skip


def test_each_slot_is_enqueued_once_and_a_late_start_catches_up_the_last_one(db, settings):
    settings.TASKS = DATABASE
    jobs = [
        PeriodicJob.parse("requests", REQUESTS, "00:05"),
        PeriodicJob.parse("send_mail_queue", MAIL, "every 1"),
    ]
    # Started at 09:00 after a night switched off: today's 00:05 run is made up once.
    assert scheduler.enqueue_due(now=at(10, 9, 0), jobs=jobs) == ["requests", "send_mail_queue"]
    assert scheduler.enqueue_due(now=at(10, 9, 0, 30), jobs=jobs) == []
    assert scheduler.enqueue_due(now=at(10, 9, 1), jobs=jobs) == ["send_mail_queue"]
    assert scheduler.enqueue_due(now=at(10, 23, 59), jobs=jobs) == ["send_mail_queue"]
    assert scheduler.enqueue_due(now=at(11, 0, 5), jobs=jobs) == ["requests", "send_mail_queue"]
    paths = list(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", flat=True))
    assert paths.count(REQUESTS) == 2
    assert paths.count(MAIL) == 4
    assert ScheduledRun.objects.count() == 6


def test_a_slot_another_scheduler_took_is_left_to_it(db, settings):
    settings.TASKS = DATABASE
    job = PeriodicJob.parse("requests", REQUESTS, "00:05")
    ScheduledRun.objects.create(job="requests", slot=at(10, 0, 5), enqueued_at=at(10, 0, 5))
    assert scheduler.enqueue_due(now=at(10, 0, 6), jobs=[job]) == []
    assert not DBTaskResult.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_enqueue_each_job_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    settings.TASKS = DATABASE
    jobs = [PeriodicJob.parse(f"job{n}", MAIL, "every 1") for n in range(20)]
    barrier = threading.Barrier(2)
    won: list[list[str]] = []

    def run() -> None:
        from django.db import connections

        try:
            barrier.wait()
            won.append(scheduler.enqueue_due(now=at(10, 9, 0), jobs=jobs))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won[0] + won[1]) == sorted(job.name for job in jobs)
    assert DBTaskResult.objects.count() == 20


def test_the_immediate_backend_runs_the_job_in_the_scheduler(
    db, django_capture_on_commit_callbacks
):
    job = PeriodicJob.parse("send_mail_queue", MAIL, "every 1")
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduler.enqueue_due(now=at(10, 9, 0), jobs=[job]) == ["send_mail_queue"]
    assert ScheduledRun.objects.get().job == "send_mail_queue"


def test_old_slots_are_pruned(db):
    ScheduledRun.objects.create(job="a", slot=at(1, 0), enqueued_at=at(1, 0))
    ScheduledRun.objects.create(job="a", slot=at(9, 0), enqueued_at=at(9, 0))
    assert scheduler.prune_runs(now=at(10, 0), days=7) == 1
    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [at(9, 0)]


def test_run_forever_keeps_going_when_the_database_fails_and_stops_when_asked(
    db, settings, monkeypatch
):
    calls: list[int] = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database restarting")
        return []

    monkeypatch.setattr(scheduler, "enqueue_due", flaky)
    scheduler.run_forever(interval=0, should_stop=lambda: len(calls) >= 3, sleep=lambda s: None)
    assert len(calls) == 3


def test_the_system_check_reports_a_broken_table(settings):
    assert scheduler.check_periodic_jobs() == []
    settings.GONGKAI_PERIODIC_JOBS = [("x", "gongkai.core.tasks.no_such_task", "00:05")]
    [error] = scheduler.check_periodic_jobs()
    assert error.id == "gongkai.E010"
    settings.GONGKAI_PERIODIC_JOBS = [("x", MAIL, "25:00")]
    [error] = scheduler.check_periodic_jobs()
    assert "'x'" in error.msg
