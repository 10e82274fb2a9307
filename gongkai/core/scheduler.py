"""The scheduler: enqueues each periodic job at its time (``manage.py run_scheduler``).

The jobs and their times are the table ``GONGKAI_PERIODIC_JOBS`` in the settings: a name, the
dotted path of a task (``@task()`` in an app's ``tasks.py``) and either ``"HH:MM"`` (daily at
that local time, Asia/Shanghai) or ``"every N"`` (every N minutes from local midnight).

Each job has *slots*, the moments it is due; at any ``now`` its current slot is the latest one
not after ``now``. A job is enqueued once per slot: the scheduler inserts a
:class:`~gongkai.core.models.ScheduledRun` row (unique per job and slot) and enqueues the task
in the same transaction. Two schedulers (a second machine, or one left running by mistake)
race for the row and exactly one wins. A scheduler started after a job's time — after a
restart, a deployment, a night switched off — enqueues the job's latest missed slot at once
(the jobs are repeat-safe and run "daily and after a restart"); slots older than that are
never made up, so a long stop does not flood the queue.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from gongkai.core.jobs import enqueue_with_change
from gongkai.core.models import ScheduledRun

logger = logging.getLogger(__name__)

_DAILY = re.compile(r"^(\d{1,2}):(\d{2})$")
_EVERY = re.compile(r"^every (\d+)$")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    at: datetime.time | None = None  # daily at this local time
    every_minutes: int | None = None  # or every so many minutes from local midnight

    @classmethod
    def parse(cls, name: str, task_path: str, when: str) -> PeriodicJob:
        daily, every = _DAILY.match(when.strip()), _EVERY.match(when.strip())
        if daily and int(daily[1]) < 24 and int(daily[2]) < 60:
            return cls(name, task_path, at=datetime.time(int(daily[1]), int(daily[2])))
        if every and 0 < int(every[1]) <= 24 * 60:
            return cls(name, task_path, every_minutes=int(every[1]))
        raise ImproperlyConfigured(
            f"GONGKAI_PERIODIC_JOBS: the time of {name!r} must be 'HH:MM' or 'every N' "
            f"(minutes, 1 to 1440), not {when!r}."
        )

    def slot(self, now: datetime.datetime) -> datetime.datetime:
        """The latest moment, not after ``now``, at which this job is due."""
        local = timezone.localtime(now)
        midnight = timezone.make_aware(datetime.datetime.combine(local.date(), datetime.time()))
        if self.every_minutes is not None:
            minutes = (local.hour * 60 + local.minute) // self.every_minutes * self.every_minutes
            return midnight + datetime.timedelta(minutes=minutes)
        assert self.at is not None  # noqa: S101 - one of the two is set by parse()
        today = timezone.make_aware(datetime.datetime.combine(local.date(), self.at))
        return today if today <= now else today - datetime.timedelta(days=1)

    def task(self) -> Task:
        found = import_string(self.task_path)
        if not isinstance(found, Task):
            raise ImproperlyConfigured(
                f"GONGKAI_PERIODIC_JOBS: {self.task_path} is not a task (decorate it with @task())."
            )
        return found


def periodic_jobs() -> list[PeriodicJob]:
    """The table of the settings, checked: unique names, valid times, tasks that exist."""
    jobs = [PeriodicJob.parse(*row) for row in settings.GONGKAI_PERIODIC_JOBS]
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured("GONGKAI_PERIODIC_JOBS: each job needs its own name.")
    for job in jobs:
        job.task()
    return jobs


def check_periodic_jobs(**kwargs: Any) -> list[checks.CheckMessage]:
    """System check: ``manage.py check`` (and every start) reports a broken table at once,
    not the scheduler hours later."""
    try:
        periodic_jobs()
    except (ImproperlyConfigured, ImportError) as error:
        return [checks.Error(str(error), id="gongkai.E010")]
    return []


def enqueue_due(
    *, now: datetime.datetime | None = None, jobs: Iterable[PeriodicJob] | None = None
) -> list[str]:
    """Enqueue every job whose current slot has not been enqueued yet; the names enqueued.

    Repeat-safe and safe beside another scheduler: a slot's row is inserted with its job, in
    one transaction, or not at all.
    """
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs() if jobs is None else jobs:
        slot = job.slot(now)
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, slot=slot, enqueued_at=now)
                enqueue_with_change(job.task())
        except IntegrityError:  # another scheduler took this slot meanwhile
            continue
        except Exception:  # the immediate backend ran the job here and it failed
            logger.exception("Periodic job %s (slot %s) failed", job.name, slot.isoformat())
        enqueued.append(job.name)
    if enqueued:
        logger.info("Enqueued periodic jobs: %s", ", ".join(enqueued))
    return enqueued


def prune_runs(*, now: datetime.datetime | None = None, days: int = 7) -> int:
    """Delete the record of slots older than ``days`` (the uniqueness only matters for the
    current slot of each job); how many rows went."""
    now = now or timezone.now()
    deleted, _ = ScheduledRun.objects.filter(slot__lt=now - datetime.timedelta(days=days)).delete()
    return deleted


def run_forever(
    *,
    interval: float = 15.0,
    should_stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Enqueue due jobs every ``interval`` seconds until ``should_stop()``. A failing database
    (a restart, a failover) is logged and tried again at the next tick, never fatal."""
    from django.db import close_old_connections

    jobs = periodic_jobs()  # checked once at start: a broken table stops the process at once
    while not should_stop():
        close_old_connections()
        try:
            enqueue_due(jobs=jobs)
        except Exception:
            logger.exception("The scheduler could not enqueue the due jobs; trying again")
        close_old_connections()
        sleep(interval)
