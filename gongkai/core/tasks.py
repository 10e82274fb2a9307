"""Core's queued jobs (docs/decisions/0031): the outbox, retention, exports (decision 0041),
and the queue's own upkeep.

Each is the function its management command calls, as a task for the workers and the
scheduler (``GONGKAI_PERIODIC_JOBS``); all are repeat-safe.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from gongkai.core import exports, retention, scheduler
from gongkai.core.mail import send_queued_mail


@task()
def send_mail_queue() -> int:
    """``manage.py send_mail_queue``: send the outbox's due mail; how many were sent."""
    return send_queued_mail()


@task()
def anonymise_personal_data() -> dict[str, int]:
    """``manage.py anonymise_personal_data``: the records anonymised, per kind."""
    return retention.anonymise_personal_data()


@task()
def prune_audit_trail() -> int:
    """``manage.py prune_audit_trail``: the audit entries deleted."""
    return retention.prune_audit_trail()


@task()
def build_export(export_id: int) -> str | None:
    """Build the file of export ``export_id`` (asked for in the workbench); its state, or
    None when it was already built or deleted."""
    export = exports.run_export(export_id)
    return export.state if export is not None else None


@task()
def prune_task_results() -> dict[str, int]:
    """Delete finished jobs' rows older than ``GONGKAI_TASK_RESULT_DAYS`` (the database
    backend's table; a job not run yet is never deleted), the scheduler's old slots, and the
    exports older than ``GONGKAI_EXPORT_DAYS`` with their files."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    days = settings.GONGKAI_TASK_RESULT_DAYS
    finished, _ = DBTaskResult.objects.filter(
        finished_at__lt=now - datetime.timedelta(days=days)
    ).delete()
    return {
        "task_results": finished,
        "scheduled_runs": scheduler.prune_runs(now=now, days=days),
        "exports": exports.delete_expired_exports(now=now),
    }
