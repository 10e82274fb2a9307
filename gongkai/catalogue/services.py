"""Every change to a catalogue document: one function per action.

Each service checks the actor's permission (``catalogue.permissions``), runs in one
transaction, moves the state only through ``catalogue.workflow.transition``, and writes a
``DocumentEvent`` and an audit entry. A refused action raises :class:`CatalogueError` (or its
:class:`CataloguePermissionDenied`) and changes nothing. ``now``/``today`` are injectable for
tests. Services lock the document row and refresh the instance they were given, so the caller's
object shows the result; they also return it.

The path of a document (REG 17, review before publishing)::

    create_document → [update_document, add_attachment, remove_attachment]* → submit_document
      → approve_document (publishes at once, or later by publish_due_documents) | reject_document
    published → start_amendment → … → approve_document → version n + 1
    published → withdraw_document (final) | set_validity / repeal_document
    withheld → reassess_withheld (REG 18)
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import has_role
from gongkai.catalogue import permissions, screening, workflow
from gongkai.catalogue.attachments import inspect_upload
from gongkai.catalogue.clocks import catalogue_settings_for, publication_clock
from gongkai.catalogue.docnumbers import DocumentNumberError, doc_number_key, normalize_doc_number
from gongkai.catalogue.models import (
    Attachment,
    Column,
    Document,
    DocumentEvent,
    DocumentRelation,
    DocumentVersion,
    Genre,
    NormativeRegistration,
    ScreeningFinding,
    StatutoryItem,
    Topic,
)
from gongkai.catalogue.workflow import CatalogueError, CataloguePermissionDenied, WorkflowError
from gongkai.core import audit
from gongkai.core.html import sanitize_html
from gongkai.core.jobs import enqueue_at
from gongkai.core.models import User
from gongkai.core.numbering import NumberingError, allocate_number

__all__ = [
    "CatalogueError",
    "CataloguePermissionDenied",
    "ScreeningBlocked",
    "WorkflowError",
    "add_attachment",
    "approve_document",
    "create_document",
    "flag_missing_interpretation",
    "link_interpretation",
    "mark_reassessment_due",
    "publish_document",
    "publish_due_documents",
    "reassess_withheld",
    "reject_document",
    "remove_attachment",
    "repeal_document",
    "set_validity",
    "start_amendment",
    "submit_document",
    "update_document",
    "withdraw_document",
]

logger = logging.getLogger(__name__)

State = Document.State
Role = StaffRole.Role

# The working-copy fields an editor sets in create_document and update_document.
EDITABLE_FIELDS: frozenset[str] = frozenset(
    {
        "title", "summary", "body", "formation_date", "changed_date", "doc_number",
        "statutory_item", "topic", "genre", "keywords", "effective_date", "manner",
        "manner_reason", "source", "is_normative", "needs_interpretation",
        "interpretation_format", "video_url", "columns", "co_issuers",
    }
)  # fmt: skip
_MANY_TO_MANY = frozenset({"columns", "co_issuers"})
# Snapshot of a published version beyond title, summary and body.
_VERSION_METADATA = (
    "index_number", "doc_number", "formation_date", "changed_date", "effective_date",
    "keywords", "source", "validity", "manner",
)  # fmt: skip


class ScreeningBlocked(CatalogueError):
    """Approval refused by the screening; ``findings`` are the hits that block it."""

    def __init__(self, message: str, *, findings: list[ScreeningFinding]) -> None:
        super().__init__(message)
        self.findings = findings


# --- Helpers -------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lock(document: Document) -> Document:
    """Lock the document's row for this transaction and refresh the instance from it."""
    if document.pk is None:
        raise CatalogueError(_("The document has not been saved."))
    Document.objects.select_for_update().filter(pk=document.pk).values_list("pk").first()
    document.refresh_from_db()
    return document


def _require(allowed: bool, actor: User | None, document: Document, target: str | None) -> None:
    """Refuse with the clearer error: a wrong state to those who may see it, else denied."""
    if allowed:
        return
    if (
        target is not None
        and not workflow.can_transition(document, target)
        and permissions.can_view_document_staff(actor, document)
    ):
        raise WorkflowError(
            _("This is not possible while the document is “%(state)s”.")
            % {"state": State(document.working_state).label}
        )
    raise CataloguePermissionDenied(_("You may not do this to this document."))


def _event(
    document: Document,
    code: str,
    *,
    actor: User | None,
    now: datetime.datetime,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> DocumentEvent:
    return DocumentEvent.objects.create(
        document=document,
        code=code,
        actor=actor,
        created_at=now,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def _audit(action: str, actor: User | None, document: Document, **details: Any) -> None:
    audit.record(
        f"catalogue.{action}",
        actor=actor,
        obj=document,
        agency_id=document.agency_id,
        details=details,
    )


def _save_state(document: Document, *extra: str) -> None:
    document.save(update_fields=["state", "amendment_state", "updated_at", *extra])


def _validation_to_error(error: ValidationError) -> CatalogueError:
    if hasattr(error, "error_dict"):
        field, errors = next(iter(error.error_dict.items()))
        return CatalogueError(" ".join(next(iter(errors)).messages), field=field)
    return CatalogueError(" ".join(error.messages))


def _apply_fields(
    document: Document, fields: Mapping[str, Any], *, today: datetime.date
) -> dict[str, Any]:
    """Set the working-copy fields on ``document`` (not saved); returns the many-to-many ones.

    Cleans what an editor typed: the body is sanitised, the 文号 normalised, a withheld
    document needs its reason and gets its re-assessment date (REG 18).
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"Not an editable document field: {', '.join(sorted(unknown))}")
    related: dict[str, Any] = {}
    manner_before = document.manner
    for name, value in fields.items():
        if name in _MANY_TO_MANY:
            related[name] = list(value or [])
        elif name in ("title", "summary", "keywords", "source", "manner_reason", "video_url"):
            setattr(document, name, (value or "").strip())
        elif name == "body":
            document.body = sanitize_html(value or "")
        elif name == "doc_number":
            try:
                document.doc_number = normalize_doc_number(value or "", today=today)
            except DocumentNumberError as error:
                raise CatalogueError(error.message, field="doc_number") from error
            document.doc_number_key = doc_number_key(document.doc_number)
        else:
            setattr(document, name, value)
    _check_fields(document, manner_before=manner_before, today=today)
    return related


def _check_fields(document: Document, *, manner_before: str, today: datetime.date) -> None:
    if not document.title:
        raise CatalogueError(_("Enter the title."), field="title")
    if document.is_normative and not document.doc_number:
        raise CatalogueError(
            _("A normative document needs its document number (文号)."), field="doc_number"
        )
    if (
        document.formation_date
        and document.changed_date
        and document.changed_date < document.formation_date
    ):
        raise CatalogueError(
            _("The date of change cannot be before the formation date."), field="changed_date"
        )
    if document.kind == Document.Kind.INTERPRETATION:
        if not document.interpretation_format:
            document.interpretation_format = Document.InterpretationFormat.TEXT
        if (
            document.interpretation_format == Document.InterpretationFormat.VIDEO
            and not document.video_url
        ):
            raise CatalogueError(
                _("A video interpretation needs the address of its video."), field="video_url"
            )
    elif document.interpretation_format:
        document.interpretation_format = ""
    if document.manner == Document.Manner.WITHHELD:
        if not document.manner_reason:
            raise CatalogueError(
                _("Give the reason why the document is not disclosed."), field="manner_reason"
            )
        if manner_before != Document.Manner.WITHHELD or document.reassess_on is None:
            months = catalogue_settings_for(document).reassess_months
            document.reassess_on = _add_months(today, months)
    else:
        document.reassess_on = None
    try:
        document.full_clean(exclude=["agency", "created_by", "submitted_by", "index_number"])
    except ValidationError as error:
        raise _validation_to_error(error) from error


def _set_related(document: Document, related: dict[str, Any]) -> None:
    if "columns" in related:
        document.columns.set(related["columns"])
    if "co_issuers" in related:
        document.co_issuers.set([a for a in related["co_issuers"] if a.pk != document.agency_id])


# --- Drafts --------------------------------------------------------------------------------


def create_document(
    *,
    agency: Agency,
    actor: User,
    kind: str,
    title: str,
    summary: str = "",
    body: str = "",
    formation_date: datetime.date | None = None,
    changed_date: datetime.date | None = None,
    doc_number: str = "",
    statutory_item: StatutoryItem | None = None,
    topic: Topic | None = None,
    genre: Genre | None = None,
    keywords: str = "",
    columns: Iterable[Column] = (),
    co_issuers: Iterable[Agency] = (),
    effective_date: datetime.date | None = None,
    manner: str = Document.Manner.PROACTIVE,
    manner_reason: str = "",
    source: str = "",
    is_normative: bool = False,
    needs_interpretation: bool = False,
    interpretation_format: str = "",
    video_url: str = "",
    now: datetime.datetime | None = None,
) -> Document:
    """Make a draft for ``agency`` (its editors only).

    The disclosure manner is decided here (源头认定): a withheld document needs its reason and
    comes back for re-assessment after the agency's interval (REG 18). News items and
    interpretations need no 文号; a normative document does.
    """
    now = _now(now)
    if not permissions.can_create_document(actor, agency):
        raise CataloguePermissionDenied(_("Only the agency's editors may make its documents."))
    if kind not in Document.Kind.values:
        raise CatalogueError(_("Choose the kind of document."), field="kind")
    fields = {
        "title": title, "summary": summary, "body": body, "formation_date": formation_date,
        "changed_date": changed_date, "doc_number": doc_number, "statutory_item": statutory_item,
        "topic": topic, "genre": genre, "keywords": keywords, "columns": columns,
        "co_issuers": co_issuers, "effective_date": effective_date, "manner": manner,
        "manner_reason": manner_reason, "source": source, "is_normative": is_normative,
        "needs_interpretation": needs_interpretation,
        "interpretation_format": interpretation_format, "video_url": video_url,
    }  # fmt: skip
    with transaction.atomic():
        document = Document(agency=agency, kind=kind, state=State.DRAFT, created_by=actor)
        document.manner = ""  # so that a withheld manner counts as newly set
        related = _apply_fields(document, fields, today=timezone.localdate(now))
        document.save()
        _set_related(document, related)
        _event(document, "created", actor=actor, now=now, to_state=State.DRAFT)
        _audit("create_document", actor, document, kind=kind)
    return document


def update_document(
    document: Document, *, actor: User, now: datetime.datetime | None = None, **fields: Any
) -> Document:
    """Change the working copy of a draft (an amendment's too): the agency's editors.

    ``fields`` are any of :data:`EDITABLE_FIELDS`; the event lists the names that changed.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_edit_document(actor, document), actor, document, State.SUBMITTED)
        before = {name: getattr(document, name) for name in fields if name not in _MANY_TO_MANY}
        related = _apply_fields(document, fields, today=timezone.localdate(now))
        document.save()
        _set_related(document, related)
        changed = sorted(
            [name for name, value in before.items() if getattr(document, name) != value]
            + list(related)
        )
        _event(document, "updated", actor=actor, now=now, data={"fields": changed})
        _audit("update_document", actor, document, fields=changed)
    return document


def add_attachment(
    document: Document,
    *,
    actor: User,
    uploaded_file: UploadedFile,
    now: datetime.datetime | None = None,
) -> Attachment:
    """Attach a file to a draft; its type is read from the content (see ``attachments``).

    During an amendment the file becomes public only with the amendment.
    """
    now = _now(now)
    # Checked (and scanned, when ClamAV is configured) before the transaction: no lock is held
    # while a large file is read.
    inspected = inspect_upload(uploaded_file)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_edit_document(actor, document), actor, document, State.SUBMITTED)
        last = document.attachments.aggregate(last=Max("sort_order"))["last"]
        attachment = Attachment(
            document=document,
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            text=inspected.text,
            sort_order=(last or 0) + 1,
            uploaded_by=actor,
            pending_change=(Attachment.PendingChange.ADDED if document.amendment_state else ""),
        )
        # The file is written before the row: if the transaction rolls back, an unreferenced
        # file with a random name is left in storage, never a row without its file.
        attachment.file.save(inspected.original_name, inspected.as_file(), save=False)
        attachment.save()
        data = {"attachment": attachment.pk, "type": inspected.content_type}
        _event(document, "attachment_added", actor=actor, now=now, data=data)
        _audit(
            "add_attachment", actor, document, attachment=attachment.pk, sha256=attachment.sha256
        )
    return attachment


def remove_attachment(
    attachment: Attachment, *, actor: User, now: datetime.datetime | None = None
) -> Document:
    """Remove an attachment from a draft. During an amendment a published file stays public
    until the amendment is published; otherwise the row goes at once and the file on commit.
    """
    now = _now(now)
    document = attachment.document
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_edit_document(actor, document), actor, document, State.SUBMITTED)
        attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
        data = {"attachment": attachment.pk, "name": attachment.original_name}
        if document.amendment_state and attachment.pending_change != Attachment.PendingChange.ADDED:
            attachment.pending_change = Attachment.PendingChange.REMOVED
            attachment.save(update_fields=["pending_change"])
        else:
            _delete_attachment(attachment)
        _event(document, "attachment_removed", actor=actor, now=now, data=data)
        _audit("remove_attachment", actor, document, attachment=data["attachment"])
    return document


def _delete_attachment(attachment: Attachment) -> None:
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Review --------------------------------------------------------------------------------


def _next_run(document: Document) -> int:
    last = document.findings.aggregate(last=Max("run"))["last"]
    return (last or 0) + 1


def _save_findings(document: Document, findings: list[ScreeningFinding]) -> int:
    run = _next_run(document)
    for finding in findings:
        finding.document = document
        finding.run = run
    ScreeningFinding.objects.bulk_create(findings)
    return run


def _counts(findings: Iterable[ScreeningFinding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts


def submit_document(
    document: Document, *, actor: User, now: datetime.datetime | None = None
) -> Document:
    """Send a draft to the confidentiality review (保密审查, REG 17).

    The screening runs over the working copy and its attachments; its findings are saved as a
    new run for the reviewer to see in context (personal data masked).
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_submit(actor, document), actor, document, State.SUBMITTED)
        before = workflow.transition(document, State.SUBMITTED)
        document.submitted_by = actor
        _save_state(document, "submitted_by")
        findings = screening.screen_document(document)
        run = _save_findings(document, findings)
        data = {"run": run, "findings": _counts(findings)}
        _event(
            document, "submitted", actor=actor, now=now, from_state=before,
            to_state=State.SUBMITTED, data=data,
        )  # fmt: skip
        _audit("submit_document", actor, document, run=run)
    return document


def _accepted_reasons(
    document: Document, accept_reasons: Mapping[Any, str]
) -> dict[tuple[str, str, str], str]:
    """The reviewer's reasons, by the fingerprint of the findings they were given for."""
    wanted: dict[int, str] = {}
    for key, reason in accept_reasons.items():
        try:
            wanted[int(key)] = (reason or "").strip()
        except (TypeError, ValueError):
            raise CatalogueError(_("Unknown screening finding: %(id)s.") % {"id": key}) from None
    earlier = {finding.pk: finding for finding in document.findings.filter(pk__in=wanted)}
    missing = sorted(set(wanted) - set(earlier))
    if missing:
        raise CatalogueError(
            _("Unknown screening finding: %(id)s.") % {"id": ", ".join(map(str, missing))}
        )
    return {
        screening.fingerprint(finding): wanted[pk] for pk, finding in earlier.items() if wanted[pk]
    }


def approve_document(
    document: Document,
    *,
    actor: User,
    accept_reasons: Mapping[Any, str] | None = None,
    publish_at: datetime.datetime | None = None,
    comment: str = "",
    now: datetime.datetime | None = None,
) -> Document:
    """Approve a submitted document: a reviewer of its agency who did not submit it (REG 17).

    The screening runs again over the current text. A secrecy marking blocks approval; so does
    personal data, unless ``accept_reasons`` maps the id of each such finding (of an earlier
    run) to the reviewer's reason why it may stand — for example an official's office phone.
    The document is published at once, or by the scheduler when ``publish_at`` is later.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_review_document(actor, document), actor, document, State.APPROVED)
        reasons = _accepted_reasons(document, accept_reasons or {})
        findings = screening.screen_document(document)
        for finding in findings:
            reason = reasons.get(screening.fingerprint(finding), "")
            if finding.severity == ScreeningFinding.Severity.NEEDS_REASON and reason:
                finding.accepted_reason = reason
                finding.accepted_by = actor
        blocked = screening.blocking(findings) + screening.needing_reason(findings)
        if blocked:
            lines = "; ".join(screening.describe(finding) for finding in blocked)
            raise ScreeningBlocked(
                _("The screening blocks the approval: %(findings)s") % {"findings": lines},
                findings=blocked,
            )
        run = _save_findings(document, findings)
        before = workflow.transition(document, State.APPROVED)
        scheduled = publish_at is not None and publish_at > now
        document.scheduled_for = publish_at if scheduled else None
        _save_state(document, "scheduled_for")
        accepted = [finding.pk for finding in findings if finding.accepted_reason]
        data: dict[str, Any] = {"run": run, "accepted": accepted}
        if scheduled:
            assert publish_at is not None  # noqa: S101 - for the type checker
            data["publish_at"] = publish_at.isoformat()
        _event(
            document, "approved", actor=actor, now=now, from_state=before,
            to_state=State.APPROVED, comment=comment.strip(), data=data,
        )  # fmt: skip
        _audit("approve_document", actor, document, run=run, accepted=len(accepted))
        if not scheduled:
            _publish(document, actor=actor, now=now)
        else:
            # A worker publishes it at that time, when the task backend can wait (decision
            # 0031); the periodic catalogue job publishes it otherwise, and is the safety net.
            from gongkai.catalogue.tasks import publish_scheduled_documents

            assert publish_at is not None  # noqa: S101 - for the type checker
            enqueue_at(publish_scheduled_documents, publish_at)
    return document


def reject_document(
    document: Document, *, actor: User, comment: str, now: datetime.datetime | None = None
) -> Document:
    """Send a submitted document back to its editors as a draft, with the reviewer's comment."""
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_review_document(actor, document), actor, document, State.DRAFT)
        comment = (comment or "").strip()
        if not comment:
            raise CatalogueError(_("Say what the editor should change."), field="comment")
        before = workflow.transition(document, State.DRAFT)
        _save_state(document)
        _event(
            document, "rejected", actor=actor, now=now, from_state=before,
            to_state=State.DRAFT, comment=comment,
        )  # fmt: skip
        _audit("reject_document", actor, document)
    return document


# --- Publication ---------------------------------------------------------------------------


def _allocate_index_number(document: Document, now: datetime.datetime) -> None:
    agency = document.agency
    year = timezone.localdate(now).year
    pattern = catalogue_settings_for(document).index_pattern
    try:
        _serial, number = allocate_number(
            scope=f"index:{agency.org_code}:{year}", pattern=pattern,
            org_code=agency.org_code, year=year,
        )  # fmt: skip
    except NumberingError as error:
        raise CatalogueError(
            _("The agency's index number pattern cannot be used: %(error)s") % {"error": error}
        ) from error
    document.index_number = number


def _register_normative(document: Document, now: datetime.datetime) -> NormativeRegistration:
    agency = document.agency
    year = timezone.localdate(now).year
    pattern = catalogue_settings_for(document).registration_pattern
    try:
        serial, number = allocate_number(
            scope=f"registration:{agency.org_code}:{year}", pattern=pattern,
            org_code=agency.org_code, year=year,
        )  # fmt: skip
    except NumberingError as error:
        raise CatalogueError(
            _("The agency's registration number pattern cannot be used: %(error)s")
            % {"error": error}
        ) from error
    return NormativeRegistration.objects.create(
        document=document, year=year, serial=serial, number=number, registered_at=now
    )


def _snapshot(document: Document, *, actor: User | None, now: datetime.datetime) -> DocumentVersion:
    published_on = timezone.localdate(now)
    reading = publication_clock(document, today=published_on, published_on=published_on)
    metadata: dict[str, Any] = {
        name: (value.isoformat() if isinstance(value, datetime.date) else value)
        for name in _VERSION_METADATA
        if (value := getattr(document, name)) is not None
    }
    metadata["attachments"] = [
        {"id": a.pk, "name": a.original_name, "sha256": a.sha256}
        for a in document.attachments.all()
    ]
    if reading is not None and reading.due_date is not None:
        metadata["due_date"] = reading.due_date.isoformat()
        metadata["late"] = published_on > reading.due_date
    return DocumentVersion.objects.create(
        document=document,
        number=document.version + 1,
        title=document.title,
        summary=document.summary,
        body=document.body,
        metadata=metadata,
        published_at=now,
        published_by=actor,
    )


def _publish(document: Document, *, actor: User | None, now: datetime.datetime) -> None:
    """Publish an approved document or amendment (inside the caller's transaction)."""
    amending = workflow.is_amending(document)
    before = workflow.transition(document, State.PUBLISHED, system=True)
    first = document.index_number is None
    if first:
        _allocate_index_number(document, now)
    if document.published_at is None:
        document.published_at = now
    registration = None
    if (
        document.is_normative
        and not NormativeRegistration.objects.filter(document=document).exists()
    ):
        registration = _register_normative(document, now)
    if amending:
        for attachment in document.attachments.filter(
            pending_change=Attachment.PendingChange.REMOVED
        ):
            _delete_attachment(attachment)
        document.attachments.filter(pending_change=Attachment.PendingChange.ADDED).update(
            pending_change=""
        )
    version = _snapshot(document, actor=actor, now=now)
    document.version = version.number
    document.scheduled_for = None
    _save_state(document, "index_number", "published_at", "version", "scheduled_for")
    data: dict[str, Any] = {"version": version.number, "index_number": document.index_number}
    if registration is not None:
        data["registration"] = registration.number
    if "late" in version.metadata:
        data["late"] = version.metadata["late"]
    _event(
        document, "published", actor=actor, now=now, from_state=before,
        to_state=State.PUBLISHED, data=data,
    )  # fmt: skip
    _audit("publish_document", actor, document, version=version.number)


def publish_document(
    document: Document, *, actor: User | None = None, now: datetime.datetime | None = None
) -> Document:
    """Publish an approved document (or amendment) now: the scheduler (``actor`` None) or a
    reviewer of the agency.

    The first publication allocates the index number (索引号) from the agency's pattern — never
    changed afterwards — and registers a normative document once (统一登记编号). Every
    publication writes the next :class:`DocumentVersion`.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        allowed = actor is None or has_role(actor, document.agency, Role.REVIEWER)
        allowed = allowed and document.working_state == State.APPROVED
        _require(allowed, actor, document, State.PUBLISHED)
        _publish(document, actor=actor, now=now)
    return document


def publish_due_documents(*, now: datetime.datetime | None = None) -> list[Document]:
    """Publish every approved document whose scheduled time has come; repeat-safe.

    A document that cannot be published (a broken number pattern, say) is logged and left
    approved for the next run; the others go ahead.
    """
    from gongkai.catalogue.selectors.staff import scheduled_publications_due

    now = _now(now)
    published: list[Document] = []
    for document in scheduled_publications_due(now=now):
        try:
            published.append(publish_document(document, actor=None, now=now))
        except CatalogueError:
            logger.exception("Scheduled publication of document %s failed", document.pk)
    return published


def withdraw_document(
    document: Document, *, actor: User, reason: str, now: datetime.datetime | None = None
) -> Document:
    """Take a document off every public page at once: its reviewers or the office.

    Final for this document (an amendment in progress goes with it). A scheduled publication
    can be withdrawn before it happens.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_withdraw(actor, document), actor, document, State.WITHDRAWN)
        reason = (reason or "").strip()
        if not reason:
            raise CatalogueError(_("Give the reason for the withdrawal."), field="reason")
        before = workflow.transition(document, State.WITHDRAWN)
        document.scheduled_for = None
        _save_state(document, "scheduled_for")
        _event(
            document, "withdrawn", actor=actor, now=now, from_state=before,
            to_state=State.WITHDRAWN, comment=reason,
        )  # fmt: skip
        _audit("withdraw_document", actor, document)
    return document


# --- After publication ---------------------------------------------------------------------


def start_amendment(
    document: Document,
    *,
    actor: User,
    changed_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Document:
    """Open the working copy of a published document for an amendment (修订).

    The document stays published — the public reads its last version — while the working copy
    goes through draft, review and approval; its publication writes version n + 1. A
    ``changed_date`` starts the REG 26 clock again.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_amend_document(actor, document), actor, document, State.DRAFT)
        before = workflow.transition(document, State.DRAFT)
        extra = []
        if changed_date is not None:
            document.changed_date = changed_date
            _check_fields(document, manner_before=document.manner, today=timezone.localdate(now))
            extra.append("changed_date")
        _save_state(document, *extra)
        _event(
            document, "amendment_started", actor=actor, now=now, from_state=before,
            to_state=State.DRAFT, data={"version": document.version},
        )  # fmt: skip
        _audit("start_amendment", actor, document, version=document.version)
    return document


_RELATION_FOR_VALIDITY: dict[str, str] = {
    Document.Validity.AMENDED: DocumentRelation.Kind.AMENDS,
    Document.Validity.REPEALED: DocumentRelation.Kind.REPEALS,
    Document.Validity.EXPIRED: DocumentRelation.Kind.REPLACES,
}


def set_validity(
    document: Document,
    *,
    actor: User,
    validity: str,
    by: Document | None = None,
    date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Document:
    """Record a published document's validity (有效, 失效, 废止, 已修订).

    ``by`` is the later, published document that amends, repeals or replaces it: the relation
    lets the old page say so and link its successor. ``date`` is the repeal or expiry date
    (today by default) for 废止 and 失效.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_change_validity(actor, document), actor, document, None)
        if validity not in Document.Validity.values:
            raise CatalogueError(_("Choose the validity."), field="validity")
        if by is not None:
            if by.pk == document.pk:
                raise CatalogueError(_("A document cannot amend or repeal itself."), field="by")
            if by.state != State.PUBLISHED:
                raise CatalogueError(
                    _("The amending or repealing document must be published first."), field="by"
                )
            if validity == Document.Validity.VALID:
                raise CatalogueError(
                    _("A valid document has no amending or repealing document."), field="by"
                )
        before = document.validity
        document.validity = validity
        if validity in (Document.Validity.REPEALED, Document.Validity.EXPIRED):
            document.repeal_date = date or timezone.localdate(now)
        elif validity == Document.Validity.VALID:
            document.repeal_date = None
        document.save(update_fields=["validity", "repeal_date", "updated_at"])
        data: dict[str, Any] = {"from": before, "to": validity}
        if by is not None:
            DocumentRelation.objects.get_or_create(
                source=by, target=document, kind=_RELATION_FOR_VALIDITY[validity]
            )
            data["by"] = by.pk
        if document.repeal_date:
            data["date"] = document.repeal_date.isoformat()
        _event(document, "validity_changed", actor=actor, now=now, data=data)
        _audit("set_validity", actor, document, validity=validity, by=by.pk if by else None)
    return document


def repeal_document(
    document: Document,
    *,
    actor: User,
    repealed_by: Document | None = None,
    date: datetime.date,
    now: datetime.datetime | None = None,
) -> Document:
    """Record that ``document`` is repealed (废止) on ``date``, by ``repealed_by`` if given."""
    return set_validity(
        document,
        actor=actor,
        validity=Document.Validity.REPEALED,
        by=repealed_by,
        date=date,
        now=now,
    )


def link_interpretation(
    interpretation: Document,
    *,
    policies: Iterable[Document],
    actor: User,
    now: datetime.datetime | None = None,
) -> Document:
    """Link an interpretation (政策解读) to the policies it explains, both ways (三同步)."""
    now = _now(now)
    policies = list(policies)
    with transaction.atomic():
        _lock(interpretation)
        _require(
            permissions.can_link_interpretation(actor, interpretation), actor, interpretation, None
        )
        if interpretation.kind != Document.Kind.INTERPRETATION:
            raise CatalogueError(_("Only an interpretation can be linked to policies."))
        if not policies:
            raise CatalogueError(_("Choose the policies it interprets."), field="policies")
        visible = set(
            permissions.documents_visible_to(actor)
            .filter(pk__in=[policy.pk for policy in policies])
            .values_list("pk", flat=True)
        )
        for policy in policies:
            if policy.pk not in visible:
                raise CataloguePermissionDenied(_("You may not link to this document."))
            if policy.kind == Document.Kind.INTERPRETATION or policy.pk == interpretation.pk:
                raise CatalogueError(
                    _("An interpretation explains a policy, not another interpretation.")
                )
        interpretation.interprets.add(*policies)
        ids = [policy.pk for policy in policies]
        _event(
            interpretation, "interpretation_linked", actor=actor, now=now, data={"policies": ids}
        )
        for policy in policies:
            _event(
                policy, "interpretation_linked", actor=actor, now=now,
                data={"interpretation": interpretation.pk},
            )  # fmt: skip
        _audit("link_interpretation", actor, interpretation, policies=ids)
    return interpretation


def reassess_withheld(
    document: Document,
    *,
    actor: User,
    manner: str,
    reason: str,
    now: datetime.datetime | None = None,
) -> Document:
    """Decide again on a withheld document's disclosure (REG 18): its reviewers or the office.

    Kept withheld, it comes back after the agency's interval; disclosed, a published document
    becomes public at once.
    """
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        _lock(document)
        _require(permissions.can_reassess(actor, document), actor, document, None)
        if document.manner != Document.Manner.WITHHELD:
            raise CatalogueError(_("Only a withheld document is re-assessed."))
        if manner not in Document.Manner.values:
            raise CatalogueError(_("Choose the disclosure manner."), field="manner")
        reason = (reason or "").strip()
        if not reason:
            raise CatalogueError(_("Give the reason for the decision."), field="reason")
        document.manner = manner
        document.manner_reason = reason
        if manner == Document.Manner.WITHHELD:
            document.reassess_on = _add_months(
                today, catalogue_settings_for(document).reassess_months
            )
        else:
            document.reassess_on = None
        document.save(update_fields=["manner", "manner_reason", "reassess_on", "updated_at"])
        data = {
            "manner": manner,
            "reassess_on": document.reassess_on.isoformat() if document.reassess_on else None,
        }
        _event(document, "reassessed", actor=actor, now=now, comment=reason, data=data)
        _audit("reassess_withheld", actor, document, manner=manner)
    return document


# --- System flags (periodic jobs) ----------------------------------------------------------


def mark_reassessment_due(document: Document, *, now: datetime.datetime | None = None) -> bool:
    """Note that a withheld document is due for re-assessment (once per due date).

    Returns whether an event was written; the office queue lists the document either way.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        if document.manner != Document.Manner.WITHHELD or document.reassess_on is None:
            return False
        if document.reassess_on > timezone.localdate(now):
            return False
        due = document.reassess_on.isoformat()
        if document.events.filter(code="reassessment_due", data__due=due).exists():
            return False
        _event(document, "reassessment_due", actor=None, now=now, data={"due": due})
        _audit("reassessment_due", None, document, due=due)
    return True


def flag_missing_interpretation(
    document: Document, *, due: datetime.date, now: datetime.datetime | None = None
) -> bool:
    """Note that a published policy still lacks its interpretation after the lag (once)."""
    now = _now(now)
    with transaction.atomic():
        _lock(document)
        if document.state != State.PUBLISHED or not document.needs_interpretation:
            return False
        if document.events.filter(
            code="interpretation_missing", data__due=due.isoformat()
        ).exists():
            return False
        _event(
            document, "interpretation_missing", actor=None, now=now, data={"due": due.isoformat()}
        )
        _audit("interpretation_missing", None, document, due=due.isoformat())
    return True
