"""``manage.py rebuild_index [--agency SLUG]``: index everything public again, from the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.search.indexing import rebuild_index

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the search index from the published documents and list records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", help="only this agency's objects (its slug)")
        parser.add_argument(
            "--workers",
            type=int,
            help="processes cutting text in a large full rebuild (default: one per CPU)",
        )

    def handle(
        self,
        *args: Any,
        agency: str | None = None,
        workers: int | None = None,
        **options: Any,
    ) -> None:
        stream = self.stderr

        def progress(done: int, total: int) -> None:
            if total and (done == total or done % 500 == 0 or total < 5_000):
                filled = BAR_WIDTH * done // total
                bar = "#" * filled + "-" * (BAR_WIDTH - filled)
                stream.write(f"\r[{bar}] {done}/{total}", ending="")
                stream.flush()

        total = rebuild_index(agency=agency, progress=progress, workers=workers)
        if total:
            stream.write("")
        self.stdout.write(f"Indexed {total} objects.")
