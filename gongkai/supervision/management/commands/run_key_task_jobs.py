"""``manage.py run_key_task_jobs``: the daily job of key tasks (deadline warnings)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gongkai.supervision.plans.tasks import run_all


class Command(BaseCommand):
    help = (
        "Remind lead agencies of key tasks that reached a blue, yellow or red warning "
        "(at most once per level and deadline; repeat-safe, run daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_all()
        self.stdout.write(_("Key task reminders sent: %(count)d.") % {"count": results["reminded"]})
