"""``manage.py seed_calendar``: bring the package years of the calendar up to date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext

from gongkai.core.audit import record
from gongkai.core.calendar import seed_from_package
from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.core.workdays import calendar_changed


class Command(BaseCommand):
    help = (
        "Add the years the installed chinesecalendar package knows to the working-day calendar "
        "and refresh the years seeded from it; years imported or entered by hand are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            result = seed_from_package(CalendarYear, CalendarDay)
            if result.created or result.updated:
                record(
                    "core.seed_calendar",
                    actor=None,
                    details={"created": result.created, "updated": result.updated},
                )
                transaction.on_commit(calendar_changed)
        for label, years in (
            (gettext("Added: {years}"), result.created),
            (gettext("Refreshed: {years}"), result.updated),
            (gettext("Already up to date: {years}"), result.unchanged),
            (gettext("Left alone (imported or entered by hand): {years}"), result.skipped),
        ):
            if years:
                self.stdout.write(label.format(years=", ".join(str(year) for year in years)))
        if not (result.created or result.updated):
            self.stdout.write(gettext("Nothing to change."))
