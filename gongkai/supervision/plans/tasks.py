"""The daily job of key tasks: a thin, repeat-safe loop over a selector, one service each.

Run by ``manage.py run_key_task_jobs`` (from cron or a systemd timer, daily and after a
restart). Each open task that has reached a warning level (blue, yellow, red) reminds its lead
agency's heads and editors once for that level and deadline: running the job again on the
same day, or on any later day at the same level, sends nothing more (``TaskReminder`` has a
unique row per task, level and deadline). An approved extension gives a new deadline, which
is reminded afresh as it comes near.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from gongkai.supervision.plans import selectors, services
from gongkai.supervision.plans.deadlines import plan_settings

logger = logging.getLogger(__name__)


def send_warnings(*, today: datetime.date) -> int:
    """Remind the lead agencies of tasks that reached a warning level they were not told of."""
    config = plan_settings()
    sent = 0
    for key_task in selectors.tasks_to_warn(today=today, config=config):
        if services.remind_task(key_task, today=today, config=config) is not None:
            sent += 1
    return sent


def run_all(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    results = {"reminded": send_warnings(today=today)}
    logger.info("Key task jobs: %s", results)
    return results


@task()
def run_key_task_jobs() -> dict[str, int]:
    """``manage.py run_key_task_jobs`` as a job (the scheduler: daily after midnight)."""
    return run_all()
