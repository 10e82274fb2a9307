"""``manage.py run_survey_jobs``: record as closed the surveys whose closing time has passed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gongkai.interaction.surveys.tasks import close_due_surveys


class Command(BaseCommand):
    help = "Close the surveys whose closing time has passed (repeat-safe)."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_due_surveys()
        self.stdout.write(_("Surveys closed: %(count)d.") % {"count": closed})
