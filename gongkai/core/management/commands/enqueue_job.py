"""``manage.py enqueue_job NAME``: enqueue one periodic job now (``GONGKAI_PERIODIC_JOBS``),
for an operator who does not want to wait for its time, or for cron instead of the scheduler."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from gongkai.core import scheduler
from gongkai.core.jobs import enqueue_with_change


class Command(BaseCommand):
    help = "Enqueue one periodic job now, by its name in GONGKAI_PERIODIC_JOBS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The job's name, for instance catalogue or requests.")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = {job.name: job for job in scheduler.periodic_jobs()}
        job = jobs.get(options["name"])
        if job is None:
            raise CommandError(
                gettext("No periodic job is called {name!r}. The jobs: {names}.").format(
                    name=options["name"], names=", ".join(sorted(jobs))
                )
            )
        enqueue_with_change(job.task())
        self.stdout.write(gettext("Enqueued: {name}").format(name=job.name))
