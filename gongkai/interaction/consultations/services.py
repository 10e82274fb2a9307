"""Every change to a consultation on a draft (建议征集): one function per action.

Each service checks the actor's permission (``consultations.permissions``), runs in one
transaction, moves states only through ``consultations.workflow``, and writes a
``ConsultationEvent`` and an audit entry. A refused action raises :class:`ConsultationError`
(or its :class:`ConsultationPermissionDenied`) and changes nothing. ``now`` is injectable for
tests and the demonstration. Services lock the consultation's row and refresh the instance they
were given, so the caller's object shows the result; they also return it.

The path of a consultation::

    create_consultation → [update_consultation, add_attachment, remove_attachment]*
      → publish_consultation (a reviewer, after the confidentiality check)
      → submit_comment* (the public) → moderate_comment* (a reviewer)
      → close_consultation (early, a reviewer) | close_if_due (the closing day passed)
      → save_feedback, add_feedback_point, record_decisions → publish_feedback
      → [link_final_document]

Nothing here writes a commenter's name or contact into an event or the audit trail: comments
are named by their number.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import has_role
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core import audit, uploads
from gongkai.core.html import html_to_text, sanitize_html
from gongkai.core.models import User
from gongkai.interaction.consultations import permissions, screening, selectors, workflow
from gongkai.interaction.consultations.articles import ArticleData
from gongkai.interaction.consultations.models import (
    Comment,
    Consultation,
    ConsultationArticle,
    ConsultationAttachment,
    ConsultationEvent,
    Decision,
    Feedback,
    FeedbackPoint,
)
from gongkai.interaction.consultations.workflow import (
    ConsultationError,
    ConsultationPermissionDenied,
    WorkflowError,
)

__all__ = [
    "ArticleData",
    "CommentDecision",
    "ConsultationError",
    "ConsultationPermissionDenied",
    "WorkflowError",
    "add_attachment",
    "add_feedback_point",
    "check_contact",
    "check_open",
    "close_consultation",
    "close_if_due",
    "create_consultation",
    "default_moderation",
    "link_final_document",
    "moderate_comment",
    "publish_consultation",
    "publish_feedback",
    "record_decisions",
    "remove_attachment",
    "remove_feedback_point",
    "save_feedback",
    "submit_comment",
    "update_consultation",
]

State = Consultation.State
CommentState = Comment.State
Role = StaffRole.Role

MAX_NAME = 50
MAX_CONTACT = 100
MAX_COMMENT_CHARS = 5000
MAX_ARTICLE_NUMBER = 30
MAX_ARTICLE_HEADING = 200
SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_PHONE_RE = re.compile(r"^[0-9０-９+()（）\- ]{7,30}$")


def default_moderation() -> str:
    """How comments of a new consultation are handled unless its editor chooses otherwise:
    ``settings.GONGKAI_CONSULTATION_MODERATION`` (``before`` or ``at_once``), read when
    needed; ``before`` (moderated before showing) when unset or unknown."""
    value = str(getattr(settings, "GONGKAI_CONSULTATION_MODERATION", "") or "")
    if value in Consultation.Moderation.values:
        return value
    return Consultation.Moderation.BEFORE.value


# --- Helpers -------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def _local_date(moment: datetime.datetime) -> datetime.date:
    return selectors.local_now(moment).date()


def _lock(consultation: Consultation) -> Consultation:
    """Lock the consultation's row for this transaction and refresh the instance from it."""
    if consultation.pk is None:
        raise ConsultationError(_("The consultation has not been saved."))
    Consultation.objects.select_for_update().filter(pk=consultation.pk).values_list("pk").first()
    consultation.refresh_from_db()
    return consultation


def _require(
    allowed: bool, actor: User | None, consultation: Consultation, *, states: Iterable[str]
) -> None:
    """Refuse with the clearer error: a wrong state (the action needs one of ``states``) to
    those who may see the consultation, else denied."""
    if allowed:
        return
    if consultation.state not in set(states) and permissions.can_view_consultation_staff(
        actor, consultation
    ):
        raise WorkflowError(
            _("This is not possible while the consultation is “%(state)s”.")
            % {"state": State(consultation.state).label}
        )
    raise ConsultationPermissionDenied(_("You may not do this to this consultation."))


def _check_screening(
    hits: list[screening.Hit], *, reason: str, blocked_message: str
) -> list[screening.Hit]:
    """The confidentiality check before publishing (保密审查): a secrecy marking refuses with
    ``blocked_message``; personal data needs the reviewer's ``reason``. Returns the personal-data
    findings the reason covers."""
    blocked = screening.blocking(hits)
    if blocked:
        raise ConsultationError(
            blocked_message % {"hits": "; ".join(screening.describe(hit) for hit in blocked)}
        )
    personal = screening.needing_reason(hits)
    if personal and not reason:
        raise ConsultationError(
            _("Personal data was found. Remove it, or say why it may be published: %(hits)s")
            % {"hits": "; ".join(screening.describe(hit) for hit in personal)},
            field="personal_data_reason",
        )
    return personal


def _event(
    consultation: Consultation,
    code: str,
    *,
    actor: User | None,
    now: datetime.datetime,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> ConsultationEvent:
    return ConsultationEvent.objects.create(
        consultation=consultation,
        code=code,
        actor=actor,
        created_at=now,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def _audit(action: str, actor: User | None, consultation: Consultation, **details: Any) -> None:
    audit.record(
        f"consultations.{action}",
        actor=actor,
        obj=consultation,
        agency_id=consultation.agency_id,
        details=details,
    )


def _save(consultation: Consultation, *fields: str) -> None:
    consultation.save(update_fields=[*fields, "updated_at"])


def _check_fields(
    *, title: str, opens_on: datetime.date | None, closes_on: datetime.date | None, moderation: str
) -> None:
    if not title.strip():
        raise ConsultationError(_("Give the consultation a title."), field="title")
    if len(title.strip()) > 300:
        raise ConsultationError(_("The title may be at most 300 characters."), field="title")
    if opens_on is None:
        raise ConsultationError(_("Give the day comments open."), field="opens_on")
    if closes_on is None:
        raise ConsultationError(_("Give the day comments close."), field="closes_on")
    if closes_on < opens_on:
        raise ConsultationError(
            _("The closing day cannot come before the opening day."), field="closes_on"
        )
    if moderation not in Consultation.Moderation.values:
        raise ConsultationError(_("Choose how comments are shown."), field="moderation")


def _clean_articles(articles: Sequence[ArticleData]) -> list[ArticleData]:
    cleaned: list[ArticleData] = []
    numbers: set[str] = set()
    for position, article in enumerate(articles, start=1):
        number = article.number.strip()
        heading = article.heading.strip()
        text = article.text.strip()
        if not number and not heading and not text:
            continue
        if not number or not text:
            raise ConsultationError(
                _("Article %(position)d needs both its number (such as 第一条) and its text.")
                % {"position": position},
                field="articles",
            )
        if len(number) > MAX_ARTICLE_NUMBER or len(heading) > MAX_ARTICLE_HEADING:
            raise ConsultationError(
                _("The number or heading of article %(position)d is too long.")
                % {"position": position},
                field="articles",
            )
        if number in numbers:
            raise ConsultationError(
                _("Two articles are numbered “%(number)s”.") % {"number": number},
                field="articles",
            )
        numbers.add(number)
        cleaned.append(ArticleData(number=number, heading=heading, text=text))
    return cleaned


def _replace_articles(consultation: Consultation, articles: Sequence[ArticleData]) -> None:
    """Replace the draft's articles (a draft has no comments that could refer to them)."""
    consultation.articles.all().delete()
    ConsultationArticle.objects.bulk_create(
        ConsultationArticle(
            consultation=consultation,
            number=article.number,
            heading=article.heading,
            text=article.text,
            order=order,
        )
        for order, article in enumerate(articles, start=1)
    )


# --- The draft -----------------------------------------------------------------------------


def create_consultation(
    *,
    agency: Agency,
    actor: User,
    title: str,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    summary: str = "",
    body: str = "",
    moderation: str = "",
    articles: Sequence[ArticleData] = (),
    now: datetime.datetime | None = None,
) -> Consultation:
    """Prepare a consultation for ``agency`` (a draft, not public). ``body`` is sanitised;
    ``moderation`` defaults to :func:`default_moderation`."""
    now = _now(now)
    moderation = moderation or default_moderation()
    if not permissions.can_create_consultation(actor, agency):
        raise ConsultationPermissionDenied(
            _("Only an editor of the agency may prepare a consultation.")
        )
    _check_fields(title=title, opens_on=opens_on, closes_on=closes_on, moderation=moderation)
    cleaned = _clean_articles(articles)
    assert opens_on is not None and closes_on is not None  # checked above  # noqa: S101
    with transaction.atomic():
        consultation = Consultation.objects.create(
            agency=agency,
            title=title.strip(),
            summary=summary.strip(),
            body=sanitize_html(body),
            opens_on=opens_on,
            closes_on=closes_on,
            moderation=moderation,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _replace_articles(consultation, cleaned)
        _event(
            consultation,
            "created",
            actor=actor,
            now=now,
            to_state=State.DRAFT,
            data={"articles": len(cleaned)},
        )
        _audit("create", actor, consultation)
    return consultation


def update_consultation(
    consultation: Consultation,
    *,
    actor: User,
    title: str,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    summary: str = "",
    body: str = "",
    moderation: str = "",
    articles: Sequence[ArticleData] | None = None,
    now: datetime.datetime | None = None,
) -> Consultation:
    """Change a draft; ``articles`` (when given) replace the draft's articles."""
    now = _now(now)
    with transaction.atomic():
        _lock(consultation)
        _require(
            permissions.can_edit_consultation(actor, consultation),
            actor,
            consultation,
            states=workflow.EDITABLE_STATES,
        )
        moderation = moderation or consultation.moderation
        _check_fields(title=title, opens_on=opens_on, closes_on=closes_on, moderation=moderation)
        assert opens_on is not None and closes_on is not None  # noqa: S101
        consultation.title = title.strip()
        consultation.summary = summary.strip()
        consultation.body = sanitize_html(body)
        consultation.opens_on = opens_on
        consultation.closes_on = closes_on
        consultation.moderation = moderation
        consultation.updated_at = now
        fields = ["title", "summary", "body", "opens_on", "closes_on", "moderation"]
        consultation.save(update_fields=[*fields, "updated_at"])
        data: dict[str, Any] = {}
        if articles is not None:
            cleaned = _clean_articles(articles)
            _replace_articles(consultation, cleaned)
            data["articles"] = len(cleaned)
        _event(consultation, "updated", actor=actor, now=now, data=data)
        _audit("update", actor, consultation)
    return consultation


def add_attachment(
    consultation: Consultation,
    *,
    actor: User,
    uploaded_file: UploadedFile,
    now: datetime.datetime | None = None,
) -> ConsultationAttachment:
    """Attach a file to a draft; its type is read from the content, as for documents."""
    now = _now(now)
    # Checked (and scanned, when ClamAV is configured) before the transaction: no lock is held
    # while a large file is read.
    try:
        inspected = uploads.inspect_upload(uploaded_file, policy=uploads.DOCUMENT_ATTACHMENT)
    except uploads.UploadRefused as refused:
        raise ConsultationError(refused.message, field="file") from None
    with transaction.atomic():
        _lock(consultation)
        _require(
            permissions.can_edit_consultation(actor, consultation),
            actor,
            consultation,
            states=workflow.EDITABLE_STATES,
        )
        last = consultation.attachments.aggregate(last=Max("sort_order"))["last"]
        attachment = ConsultationAttachment(
            consultation=consultation,
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            text=inspected.text,
            sort_order=(last or 0) + 1,
            uploaded_at=now,
            uploaded_by=actor,
        )
        # The file is written before the row: a rollback leaves an unreferenced file with a
        # random name, never a row without its file.
        attachment.file.save(inspected.original_name, inspected.as_file(), save=False)
        attachment.save()
        data = {"attachment": attachment.pk, "type": inspected.content_type}
        _event(consultation, "attachment_added", actor=actor, now=now, data=data)
        _audit("add_attachment", actor, consultation, attachment=attachment.pk)
    return attachment


def remove_attachment(
    attachment: ConsultationAttachment, *, actor: User, now: datetime.datetime | None = None
) -> Consultation:
    """Remove an attachment from a draft; the file goes from storage after the commit."""
    now = _now(now)
    consultation = attachment.consultation
    with transaction.atomic():
        _lock(consultation)
        _require(
            permissions.can_edit_consultation(actor, consultation),
            actor,
            consultation,
            states=workflow.EDITABLE_STATES,
        )
        attachment = ConsultationAttachment.objects.select_for_update().get(pk=attachment.pk)
        data = {"attachment": attachment.pk, "name": attachment.original_name}
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        _event(consultation, "attachment_removed", actor=actor, now=now, data=data)
        _audit("remove_attachment", actor, consultation, attachment=data["attachment"])
    return consultation


def publish_consultation(
    consultation: Consultation,
    *,
    actor: User,
    personal_data_reason: str = "",
    now: datetime.datetime | None = None,
) -> Consultation:
    """Publish a draft (REG 17: the confidentiality review comes first).

    Refused when a secrecy marking is found, when personal data is found and the reviewer
    gave no reason why it may stand, when there is no text to comment on, or when the closing
    day has already passed. The person who made the consultation may not publish it.
    """
    now = _now(now)
    reason = personal_data_reason.strip()
    with transaction.atomic():
        _lock(consultation)
        if (
            consultation.state == State.DRAFT
            and consultation.created_by_id == actor.pk
            and has_role(actor, consultation.agency, Role.REVIEWER)
        ):
            raise ConsultationPermissionDenied(
                _(
                    "You prepared this consultation, so another reviewer of the agency must "
                    "publish it."
                )
            )
        _require(
            permissions.can_publish_consultation(actor, consultation),
            actor,
            consultation,
            states={State.DRAFT},
        )
        if not html_to_text(consultation.body) and not consultation.articles.exists():
            raise ConsultationError(
                _("The draft has no text: add its text or its articles before publishing it.")
            )
        if consultation.closes_on < _local_date(now):
            raise ConsultationError(
                _("The closing day has passed: change the dates before publishing."),
                field="closes_on",
            )
        hits = screening.screen_consultation(consultation)
        personal = _check_screening(
            hits,
            reason=reason,
            blocked_message=_(
                "A secrecy marking was found; the consultation cannot be published: %(hits)s"
            ),
        )
        before = workflow.transition(consultation, State.OPEN)
        consultation.published_at = now
        consultation.updated_at = now
        _save(consultation, "state", "published_at")
        _event(
            consultation,
            "published",
            actor=actor,
            now=now,
            from_state=before,
            to_state=State.OPEN,
            comment=reason if personal else "",
            data={"findings": len(hits), "personal_data": len(personal)},
        )
        _audit("publish", actor, consultation, findings=len(hits))
    return consultation


# --- Comments ------------------------------------------------------------------------------


def check_contact(contact: str) -> None:
    """Refuse a contact that is neither a phone number nor an e-mail address."""
    if not contact:
        raise ConsultationError(
            _("Give a phone number or an e-mail address, so that the agency can reach you."),
            field="contact",
        )
    if len(contact) > MAX_CONTACT:
        raise ConsultationError(
            _("The contact may be at most %(limit)d characters.") % {"limit": MAX_CONTACT},
            field="contact",
        )
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            raise ConsultationError(
                _("This is not a valid e-mail address."), field="contact"
            ) from None
        return
    if not _PHONE_RE.match(contact) or sum(char.isdigit() for char in contact) < 7:
        raise ConsultationError(
            _("Give a phone number (digits only, with the area code) or an e-mail address."),
            field="contact",
        )


def check_open(consultation: Consultation, *, now: datetime.datetime | None = None) -> None:
    """Refuse a comment outside the consultation's opening days, saying when it is open."""
    now = _now(now)
    if consultation.state == State.DRAFT:
        raise ConsultationError(_("This consultation is not open for comments."))
    if consultation.state == State.OPEN and now < consultation.opens_at:
        raise ConsultationError(
            _("Comments on this draft open on %(date)s; please come back then.")
            % {"date": consultation.opens_on.isoformat()}
        )
    if consultation.state != State.OPEN or now >= consultation.closes_at:
        closed_on = consultation.closes_on
        if consultation.closed_at is not None:
            closed_on = min(closed_on, _local_date(consultation.closed_at))
        raise ConsultationError(
            _("This consultation closed on %(date)s: comments are no longer accepted.")
            % {"date": closed_on.isoformat()}
        )


def submit_comment(
    consultation: Consultation,
    *,
    name: str,
    contact: str,
    text: str,
    submission_key: str,
    show_name: bool = False,
    article: ConsultationArticle | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Comment, bool]:
    """A comment of the public on the whole draft or on one of its articles.

    Taken only from the opening day to the closing day (Asia/Shanghai). Shown at once or
    held for moderation, as the consultation says. ``submission_key`` comes with the form: a
    second submission of the same form (a refresh, a double click, a retry) returns the first
    comment and ``False``; a new comment comes with ``True``.
    """
    now = _now(now)
    if not SUBMISSION_KEY_RE.match(submission_key or ""):
        raise ConsultationError(_("The form has expired; please send it again."))
    existing = Comment.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    name = (name or "").strip()
    contact = (contact or "").strip()
    text = (text or "").strip()
    try:
        with transaction.atomic():
            _lock(consultation)
            check_open(consultation, now=now)
            if not name:
                raise ConsultationError(_("Give your name."), field="name")
            if len(name) > MAX_NAME:
                raise ConsultationError(
                    _("The name may be at most %(limit)d characters.") % {"limit": MAX_NAME},
                    field="name",
                )
            check_contact(contact)
            if not text:
                raise ConsultationError(_("Write your comment."), field="text")
            if len(text) > MAX_COMMENT_CHARS:
                raise ConsultationError(
                    _("A comment may be at most %(limit)d characters; this one has %(count)d.")
                    % {"limit": MAX_COMMENT_CHARS, "count": len(text)},
                    field="text",
                )
            if article is not None and article.consultation_id != consultation.pk:
                raise ConsultationError(_("Choose an article of this draft."), field="article")
            at_once = consultation.moderation == Consultation.Moderation.AT_ONCE
            comment = Comment.objects.create(
                consultation=consultation,
                article=article,
                name=name,
                contact=contact,
                show_name=show_name,
                text=text,
                submitted_at=now,
                state=CommentState.SHOWN if at_once else CommentState.PENDING,
                submission_key=submission_key,
            )
            data = {"comment": comment.pk, "article": article.pk if article else None}
            _event(consultation, "comment_received", actor=None, now=now, data=data)
            _audit("comment_received", None, consultation, comment=comment.pk)
    except IntegrityError:
        # The same form sent twice at the same moment: the other one won.
        existing = Comment.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return comment, True


def moderate_comment(
    comment: Comment,
    *,
    actor: User,
    show: bool,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Comment:
    """Show a comment, or hide it with a reason (abusive, off the subject, personal data …).

    A hidden comment leaves the public page; it still counts as received.
    """
    now = _now(now)
    reason = reason.strip()
    consultation = comment.consultation
    with transaction.atomic():
        _lock(consultation)
        _require(
            permissions.can_moderate_comments(actor, consultation),
            actor,
            consultation,
            states=workflow.MODERATION_STATES,
        )
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        target = CommentState.SHOWN if show else CommentState.HIDDEN
        if not show and not reason:
            raise ConsultationError(_("Say why the comment is hidden."), field="reason")
        before = workflow.moderate(comment, target)
        comment.hidden_reason = "" if show else reason
        comment.moderated_at = now
        comment.moderated_by = actor
        if not show:  # a hidden comment is no part of the feedback
            comment.point = None
            comment.decision = ""
            comment.decision_reason = ""
        comment.save(
            update_fields=[
                "state", "hidden_reason", "moderated_at", "moderated_by", "point", "decision",
                "decision_reason",
            ]
        )  # fmt: skip
        _event(
            consultation,
            "comment_shown" if show else "comment_hidden",
            actor=actor,
            now=now,
            comment=reason,
            data={"comment": comment.pk, "from": before, "to": target},
        )
        _audit("moderate_comment", actor, consultation, comment=comment.pk, to=target)
    return comment


# --- Closing -------------------------------------------------------------------------------


def close_consultation(
    consultation: Consultation,
    *,
    actor: User,
    reason: str,
    now: datetime.datetime | None = None,
) -> Consultation:
    """Close an open consultation before its closing day (a reviewer, with a reason)."""
    now = _now(now)
    reason = reason.strip()
    with transaction.atomic():
        _lock(consultation)
        _require(
            permissions.can_close_consultation(actor, consultation),
            actor,
            consultation,
            states={State.OPEN},
        )
        if not reason:
            raise ConsultationError(_("Say why the consultation closes early."), field="reason")
        if now >= consultation.closes_at:
            _close(consultation, actor=None, now=now, early=False)
        else:
            _close(consultation, actor=actor, now=now, early=True, reason=reason)
    return consultation


def _close(
    consultation: Consultation,
    *,
    actor: User | None,
    now: datetime.datetime,
    early: bool,
    reason: str = "",
) -> None:
    before = workflow.transition(consultation, State.CLOSED)
    # Closed by the date: it closed when the closing day ended, whenever this runs.
    consultation.closed_at = now if early else min(now, consultation.closes_at)
    consultation.closed_early = early
    consultation.updated_at = now
    _save(consultation, "state", "closed_at", "closed_early")
    _event(
        consultation,
        "closed_early" if early else "closed",
        actor=actor,
        now=now,
        from_state=before,
        to_state=State.CLOSED,
        comment=reason,
    )
    _audit("close", actor, consultation, early=early)


def close_if_due(consultation: Consultation, *, now: datetime.datetime | None = None) -> bool:
    """Close ``consultation`` when its closing day has passed (the system; repeat-safe).

    Returns whether it was closed now.
    """
    now = _now(now)
    with transaction.atomic():
        _lock(consultation)
        if consultation.state != State.OPEN or now < consultation.closes_at:
            return False
        _close(consultation, actor=None, now=now, early=False)
    return True


# --- Feedback ------------------------------------------------------------------------------


def _feedback_ready(consultation: Consultation, actor: User, now: datetime.datetime) -> Feedback:
    """Lock, close by the date when due, check the actor may write the feedback; the report
    (made when missing). Runs inside the caller's transaction."""
    _lock(consultation)
    if not has_role(actor, consultation.agency, Role.REVIEWER):
        # Checked before anything else: a refused actor changes nothing, not even the state.
        raise ConsultationPermissionDenied(
            _("Only a reviewer of the agency writes and publishes the feedback.")
        )
    if consultation.state == State.OPEN and now >= consultation.closes_at:
        _close(consultation, actor=None, now=now, early=False)
    _require(
        permissions.can_write_feedback(actor, consultation, now=now),
        actor,
        consultation,
        states=workflow.FEEDBACK_STATES,
    )
    feedback, _created = Feedback.objects.get_or_create(
        consultation=consultation, defaults={"updated_at": now, "updated_by": actor}
    )
    return feedback


def save_feedback(
    consultation: Consultation,
    *,
    actor: User,
    summary: str,
    now: datetime.datetime | None = None,
) -> Feedback:
    """Write (or rewrite) the summary of the feedback report before it is published."""
    now = _now(now)
    with transaction.atomic():
        feedback = _feedback_ready(consultation, actor, now)
        feedback.summary = summary.strip()
        feedback.updated_at = now
        feedback.updated_by = actor
        feedback.save(update_fields=["summary", "updated_at", "updated_by"])
        _event(consultation, "feedback_saved", actor=actor, now=now)
        _audit("save_feedback", actor, consultation)
    return feedback


def _check_decision(decision: str, reason: str, *, label: str, field: str) -> None:
    if decision not in Decision.values:
        raise ConsultationError(
            _("%(what)s: choose adopted, partly adopted or not adopted.") % {"what": label},
            field=field,
        )
    if decision != Decision.ADOPTED and not reason:
        raise ConsultationError(
            _("%(what)s: give the reason why it was not (fully) adopted.") % {"what": label},
            field=field,
        )


def add_feedback_point(
    consultation: Consultation,
    *,
    actor: User,
    text: str,
    decision: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> FeedbackPoint:
    """A point several comments make, answered once; comments are then grouped under it."""
    now = _now(now)
    text, reason = text.strip(), reason.strip()
    with transaction.atomic():
        feedback = _feedback_ready(consultation, actor, now)
        if not text:
            raise ConsultationError(_("Say what the point is."), field="text")
        _check_decision(decision, reason, label=_("The point"), field="decision")
        last = feedback.points.aggregate(last=Max("order"))["last"]
        point = FeedbackPoint.objects.create(
            feedback=feedback, text=text, decision=decision, reason=reason, order=(last or 0) + 1
        )
        _event(
            consultation,
            "feedback_point_added",
            actor=actor,
            now=now,
            data={"point": point.pk, "decision": decision},
        )
        _audit("add_feedback_point", actor, consultation, point=point.pk)
    return point


def remove_feedback_point(
    point: FeedbackPoint, *, actor: User, now: datetime.datetime | None = None
) -> Consultation:
    """Remove a point; its comments lose their decision and must be decided again."""
    now = _now(now)
    consultation = point.feedback.consultation
    with transaction.atomic():
        _feedback_ready(consultation, actor, now)
        point = FeedbackPoint.objects.select_for_update().get(pk=point.pk)
        grouped = point.comments.count()
        data = {"point": point.pk, "comments": grouped}
        point.delete()
        _event(consultation, "feedback_point_removed", actor=actor, now=now, data=data)
        _audit("remove_feedback_point", actor, consultation, point=data["point"])
    return consultation


@dataclass(frozen=True)
class CommentDecision:
    """What became of one comment: grouped under a point, or a decision of its own ("" for
    none yet) with the reason when not (fully) adopted."""

    comment_id: int
    decision: str = ""
    reason: str = ""
    point_id: int | None = None


def record_decisions(
    consultation: Consultation,
    *,
    actor: User,
    decisions: Sequence[CommentDecision],
    now: datetime.datetime | None = None,
) -> int:
    """Record the decisions on shown comments, all or none; returns how many changed."""
    now = _now(now)
    with transaction.atomic():
        feedback = _feedback_ready(consultation, actor, now)
        comments = {
            comment.pk: comment
            for comment in consultation.comments.select_for_update().filter(
                pk__in=[item.comment_id for item in decisions]
            )
        }
        points = {point.pk: point for point in feedback.points.all()}
        changed: list[Comment] = []
        for item in decisions:
            comment = comments.get(item.comment_id)
            label = _("Comment %(number)d") % {"number": item.comment_id}
            if comment is None:
                raise ConsultationError(
                    _("%(what)s is not a comment on this consultation.") % {"what": label}
                )
            if comment.state != CommentState.SHOWN:
                raise ConsultationError(
                    _("%(what)s is not shown: only shown comments are decided on.")
                    % {"what": label}
                )
            reason = item.reason.strip()
            point = None
            if item.point_id is not None:
                point = points.get(item.point_id)
                if point is None:
                    raise ConsultationError(
                        _("%(what)s: choose a point of this feedback report.") % {"what": label}
                    )
                decision, reason = "", ""
            elif item.decision:
                _check_decision(item.decision, reason, label=label, field="decisions")
                decision = item.decision
            else:
                decision, reason = "", ""
            new = (point.pk if point else None, decision, reason)
            if new != (comment.point_id, comment.decision, comment.decision_reason):
                comment.point = point
                comment.decision = decision
                comment.decision_reason = reason
                changed.append(comment)
        Comment.objects.bulk_update(changed, ["point", "decision", "decision_reason"])
        if changed:
            _event(
                consultation,
                "decisions_recorded",
                actor=actor,
                now=now,
                data={"comments": [comment.pk for comment in changed]},
            )
            _audit("record_decisions", actor, consultation, comments=len(changed))
    return len(changed)


def _check_final_document(document: Document) -> None:
    """Only a document the public can read in the catalogue may be named the final one."""
    if not public_document_rows().filter(pk=document.pk).exists():
        raise ConsultationError(
            _("Only a published document of the catalogue can be linked as the final document."),
            field="final_document",
        )


def publish_feedback(
    consultation: Consultation,
    *,
    actor: User,
    final_document: Document | None = None,
    personal_data_reason: str = "",
    now: datetime.datetime | None = None,
) -> Consultation:
    """Publish the feedback report (采纳情况); final.

    Refused while comments await moderation or shown comments have no decision, without a
    summary, with a final document that is not published, or when the screening of the
    report finds a secrecy marking or personal data without the reviewer's reason.
    """
    now = _now(now)
    reason = personal_data_reason.strip()
    with transaction.atomic():
        feedback = _feedback_ready(consultation, actor, now)
        if not feedback.summary.strip():
            raise ConsultationError(
                _("Write the summary of the feedback before publishing it."), field="summary"
            )
        counts = selectors.feedback_counts(consultation)
        if counts.pending:
            raise ConsultationError(
                ngettext(
                    "%(count)d comment still awaits moderation: show or hide it first.",
                    "%(count)d comments still await moderation: show or hide them first.",
                    counts.pending,
                )
                % {"count": counts.pending}
            )
        if counts.undecided:
            raise ConsultationError(
                ngettext(
                    "%(count)d shown comment has no decision yet.",
                    "%(count)d shown comments have no decision yet.",
                    counts.undecided,
                )
                % {"count": counts.undecided}
            )
        if final_document is not None:
            _check_final_document(final_document)
        hits = screening.screen_feedback(feedback)
        personal = _check_screening(
            hits,
            reason=reason,
            blocked_message=_(
                "A secrecy marking was found; the feedback cannot be published: %(hits)s"
            ),
        )
        before = workflow.transition(consultation, State.FEEDBACK)
        consultation.feedback_published_at = now
        consultation.final_document = final_document
        consultation.updated_at = now
        _save(consultation, "state", "feedback_published_at", "final_document")
        _event(
            consultation,
            "feedback_published",
            actor=actor,
            now=now,
            from_state=before,
            to_state=State.FEEDBACK,
            comment=reason if personal else "",
            data={
                "received": counts.received,
                "adopted": counts.adopted,
                "partly": counts.partly,
                "not_adopted": counts.not_adopted,
                "final_document": final_document.pk if final_document else None,
            },
        )
        document_id = consultation.final_document_id
        _audit("publish_feedback", actor, consultation, final_document=document_id)
    return consultation


def link_final_document(
    consultation: Consultation,
    *,
    actor: User,
    document: Document,
    now: datetime.datetime | None = None,
) -> Consultation:
    """Name the final document after the feedback was published (it often comes later)."""
    now = _now(now)
    with transaction.atomic():
        _lock(consultation)
        _require(
            permissions.can_link_final_document(actor, consultation),
            actor,
            consultation,
            states={State.FEEDBACK},
        )
        _check_final_document(document)
        previous = consultation.final_document_id
        consultation.final_document = document
        consultation.updated_at = now
        _save(consultation, "final_document")
        _event(
            consultation,
            "final_document_linked",
            actor=actor,
            now=now,
            data={"document": document.pk, "previous": previous},
        )
        _audit("link_final_document", actor, consultation, document=document.pk)
    return consultation
