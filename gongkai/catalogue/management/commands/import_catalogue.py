"""``manage.py import_catalogue FILE [--attachments ZIP] [--dry-run] --actor USERNAME``.

Migrates a catalogue from an earlier system through :func:`gongkai.catalogue.bulk_import.
import_catalogue`: every row is checked first and every problem printed with its row number;
nothing is written while any row has a problem, and ``--dry-run`` only checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongkai.catalogue.bulk_import import import_catalogue
from gongkai.catalogue.workflow import CatalogueError
from gongkai.core.models import User


class Command(BaseCommand):
    help = (
        "Import a catalogue from an earlier system: XLSX or CSV metadata and a ZIP of "
        "attachments, keeping the legacy index numbers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The metadata file (XLSX or CSV).")
        parser.add_argument("--attachments", help="The ZIP archive of the attachments.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and write nothing."
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="Username of the office member or administrator doing the import.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user “%(name)s”.") % {"name": options["actor"]})
        source = Path(options["file"])
        archive = Path(options["attachments"]) if options["attachments"] else None
        for path in (source, archive):
            if path is not None and not path.is_file():
                raise CommandError(_("The file %(path)s does not exist.") % {"path": path})
        try:
            report = import_catalogue(
                source, actor=actor, attachments=archive, dry_run=options["dry_run"]
            )
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        if report.ignored_columns:
            self.stdout.write(
                _("Columns ignored: %(columns)s") % {"columns": ", ".join(report.ignored_columns)}
            )
        for problem in report.problems:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(
                _("%(problems)d problems in %(rows)d rows: nothing was imported.")
                % {"problems": len(report.problems), "rows": report.rows}
            )
        rate = report.rows / report.seconds if report.seconds else 0.0
        if report.dry_run:
            message = _(
                "Dry run: %(rows)d rows and %(attachments)d attachments are valid; nothing was "
                "written."
            ) % {"rows": report.rows, "attachments": report.attachments}
        else:
            message = _(
                "Imported %(documents)d documents and %(attachments)d attachments in "
                "%(seconds).1f s (%(rate)d documents a second)."
            ) % {
                "documents": report.documents,
                "attachments": report.attachments,
                "seconds": report.seconds,
                "rate": rate,
            }
        self.stdout.write(self.style.SUCCESS(message))
