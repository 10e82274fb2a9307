"""The daily jobs of monthly performance: thin and repeat-safe.

Run by ``manage.py run_monthly_jobs`` (from cron or a systemd timer, once a day shortly after
midnight, and after a restart). Running it twice on a day does nothing more the second time:
the previous month's draft is computed only while the month has no version at all, and the
health findings are one row a watched thing a day, updated in place.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError
from django.utils import timezone
from django_tasks import task

from gongkai.core.workdays import CalendarNotCovered, is_working_day
from gongkai.supervision.monthly import services
from gongkai.supervision.monthly.models import MonthlyPublication

logger = logging.getLogger(__name__)


def first_working_day(year: int, month: int) -> datetime.date:
    """The month's first working day; its first day when the calendar does not cover it."""
    day = datetime.date(year, month, 1)
    try:
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
    except CalendarNotCovered:
        logger.warning("The calendar does not cover %s: the monthly table is computed on the 1st.",
                       year)  # fmt: skip
        return datetime.date(year, month, 1)
    return day


def previous_month(today: datetime.date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def compute_previous_month(*, now: datetime.datetime | None = None) -> MonthlyPublication | None:
    """From the first working day of a month on, compute the previous month's draft once —
    while that month has no version yet. Returns the draft made, or None."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if today < first_working_day(today.year, today.month):
        return None
    year, month = previous_month(today)
    if MonthlyPublication.objects.filter(year=year, month=month).exists():
        return None
    try:
        return services.compute_month(year, month, actor=None, now=now)
    except IntegrityError:  # another run made it at the same moment
        return None


def check_site_health(*, now: datetime.datetime | None = None) -> int:
    """Record today's site-health findings (repeat-safe: one row a thing a day)."""
    now = now or timezone.now()
    return services.record_health_checks(today=timezone.localdate(now), now=now)


def run_all(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every monthly job once, in order; returns the count of each."""
    now = now or timezone.now()
    results = {
        "monthly_drafts": 1 if compute_previous_month(now=now) is not None else 0,
        "health_checks": check_site_health(now=now),
    }
    logger.info("Monthly jobs: %s", results)
    return results


@task()
def run_monthly_jobs() -> dict[str, int]:
    """``manage.py run_monthly_jobs`` as a job (the scheduler: daily after midnight)."""
    return run_all()
