"""``manage.py backup FOLDER``: a consistent backup of the database and the uploaded files,
with a manifest of every table's row count and checksum (see ``gongkai.core.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from gongkai.core import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder, with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="A new (or empty) folder to write the backup into.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            manifest = backup.backup(folder)
        except backup.BackupError as error:
            raise CommandError(
                gettext("No backup was made: %(reason)s") % {"reason": error}
            ) from error
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        self.stdout.write(
            gettext(
                "Backed up %(tables)d tables (%(rows)d rows) and %(files)d files to %(folder)s."
            )
            % {
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": manifest["media_files"],
                "folder": folder,
            }
        )
