"""What staff work on: drafts, the review queue, re-assessments, versions and late publications.

Lists for a person start from ``permissions.documents_visible_to``; the system's own selectors
(``scheduled_publications_due``, ``reassessments_due``) cover every agency for the periodic jobs
and the office.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import clocks, permissions
from gongkai.catalogue.models import Document, DocumentEvent, DocumentVersion
from gongkai.core.html import html_to_text

State = Document.State

__all__ = [
    "FieldDiff",
    "drafts_of",
    "late_publication_counts",
    "late_publications",
    "reassessments_due",
    "rejected_drafts",
    "scheduled_publications_due",
    "submitted_for_review",
    "version_diff",
    "versions_of",
]


def _working(state: str) -> Q:
    """Documents whose working copy is in ``state`` (amendments included)."""
    return Q(amendment_state=state) | Q(amendment_state="", state=state)


def drafts_of(agency: Agency, *, user: object = None) -> QuerySet[Document]:
    """The agency's drafts and amendment drafts, most recently changed first."""
    documents = (
        permissions.documents_visible_to(user)  # type: ignore[arg-type]
        if user is not None
        else Document.objects.all()
    )
    return (
        documents.filter(_working(State.DRAFT), agency=agency)
        .select_related("agency", "agency__catalogue_settings")
        .order_by("-updated_at", "-pk")
    )


def drafts_with_last_review_step(agency: Agency, *, user: object = None) -> QuerySet[Document]:
    """:func:`drafts_of`, each annotated with ``last_review_step``: the code of its last
    review event (submitted, rejected, approved), None before any."""
    last_event = DocumentEvent.objects.filter(
        document=OuterRef("pk"), code__in=["submitted", "rejected", "approved"]
    ).order_by("-created_at", "-pk")
    return drafts_of(agency, user=user).annotate(
        last_review_step=Subquery(last_event.values("code")[:1])
    )


def rejected_drafts(agency: Agency, *, user: object = None) -> QuerySet[Document]:
    """Drafts whose last review step was a rejection: back with the reviewer's comment."""
    drafts = drafts_with_last_review_step(agency, user=user)
    return drafts.filter(last_review_step="rejected")  # type: ignore[misc]  # the annotation


def submitted_for_review(user: object, agency: Agency | None = None) -> list[Document]:
    """Documents waiting for ``user``'s review, earliest REG 26 due date first.

    A reviewer does not see their own submissions here (they may not approve them).
    """
    documents = (
        permissions.documents_visible_to(user)  # type: ignore[arg-type]
        .filter(_working(State.SUBMITTED))
        .select_related("agency", "agency__catalogue_settings")
    )
    if agency is not None:
        documents = documents.filter(agency=agency)
    pk = getattr(user, "pk", None)
    if pk is not None:
        documents = documents.exclude(submitted_by_id=pk)
    rows = list(documents.order_by("updated_at", "pk")[:500])
    return sorted(
        rows,
        key=lambda d: (
            (due := clocks.publication_due_date(d)) is None,
            due or datetime.date.max,
            d.pk,
        ),
    )


def scheduled_publications_due(*, now: datetime.datetime | None = None) -> QuerySet[Document]:
    """Approved documents and amendments whose scheduled publication time has come."""
    now = now or timezone.now()
    return (
        Document.objects.filter(_working(State.APPROVED), scheduled_for__lte=now)
        .select_related("agency", "agency__catalogue_settings")
        .order_by("scheduled_for", "pk")
    )


def reassessments_due(
    *, today: datetime.date | None = None, agency: Agency | None = None
) -> QuerySet[Document]:
    """Withheld documents due for re-assessment (REG 18), earliest first."""
    today = today or timezone.localdate()
    documents = Document.objects.filter(
        manner=Document.Manner.WITHHELD, reassess_on__lte=today
    ).exclude(state=State.WITHDRAWN)
    if agency is not None:
        documents = documents.filter(agency=agency)
    return documents.select_related("agency").order_by("reassess_on", "pk")


def late_publications(
    agency: Agency, start: datetime.date, end: datetime.date
) -> QuerySet[DocumentVersion]:
    """Versions of ``agency``'s documents published in [start, end] after their REG 26 due date.

    The due date and lateness are recorded on the version when it is published.
    """
    return late_publications_of([agency], start, end)


def late_publications_of(
    agencies: list[Agency], start: datetime.date, end: datetime.date
) -> QuerySet[DocumentVersion]:
    """:func:`late_publications` of several agencies at once (the supervision's scorecards)."""
    return (
        DocumentVersion.objects.filter(
            document__agency__in=agencies,
            published_at__date__gte=start,
            published_at__date__lte=end,
            metadata__late=True,
        )
        .select_related("document")
        .order_by("published_at", "pk")
    )


def late_publication_counts(start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Late publications in [start, end] by agency id (for supervision)."""
    rows = (
        DocumentVersion.objects.filter(
            published_at__date__gte=start, published_at__date__lte=end, metadata__late=True
        )
        .values("document__agency_id")
        .annotate(count=Count("pk"))
    )
    return {row["document__agency_id"]: row["count"] for row in rows}


def versions_of(document: Document) -> QuerySet[DocumentVersion]:
    """The published versions of a document, oldest first."""
    return document.versions.select_related("published_by").order_by("number")


@dataclass(frozen=True)
class FieldDiff:
    """The differences in one field between two versions, as unified-diff lines."""

    field: str
    label: str
    lines: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.lines)


_DIFF_FIELDS = (("title", _("title")), ("summary", _("summary")), ("body", _("body")))


def _field_text(version: DocumentVersion | Document, field: str) -> list[str]:
    value = getattr(version, field) or ""
    text = html_to_text(value) if field == "body" else value
    return text.splitlines()


def version_diff(
    older: DocumentVersion | Document, newer: DocumentVersion | Document
) -> list[FieldDiff]:
    """The differences in title, summary and body text between two versions.

    Either side may be the document itself, to compare the working copy of an amendment with
    the published version.
    """
    diffs = []
    for field, label in _DIFF_FIELDS:
        lines = tuple(
            difflib.unified_diff(
                _field_text(older, field),
                _field_text(newer, field),
                fromfile=str(getattr(older, "number", _("working copy"))),
                tofile=str(getattr(newer, "number", _("working copy"))),
                lineterm="",
            )
        )
        diffs.append(FieldDiff(field=field, label=str(label), lines=lines))
    return diffs
