"""Run the consultations' daily job once (repeat-safe): close those past their closing day.
Meant for cron or a systemd timer, daily and after a restart."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.interaction.consultations import tasks


class Command(BaseCommand):
    help = "Close consultations on drafts whose closing day has passed (safe to run repeatedly)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in tasks.run_all().items():
            self.stdout.write(f"{name}: {count}")
