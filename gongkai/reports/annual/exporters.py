"""The annual report's Word and PDF files as a queued job (decision 0041): ``reports.annual``,
what the report page's DOCX and PDF links built in the request before, in the workbench's
"My exports".

Writing them is the costly part of a download (the Word file about 1.6 s of CPU on the
demonstration, the PDF 0.5 s, the HTML, XLSX and JSON a few hundredths: docs/performance.md),
so only these two are queued; the others stay direct downloads. The published report's PDF
and XLSX are built once when it is sent for publication and stored as the catalogue
document's attachments: the public download of those is a file read and is not touched.

Parameters: ``report`` (its id) and ``format`` (``docx`` or ``pdf``). Allowed to whoever may
read the report in the workbench (``permissions.reports_visible_to``: the office, the
agency's editors and head) while they hold the role. Like the page's download, the file is
the report as it stands (from the records and the office's prose), in the site's language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from gongkai.agencies.permissions import has_role
from gongkai.core.exports import ExportError, ExportFile, ExportRefused, register_exporter
from gongkai.core.models import User
from gongkai.reports.annual import permissions, services
from gongkai.reports.annual.models import AnnualReport
from gongkai.reports.content import ReportContent
from gongkai.reports.render import RenderError

KIND = "reports.annual"
FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "pdf": ("application/pdf", ".pdf"),
}


def _writer(extension: str) -> Callable[[ReportContent], bytes]:
    from gongkai.reports.render import docx, pdf

    return docx.render_docx if extension == "docx" else pdf.render_pdf


def _report(user: User, parameters: dict[str, str]) -> tuple[AnnualReport, str]:
    extension = parameters.get("format", "")
    if extension not in FORMATS:
        raise ExportError(_("Choose the DOCX or the PDF format."))
    value = parameters.get("report", "")
    if not (value.isascii() and value.isdigit()):
        raise ExportError(_("There is no such report."))
    refused = _("You may not download this report.")
    if not has_role(user, None):
        raise ExportRefused(refused)
    report = permissions.reports_visible_to(user).filter(pk=int(value)).first()
    if report is None:
        raise ExportRefused(refused)
    return report, extension


def check(user: User, parameters: dict[str, str]) -> str:
    report, extension = _report(user, parameters)
    return _("Annual report %(year)s of %(agency)s (%(format)s)") % {
        "year": report.year,
        "agency": report.agency.name,
        "format": extension.upper(),
    }


def build(user: User, parameters: dict[str, str]) -> ExportFile:
    report, extension = _report(user, parameters)
    content = services.content_of(report)
    try:
        # The report is a Chinese document whatever the asker's language, as the page's
        # download wrote it.
        with translation.override(settings.LANGUAGE_CODE):
            payload = _writer(extension)(content)
    except RenderError as error:
        raise ExportError(str(error)) from None
    content_type, suffix = FORMATS[extension]
    return ExportFile(
        filename=f"{content.title}{suffix}", content_type=content_type, content=payload
    )


def register() -> None:
    register_exporter(KIND, parameters=("report", "format"), check=check, build=build)
