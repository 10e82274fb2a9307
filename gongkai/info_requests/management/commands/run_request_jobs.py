"""``manage.py run_request_jobs``: the daily jobs of applications (deadlines, clocks, reminders)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.info_requests.tasks import run_all


class Command(BaseCommand):
    help = "Close lapsed applications, refresh every reply clock and send reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_all()
        self.stdout.write(
            "closed {closed}, clocks refreshed {refreshed}, reminders {reminded}, "
            "notices rendered {notices_rendered}".format(**results)
        )
