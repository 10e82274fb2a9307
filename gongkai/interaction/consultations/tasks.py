"""The daily job of consultations: close those whose closing day has passed.

Thin and repeat-safe: a loop over a selector, one service call each; a second run finds
nothing to do. Pages never depend on it (a consultation past its closing day takes no comment
whatever its state), but the workbench's lists and the feedback read the state.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from gongkai.interaction.consultations import selectors, services


def close_due_consultations(*, now: datetime.datetime | None = None) -> int:
    """Close every consultation still open after its closing day; how many were closed."""
    now = now or timezone.now()
    closed = 0
    for consultation in selectors.consultations_due_to_close(now=now):
        if services.close_if_due(consultation, now=now):
            closed += 1
    return closed


def run_all(*, now: datetime.datetime | None = None) -> dict[str, int]:
    return {"consultations closed": close_due_consultations(now=now)}


@task()
def run_consultation_jobs() -> dict[str, int]:
    """``manage.py run_consultation_jobs`` as a job (the scheduler: daily after midnight)."""
    return run_all()
