"""``manage.py load_demo``: the demonstration district with its staff sign-ins.

Runs each capability's loader in order inside one transaction: all of it or nothing. Loaders
match existing records, so running the command again changes nothing. Refused unless
``settings.DEMO_MODE`` is on, because the sign-ins have published passwords.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gongkai.agencies.demo import sign_ins

# Each entry is ``load(stdout)``; a capability adds its loader after those it builds on. The
# government's annual reports come before the monthly tables and the assessment, which count
# what was published when: the 2024 report is published in 2025, and the 2025 figures frozen
# at their publication must count it, as a recount of the records does.
DEMO_LOADERS = [
    "gongkai.agencies.demo.load",
    "gongkai.catalogue.demo.load",
    "gongkai.info_requests.demo.load",
    "gongkai.interaction.demo.load",
    "gongkai.supervision.plans.demo.load",
    "gongkai.reports.annual.demo.load",
    "gongkai.supervision.monthly.demo.load",
    "gongkai.supervision.assessment.demo.load",
    "gongkai.reports.statistics.demo.load",
    "gongkai.search.demo.load",
]


class Command(BaseCommand):
    help = "Load the demonstration district (张店区, 2014) and its staff sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                _("Demonstration data can only be loaded in demo mode (GONGKAI_DEMO=1).")
            )
        # The loaders run some 180,000 queries; with DEBUG on (development) each would also be
        # timed and kept in connection.queries, which costs seconds and memory for nothing.
        with override_settings(DEBUG=False), transaction.atomic():
            for path in DEMO_LOADERS:
                import_string(path)(self.stdout)
        self.stdout.write(self.style.SUCCESS(_("Demonstration data loaded. Sign in with:")))
        for sign_in in sign_ins():
            roles = "; ".join(f"{role} @ {agency}" for role, agency in sign_in.roles)
            self.stdout.write(f"  {sign_in.username:<16} {sign_in.password}  {roles}")
