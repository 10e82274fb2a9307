"""The daily job of surveys: thin and repeat-safe.

Run by ``manage.py run_survey_jobs`` (from cron or a systemd timer, daily or hourly). A survey
takes no answers after its closing time whether or not the job has run (``Survey.phase``); the
job makes its state say "closed" too, for the staff lists and the history.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from gongkai.interaction.surveys import selectors, services


def close_due_surveys(*, now: datetime.datetime | None = None) -> int:
    """Close every published survey whose closing time has passed; how many were closed."""
    moment = now if now is not None else timezone.now()
    return sum(
        1
        for survey in selectors.surveys_due_to_close(moment)
        if services.close_at_closing_time(survey, now=moment)
    )


@task()
def run_survey_jobs() -> int:
    """``manage.py run_survey_jobs`` as a job (the scheduler: hourly)."""
    return close_due_surveys()
