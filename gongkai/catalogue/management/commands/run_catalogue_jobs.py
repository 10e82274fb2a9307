"""Run the catalogue's periodic jobs once (repeat-safe): scheduled publication, missing
interpretations, re-assessments due. Meant for cron or a systemd timer every few minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.catalogue import tasks


class Command(BaseCommand):
    help = (
        "Publish scheduled documents, flag policies missing interpretations and send withheld "
        "documents due for re-assessment to the office (safe to run repeatedly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = tasks.run_all()
        for name, count in results.items():
            self.stdout.write(f"{name}: {count}")
