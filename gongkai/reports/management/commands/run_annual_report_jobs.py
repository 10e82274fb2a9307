"""``manage.py run_annual_report_jobs``: the annual report's daily job (run from cron or a
timer, daily and after a restart): reminders of the 31 January and 31 March deadlines."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.reports.annual.reminders import send_reminders


class Command(BaseCommand):
    help = "Remind the bodies whose annual report is due or overdue (repeat-safe)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as on this day (YYYY-MM-DD), for catching up.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(
                    gettext("Give the day as YYYY-MM-DD, for instance 2026-01-15.")
                ) from error
        sent = send_reminders(today=today)
        self.stdout.write(gettext("Annual report reminders sent: %(count)s.") % {"count": sent})
