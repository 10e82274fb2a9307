"""Preparing and publishing the annual report (REG 49–50).

A report is created for a year, a body and a scope in a format (by default the year's). Its
prose starts as drafts written from the year's figures; the office edits each section, every
saved text kept as a revision. :func:`check_report` runs every identity of the tables and
compares the figures the prose quotes with the records; :func:`send_for_publication` refuses
while anything fails, then freezes the content, renders it into a catalogue document of the
reporting body (HTML body, PDF and XLSX attachments) and sends it to the catalogue's
confidentiality review. Approval and publication are the catalogue's: a reviewer who sends the
document back makes the report editable again, and sending it again replaces the document's
text and attachments.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongkai.agencies import selectors as agency_selectors
from gongkai.agencies.models import Agency
from gongkai.catalogue import services as catalogue_services
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors import public as catalogue_selectors
from gongkai.core import audit
from gongkai.core.models import User
from gongkai.reports.annual import permissions
from gongkai.reports.annual.models import AnnualReport, SectionRevision
from gongkai.reports.content import ProseProblem, ReportContent, Table
from gongkai.reports.formats import get_format
from gongkai.reports.formats.base import Subject, check_prose, default_format_key
from gongkai.reports.render import content_for, format_years
from gongkai.reports.tables import Scope, agency_scope, government_scope, tables_three
from gongkai.reports.validation import Failure, validate

FIRST_YEAR = 2008  # the 2007 Regulation took effect on 1 May 2008; its first reports were 2008's
MAX_SECTION_LENGTH = 20_000


class ReportError(Exception):
    """A refused step, with a message for the person who tried it (translated)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ReportPermissionDenied(ReportError):
    pass


class State:
    """Where a report stands, read from its catalogue document (the catalogue owns the
    review): no document or one sent back → draft; in review or approved → in review."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    State.DRAFT: _("draft"),
    State.IN_REVIEW: _("in the catalogue's review"),
    State.PUBLISHED: _("published"),
    State.WITHDRAWN: _("withdrawn"),
}


def state_of(report: AnnualReport) -> str:
    document = report.document
    if document is None or document.state == Document.State.DRAFT:
        return State.DRAFT
    if document.state in (Document.State.SUBMITTED, Document.State.APPROVED):
        return State.IN_REVIEW
    if document.state == Document.State.PUBLISHED:
        return State.PUBLISHED
    return State.WITHDRAWN


def is_editable(report: AnnualReport) -> bool:
    return state_of(report) == State.DRAFT


# --------------------------------------------------------------------------- reading


def scope_of(report: AnnualReport) -> Scope:
    if report.scope == AnnualReport.Scope.GOVERNMENT:
        return government_scope(report.year)
    return agency_scope(report.agency_id, report.year)


def subject_of(report: AnnualReport) -> Subject:
    return Subject(scope=scope_of(report), agency_name=report.agency.name)


def section_texts(report: AnnualReport) -> dict[str, str]:
    """The newest saved text of each section the office has edited."""
    texts: dict[str, str] = {}
    for section, text in report.revisions.order_by("section", "-created_at", "-id").values_list(
        "section", "text"
    ):
        texts.setdefault(section, text)
    return texts


def prose_sections(report: AnnualReport) -> list[tuple[str, str]]:
    """(key, title) of the sections of the report's format that carry prose."""
    return list(get_format(report.format).prose_sections())


def tables_of(report: AnnualReport) -> tuple[Table, ...]:
    """The report's tables as :func:`content_of` has them, without the figures and drafts
    of its prose (the records behind a cell)."""
    with translation.override(settings.LANGUAGE_CODE):
        return get_format(report.format).tables(subject_of(report))


def content_of(report: AnnualReport, *, texts: dict[str, str] | None = None) -> ReportContent:
    """The report as it stands: tables and figures from the records, the office's prose
    (a section never edited shows its draft). The report is a Chinese document whatever the
    interface's language: its notes are rendered in the site's language. ``texts``: the
    report's :func:`section_texts`, when the caller has read them already."""
    if texts is None:
        texts = section_texts(report)
    with translation.override(settings.LANGUAGE_CODE):
        return content_for(scope_of(report), report.agency.name, report.format, texts)


def drafts_of(report: AnnualReport) -> dict[str, str]:
    report_format = get_format(report.format)
    subject = subject_of(report)
    with translation.override(settings.LANGUAGE_CODE):
        return report_format.drafts(subject, report_format.figures(subject))


@dataclass(frozen=True)
class ReportCheck:
    """The result of :func:`check_report`: empty lists when everything holds."""

    failures: list[Failure] = field(default_factory=list)
    prose: list[ProseProblem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures and not self.prose

    @property
    def count(self) -> int:
        return len(self.failures) + len(self.prose)


def check_report(report: AnnualReport, content: ReportContent | None = None) -> ReportCheck:
    """Every identity of tables 三 and 四 (REG 50; last year's 四 = this year's 二) and every
    figure the prose quotes (the format's facts)."""
    from gongkai.reports.tables import annual_tables

    scope = scope_of(report)
    previous = tables_three([scope.previous()])[0] if report.year > FIRST_YEAR else None
    failures = validate(annual_tables(scope), previous=previous)
    content = content or content_of(report)
    prose = check_prose(content, get_format(report.format).facts())
    return ReportCheck(failures=failures, prose=prose)


def content_and_check(
    report: AnnualReport, *, texts: dict[str, str] | None = None
) -> tuple[ReportContent, ReportCheck]:
    """:func:`content_of` and :func:`check_report` together (the report's page): within a
    request, this year's and last year's table 三 come from one read of the applications."""
    scope = scope_of(report)
    if report.year > FIRST_YEAR:
        tables_three([scope, scope.previous()])  # kept for the request
    content = content_of(report, texts=texts)
    return content, check_report(report, content)


# --------------------------------------------------------------------------- changing


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _audit(action: str, report: AnnualReport, actor: User | None, **details: Any) -> None:
    audit.record(
        f"reports.{action}",
        actor=actor,
        obj=report,
        agency_id=report.agency_id,
        details={"year": report.year, "scope": report.scope, **details},
    )


def create_report(
    *,
    agency: Agency,
    year: int,
    scope: str,
    actor: User,
    report_format: str = "",
    now: datetime.datetime | None = None,
) -> AnnualReport:
    """Create a year's report for ``agency`` (its own, or the government's when ``scope`` is
    the government and ``agency`` is the people's government). The format defaults to the
    year's (REGULATION.md §4)."""
    now = _now(now)
    today = timezone.localdate(now)
    if scope not in AnnualReport.Scope.values:
        raise ReportError(_("Choose whose work the report covers."), field="scope")
    if not permissions.can_prepare(actor, agency, scope):
        raise ReportPermissionDenied(
            _(
                "Only the disclosure office, or the agency's editors and head for its own report, "
                "may prepare an annual report."
            )
        )
    if not FIRST_YEAR <= year <= today.year:
        raise ReportError(
            _("A report covers a year from %(first)s to %(last)s.")
            % {"first": FIRST_YEAR, "last": today.year},
            field="year",
        )
    report_format = report_format or default_format_key(year)
    if report_format not in AnnualReport.Format.values:
        raise ReportError(_("Choose one of the report formats."), field="report_format")
    first, last = format_years(report_format, today)
    if not first <= year <= last:
        raise ReportError(
            _("The %(format)s format covers the years from %(first)s to %(last)s.")
            % {"format": AnnualReport.Format(report_format).label, "first": first, "last": last},
            field="report_format",
        )
    if scope == AnnualReport.Scope.GOVERNMENT:
        government = agency_selectors.the_government()
        if government is None or agency.pk != government.pk:
            raise ReportError(
                _("The whole government's report is made in the name of the people's government."),
                field="agency",
            )
        if not government_scope(year).agency_ids:
            raise ReportError(
                _("No agency was a member of the disclosure system in %(year)s.") % {"year": year},
                field="year",
            )
    with transaction.atomic():
        if AnnualReport.objects.filter(year=year, agency=agency, scope=scope).exists():
            raise ReportError(
                _("%(agency)s already has a report for %(year)s.")
                % {"agency": agency.name, "year": year},
                field="year",
            )
        report = AnnualReport.objects.create(
            year=year,
            agency=agency,
            scope=scope,
            format=report_format,
            created_by=actor,
            created_at=now,
        )
        _audit("create_report", report, actor, format=report_format)
    return report


def _normalise(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def save_section(
    report: AnnualReport,
    *,
    section: str,
    text: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> SectionRevision | None:
    """Save the office's text of a prose section as a new revision (None when the text is
    the section's current text: nothing to keep)."""
    now = _now(now)
    if not permissions.can_prepare_report(actor, report):
        raise ReportPermissionDenied(_("You may not edit this report."))
    if not is_editable(report):
        raise ReportError(
            _(
                "The report is in the catalogue's review or published: its text can no longer "
                "be changed here."
            )
        )
    keys = {key for key, _title in prose_sections(report)}
    if section not in keys:
        raise ReportError(_("This section of the report has no text to edit."), field="section")
    text = _normalise(text)
    if len(text) > MAX_SECTION_LENGTH:
        raise ReportError(
            _("A section may have at most %(limit)s characters.") % {"limit": MAX_SECTION_LENGTH},
            field="text",
        )
    with transaction.atomic():
        AnnualReport.objects.select_for_update().get(pk=report.pk)
        current = section_texts(report).get(section)
        if current is None:
            current = drafts_of(report).get(section, "")
        if text == current:
            return None
        revision = SectionRevision.objects.create(
            report=report, section=section, text=text, author=actor, created_at=now
        )
        _audit("save_section", report, actor, section=section, revision=revision.pk)
    return revision


def _attachment(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _files(report: AnnualReport, content: ReportContent) -> list[SimpleUploadedFile]:
    """The PDF of the whole report and the XLSX of its tables, for the public page."""
    from gongkai.reports.render import pdf
    from gongkai.reports.render.data import content_to_xlsx

    base = f"{report.agency.name}{report.year}年政府信息公开工作年度报告"
    return [
        _attachment(f"{base}.pdf", pdf.render_pdf(content), "application/pdf"),
        _attachment(
            f"{base}（统计表）.xlsx",
            content_to_xlsx(content),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ]


def _document_fields(content: ReportContent, today: datetime.date) -> dict[str, Any]:
    from gongkai.reports.render.html import render_html

    classification = catalogue_selectors.annual_report_classification()
    return {
        "title": content.title,
        "summary": _(
            "The annual report on government information disclosure for %(year)s, generated "
            "from the platform's records."
        )
        % {"year": content.year},
        "body": render_html(content),
        "formation_date": today,
        "statutory_item": classification.statutory_item,
        "topic": classification.topic,
        "genre": classification.genre,
        "columns": classification.columns,
    }


def send_for_publication(
    report: AnnualReport, *, actor: User, now: datetime.datetime | None = None
) -> Document:
    """Freeze the report and send it, as a catalogue document, to the confidentiality review
    (REG 17). Refused while the year is not over, while any check fails, or when ``actor`` is
    not an editor of the reporting body (the catalogue's rule)."""
    from gongkai.reports.render.data import content_to_json

    now = _now(now)
    today = timezone.localdate(now)
    if not permissions.can_send_for_publication(actor, report):
        raise ReportPermissionDenied(
            _("Only an editor of %(agency)s may send its report for publication.")
            % {"agency": report.agency.name}
        )
    if not is_editable(report):
        raise ReportError(_("The report is already in the catalogue's review or published."))
    if today <= datetime.date(report.year, 12, 31):
        raise ReportError(
            _("The %(year)s report can be published once the year is over.") % {"year": report.year}
        )
    content = content_of(report)
    check = check_report(report, content)
    if not check.passed:
        raise ReportError(
            _("The report fails %(count)s checks: correct them before publishing.")
            % {"count": check.count}
        )
    with translation.override(settings.LANGUAGE_CODE):
        fields = _document_fields(content, today)
        files = _files(report, content)
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        document = report.document
        if document is None:
            document = catalogue_services.create_document(
                agency=report.agency,
                actor=actor,
                kind=Document.Kind.DOCUMENT,
                now=now,
                **fields,
            )
        else:
            catalogue_services.update_document(document, actor=actor, now=now, **fields)
            for attachment in list(document.attachments.all()):
                catalogue_services.remove_attachment(attachment, actor=actor, now=now)
        for uploaded in files:
            catalogue_services.add_attachment(
                document, actor=actor, uploaded_file=uploaded, now=now
            )
        catalogue_services.submit_document(document, actor=actor, now=now)
        report.document = document
        report.snapshot = json.loads(content_to_json(content))
        report.submitted_at = now
        report.save(update_fields=["document", "snapshot", "submitted_at"])
        _audit("send_for_publication", report, actor, document=document.pk)
    return document
