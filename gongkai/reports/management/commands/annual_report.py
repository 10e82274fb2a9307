"""``manage.py annual_report``: write one year's annual report tables to a file (REG 50).

The file's suffix chooses the writer. For now the tables of the national format (fmt2021) are
written as ``.json`` or ``.xlsx``; the other formats and suffixes (HTML, DOCX, PDF; the 2019
trial format and the seed's 2014 structure) are refused with a clear message. Validation
failures are printed as warnings and the file is still written: the report is a draft until
it is published, and the failures are in the file too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.agencies import selectors as agency_selectors
from gongkai.reports.exports import ALL, FORMAT, tables_to_json, tables_to_xlsx
from gongkai.reports.tables import agency_scope, annual_tables, government_scope
from gongkai.reports.validation import validate

FORMATS = ("fmt2021", "fmt2019", "seed2014")
SUFFIXES = (".html", ".docx", ".pdf", ".xlsx", ".json")
WRITERS = {".json": "json", ".xlsx": "xlsx"}
FIRST_FMT2021_YEAR = 2021  # 国办公开办函〔2021〕30号 applies from the 2021 reports


class Command(BaseCommand):
    help = (
        "Write the annual report's tables for a year and an agency (by organisation code) or "
        "the whole government ('all'); the output file's suffix chooses the writer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The report's year.")
        parser.add_argument(
            "--agency",
            required=True,
            help="The agency's organisation code, or 'all' for the whole government.",
        )
        parser.add_argument(
            "--format",
            dest="report_format",
            default=None,
            help="fmt2021, fmt2019 or seed2014; by default the year's format.",
        )
        parser.add_argument("--output", required=True, help="The file to write (.json or .xlsx).")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        output = Path(options["output"])
        report_format = options["report_format"] or (
            FORMAT if year >= FIRST_FMT2021_YEAR else "fmt2019"
        )
        suffix = output.suffix.lower()
        if report_format not in FORMATS:
            raise CommandError(
                gettext("Unknown format %(format)s: choose one of %(formats)s.")
                % {"format": report_format, "formats": ", ".join(FORMATS)}
            )
        if report_format != FORMAT:
            raise CommandError(
                gettext("Not available yet: the %(format)s format.") % {"format": report_format}
            )
        if suffix not in WRITERS:
            if suffix in SUFFIXES:
                message = gettext("Not available yet: %(suffix)s files.") % {"suffix": suffix}
            else:
                message = gettext(
                    "Unknown file type %(suffix)s: the output's suffix must be one of %(suffixes)s."
                ) % {"suffix": suffix or "''", "suffixes": ", ".join(WRITERS)}
            raise CommandError(message)
        today = timezone.localdate()
        if year < FIRST_FMT2021_YEAR or year > today.year:
            raise CommandError(
                gettext(
                    "The %(format)s format covers the years from %(first)s to %(last)s, "
                    "not %(year)s."
                )
                % {"format": FORMAT, "first": FIRST_FMT2021_YEAR, "last": today.year, "year": year}
            )
        code = options["agency"].strip()
        if code.lower() == ALL:
            scope = government_scope(year)
            scope_code, agency_name = ALL, None
            if not scope.agency_ids:
                raise CommandError(
                    gettext("No agency was a member of the disclosure system in %(year)s.")
                    % {"year": year}
                )
        else:
            agency = agency_selectors.agency_by_org_code(code)
            if agency is None:
                raise CommandError(
                    gettext("No agency has the organisation code %(code)s.") % {"code": code}
                )
            scope = agency_scope(agency.pk, year)
            scope_code, agency_name = agency.org_code, agency.name
        if not output.parent.is_dir():
            raise CommandError(
                gettext("The folder %(folder)s does not exist.") % {"folder": output.parent}
            )

        tables = annual_tables(scope)
        failures = validate(tables)
        for failure in failures:
            self.stderr.write(self.style.WARNING(gettext("Warning: %s") % failure))
        if WRITERS[suffix] == "json":
            text = tables_to_json(
                tables, scope=scope_code, agency_name=agency_name, failures=failures
            )
            output.write_text(text, encoding="utf-8")
        else:
            data = tables_to_xlsx(
                tables, scope=scope_code, agency_name=agency_name, failures=failures
            )
            output.write_bytes(data)
        self.stdout.write(gettext("Wrote %(file)s.") % {"file": output})
