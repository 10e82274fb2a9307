"""``manage.py run_statistics_jobs``: open the period's statistics forms, send reminders and
overdue notices (daily; repeat-safe)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.reports.statistics import jobs


class Command(BaseCommand):
    help = "Open each statistics form's submissions for the last ended period and send reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        results = jobs.run_all()
        self.stdout.write(
            "statistics: opened {opened}, reminders {reminded}, overdue notices {overdue}".format(
                **results
            )
        )
