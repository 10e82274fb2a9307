"""``manage.py search_status``: check the search index now and say whether it is usable.

Exits with status 1 while the index is missing or stale (search then answers from a slower
database query, ``search.fallback``), so that cron or a monitoring system can warn; the check
also refreshes the office's workbench banner.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.search.status import index_status


class Command(BaseCommand):
    help = "Check the search index against the published records (exit status 1 when not ok)."

    def handle(self, *args: Any, **options: Any) -> None:
        status = index_status(fresh=True)
        if status.ok:
            self.stdout.write("search index ok")
            return
        for problem in status.problems:
            self.stdout.write(f"{problem.state}: {problem.code} ({problem.detail})")
        raise CommandError(f"{status.summary()}; rebuild it with manage.py rebuild_index")
