"""``manage.py run_monthly_jobs``: the daily jobs of monthly performance (每月公示) and the
site-health watch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gongkai.supervision.monthly.tasks import run_all


class Command(BaseCommand):
    help = (
        "Compute the previous month's performance table as a draft from the first working day "
        "of a month, and record today's site-health findings (repeat-safe; run daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_all()
        self.stdout.write(
            _("Monthly drafts computed: %(drafts)d; site-health things checked: %(checks)d.")
            % {"drafts": results["monthly_drafts"], "checks": results["health_checks"]}
        )
