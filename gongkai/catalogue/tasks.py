"""Periodic jobs of the catalogue: thin, repeat-safe loops over a selector, one service each.

Run by ``manage.py run_catalogue_jobs`` (from cron or a systemd timer, every few minutes).
Running a job twice does nothing the second time: a published document is no longer due, and
the flags are written once per due date.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from gongkai.catalogue import clocks, services
from gongkai.catalogue.selectors.staff import reassessments_due

logger = logging.getLogger(__name__)


def publish_scheduled(*, now: datetime.datetime | None = None) -> int:
    """Publish approved documents whose scheduled time has come; returns how many."""
    return len(services.publish_due_documents(now=now))


def flag_missing_interpretations(*, now: datetime.datetime | None = None) -> int:
    """Flag published policies still without their interpretation after the lag (三同步)."""
    now = now or timezone.now()
    flagged = 0
    for missing in clocks.interpretations_missing(today=timezone.localdate(now)):
        if services.flag_missing_interpretation(missing.document, due=missing.due, now=now):
            flagged += 1
    return flagged


def send_reassessments_due(*, now: datetime.datetime | None = None) -> int:
    """Send withheld documents due for re-assessment (REG 18) to the office's queue."""
    now = now or timezone.now()
    sent = 0
    for document in reassessments_due(today=timezone.localdate(now)):
        if services.mark_reassessment_due(document, now=now):
            sent += 1
    return sent


def run_all(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Every catalogue job once, in order; returns the count of each."""
    now = now or timezone.now()
    results = {
        "published": publish_scheduled(now=now),
        "interpretations_missing": flag_missing_interpretations(now=now),
        "reassessments_due": send_reassessments_due(now=now),
    }
    logger.info("Catalogue jobs: %s", results)
    return results


@task()
def run_catalogue_jobs() -> dict[str, int]:
    """``manage.py run_catalogue_jobs`` as a job (the scheduler: every few minutes)."""
    return run_all()


@task()
def publish_scheduled_documents() -> int:
    """Publish the documents whose time has come: queued by the approval of a scheduled
    publication to run at that time (with a backend that can wait; otherwise, and as a
    safety net, ``run_catalogue_jobs`` does it)."""
    return publish_scheduled()
