"""``manage.py annual_report``: write one year's annual report to a file (REG 50, issue 8).

``--year Y --agency CODE|all [--format fmt2021|fmt2019|seed2014] --output FILE``: the format
is the year's unless chosen; the file's suffix chooses the writer — ``.html`` (a standalone
document), ``.docx``, ``.pdf``, ``.xlsx`` or ``.json``. The report is built by
:func:`gongkai.reports.render.content_for` with the format's drafts as prose. For the national
format, ``.json`` and ``.xlsx`` are its canonical tables export (``gongkai.reports.exports``,
with the validation failures in the file); for the other formats, the content's data files
(``gongkai.reports.render.data``).

Validation failures of the tables and figures the prose misquotes are printed as warnings and
the file is still written: the report is a draft until it is published. Anything that makes
the file impossible (an unknown format, suffix, agency or folder, a year the format does not
cover, a missing PDF font) is a translated ``CommandError`` and no file is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.agencies import selectors as agency_selectors
from gongkai.reports.content import ReportContent
from gongkai.reports.exports import ALL, tables_to_json, tables_to_xlsx
from gongkai.reports.formats import get_format
from gongkai.reports.formats.base import check_prose, default_format_key
from gongkai.reports.render import RenderError, content_for, format_years
from gongkai.reports.tables import Scope, agency_scope, annual_tables, government_scope
from gongkai.reports.validation import validate

FORMAT_KEYS = ("fmt2021", "fmt2019", "seed2014")
TABLES_FORMAT = "fmt2021"  # the format whose .json/.xlsx are exports.tables_to_json/xlsx


def _html(content: ReportContent) -> bytes:
    from gongkai.reports.render.html import render_html

    return render_html(content, standalone=True).encode("utf-8")


def _docx(content: ReportContent) -> bytes:
    from gongkai.reports.render.docx import render_docx

    return render_docx(content)


def _pdf(content: ReportContent) -> bytes:
    from gongkai.reports.render.pdf import render_pdf

    return render_pdf(content)


def _xlsx(content: ReportContent) -> bytes:
    from gongkai.reports.render.data import content_to_xlsx

    return content_to_xlsx(content)


def _json(content: ReportContent) -> bytes:
    from gongkai.reports.render.data import content_to_json

    return content_to_json(content).encode("utf-8")


WRITERS: dict[str, Callable[[ReportContent], bytes]] = {
    ".html": _html,
    ".docx": _docx,
    ".pdf": _pdf,
    ".xlsx": _xlsx,
    ".json": _json,
}


def government_name() -> str:
    """The name the whole government's report is made in: the site identity's government,
    else the site's name."""
    identity = agency_selectors.site_identity()
    government = identity.government
    return government.name if government is not None else identity.site_name


class Command(BaseCommand):
    help = (
        "Write the annual report for a year and an agency (by organisation code) or the whole "
        "government ('all'); the output file's suffix (.html, .docx, .pdf, .xlsx, .json) "
        "chooses the writer."
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
        parser.add_argument(
            "--output", required=True, help="The file to write (.html, .docx, .pdf, .xlsx, .json)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        output = Path(options["output"])
        format_key: str = options["report_format"] or default_format_key(year)
        suffix = output.suffix.lower()
        try:
            report_format = get_format(format_key)
        except KeyError:
            raise CommandError(
                gettext("Unknown format %(format)s: choose one of %(formats)s.")
                % {"format": format_key, "formats": ", ".join(FORMAT_KEYS)}
            ) from None
        if suffix not in WRITERS:
            raise CommandError(
                gettext(
                    "Unknown file type %(suffix)s: the output's suffix must be one of %(suffixes)s."
                )
                % {"suffix": suffix or "''", "suffixes": ", ".join(WRITERS)}
            )
        first, last = format_years(format_key, timezone.localdate())
        if not first <= year <= last:
            raise CommandError(
                gettext(
                    "The %(format)s format covers the years from %(first)s to %(last)s, "
                    "not %(year)s."
                )
                % {"format": format_key, "first": first, "last": last, "year": year}
            )
        scope, scope_code, agency_name = self._scope(options["agency"].strip(), year)
        if not output.parent.is_dir():
            raise CommandError(
                gettext("The folder %(folder)s does not exist.") % {"folder": output.parent}
            )

        if format_key == TABLES_FORMAT and suffix in {".json", ".xlsx"}:
            tables = annual_tables(scope)
            failures = validate(tables)
            self._warn([str(failure) for failure in failures])
            # The government's export names no agency: its scope is "all".
            name = None if scope_code == ALL else agency_name
            if suffix == ".json":
                text = tables_to_json(tables, scope=scope_code, agency_name=name, failures=failures)
                data = text.encode("utf-8")
            else:
                data = tables_to_xlsx(tables, scope=scope_code, agency_name=name, failures=failures)
        else:
            content = content_for(scope, agency_name, format_key, prose={})
            problems = check_prose(content, report_format.facts())
            self._warn(
                [
                    gettext(
                        "Section %(section)s gives %(found)s for %(label)s; the records give "
                        "%(expected)s."
                    )
                    % {
                        "section": problem.section,
                        "found": problem.found,
                        "label": problem.label,
                        "expected": problem.expected,
                    }
                    for problem in problems
                ]
            )
            if format_key == TABLES_FORMAT:
                self._warn([str(failure) for failure in validate(annual_tables(scope))])
            try:
                data = WRITERS[suffix](content)
            except RenderError as error:
                raise CommandError(str(error)) from None
        output.write_bytes(data)
        self.stdout.write(gettext("Wrote %(file)s.") % {"file": output})

    def _scope(self, code: str, year: int) -> tuple[Scope, str, str]:
        """Whose report: (the scope, its code for the tables export, the reporting body's
        name) for an organisation code or ``all``."""
        if code.lower() == ALL:
            scope = government_scope(year)
            if not scope.agency_ids:
                raise CommandError(
                    gettext("No agency was a member of the disclosure system in %(year)s.")
                    % {"year": year}
                )
            return scope, ALL, government_name()
        agency = agency_selectors.agency_by_org_code(code)
        if agency is None:
            raise CommandError(
                gettext("No agency has the organisation code %(code)s.") % {"code": code}
            )
        return agency_scope(agency.pk, year), agency.org_code, agency.name

    def _warn(self, messages: list[str]) -> None:
        for message in messages:
            self.stderr.write(self.style.WARNING(gettext("Warning: %s") % message))
