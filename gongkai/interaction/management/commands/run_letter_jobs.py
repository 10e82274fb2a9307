"""``manage.py run_letter_jobs``: the daily jobs of letters (clocks, unrated replies, reminders)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.interaction.letters.tasks import run_all


class Command(BaseCommand):
    help = (
        "Refresh every letter's reply clock, close replies left unrated and remind staff of "
        "letters due soon or overdue (repeat-safe; run daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_all()
        self.stdout.write(
            "clocks refreshed {refreshed}, closed unrated {closed}, reminders {reminded}".format(
                **results
            )
        )
