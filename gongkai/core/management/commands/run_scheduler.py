"""``manage.py run_scheduler``: the long-running process that enqueues each periodic job at
its time (``GONGKAI_PERIODIC_JOBS``; ``gongkai.core.scheduler``). Safe to run on two machines
at once: each job is enqueued once per scheduled moment."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from gongkai.core import scheduler


class Command(BaseCommand):
    help = (
        "Enqueue each periodic job (GONGKAI_PERIODIC_JOBS) at its time of day, until stopped "
        "(SIGTERM or Ctrl-C). With --once: enqueue what is due now and exit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=15.0,
            help="Seconds between two looks at the table (default 15).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Enqueue the jobs due now, then exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            names = scheduler.enqueue_due()
            self.stdout.write(gettext("Enqueued: {names}").format(names=", ".join(names) or "-"))
            return
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        jobs = scheduler.periodic_jobs()
        self.stdout.write(
            gettext("Scheduler started: {count} periodic jobs.").format(count=len(jobs))
        )
        scheduler.run_forever(
            interval=max(options["interval"], 0.1),
            should_stop=lambda: stopping,
            sleep=lambda seconds: _sleep_unless(lambda: stopping, seconds),
        )
        self.stdout.write(gettext("Scheduler stopped."))


def _sleep_unless(stopped: Any, seconds: float) -> None:
    """Sleep in short steps, so that a stop request ends the wait within a fraction of a second."""
    import time

    end = time.monotonic() + seconds
    while not stopped() and time.monotonic() < end:
        time.sleep(min(0.2, end - time.monotonic()))
