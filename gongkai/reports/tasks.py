"""The reports' daily jobs as queued tasks (docs/decisions/0031); each is the function its
management command calls, and repeat-safe."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from gongkai.reports.annual.reminders import send_reminders
from gongkai.reports.statistics import jobs


@task()
def run_annual_report_jobs() -> int:
    """``manage.py run_annual_report_jobs``: the annual report's reminders sent today."""
    return send_reminders(today=timezone.localdate())


@task()
def run_statistics_jobs() -> dict[str, int]:
    """``manage.py run_statistics_jobs``: open the period's forms, remind, send overdue notices."""
    return jobs.run_all()
