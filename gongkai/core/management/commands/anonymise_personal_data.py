"""``manage.py anonymise_personal_data``: anonymise the personal data of cases closed more than
``GONGKAI_PERSONAL_DATA_YEARS`` years ago (repeat-safe; decision 0028).

Meant for cron or a systemd timer once a day: applicants, letter writers, commenters, survey
respondents and closed citizens' accounts, each by the app that holds them
(``gongkai.core.retention``). A second run the same day changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from gongkai.core import retention


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of applications, letters, comments, survey responses and "
        "closed citizens' accounts closed more than GONGKAI_PERSONAL_DATA_YEARS years ago "
        "(safe to run repeatedly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="Run as on this day (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(gettext("Give the day as YYYY-MM-DD.")) from error
        cutoff = retention.personal_data_cutoff(today)
        done = retention.anonymise_personal_data(today=today)
        labels = {anonymiser.name: anonymiser.label for anonymiser in retention.anonymisers()}
        self.stdout.write(gettext("Closed on or before {day}:").format(day=cutoff.isoformat()))
        for name, count in done.items():
            self.stdout.write(
                gettext("  {what}: {count} anonymised").format(what=labels[name], count=count)
            )
