"""``manage.py restore FOLDER --yes``: put a backup made by ``manage.py backup`` back, then
verify every table's row count and checksum against its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from gongkai.core import backup


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with a backup, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="The backup's folder.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm that the current database is to be replaced.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not options["yes"]:
            raise CommandError(
                gettext("Restoring replaces the whole database: run again with --yes to confirm.")
            )
        try:
            differences = backup.restore(folder)
        except backup.BackupError as error:
            raise CommandError(
                gettext("Nothing was restored: %(reason)s") % {"reason": error}
            ) from error
        if differences:
            for difference in differences:
                self.stderr.write(
                    gettext("Table %(table)s differs from the backup's manifest.")
                    % {"table": difference.table}
                )
            raise CommandError(gettext("The restored database does not match the backup."))
        self.stdout.write(
            gettext("Restored from %(folder)s; every table's rows and checksum verified.")
            % {"folder": folder}
        )
