"""Every action that changes a letter. One function per action, one transaction each, the row
locked, the permission checked, a :class:`LetterEvent` and an audit entry written; mail to the
writer is queued in the same transaction and sent after it commits (``core.mail``).

Dates: ``on`` is the day an action happened, today by default, never in the future and never
before the letter's last step; the reply clock counts from these dates.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.core import audit, uploads
from gongkai.core.clock import ClockError, EventKind, save_with_clock
from gongkai.core.mail import queue_mail
from gongkai.core.models import User
from gongkai.core.numbering import allocate_number
from gongkai.core.uploads import InspectedFile
from gongkai.core.workdays import CalendarNotCovered, working_days_between
from gongkai.interaction.channels.models import HotlineSession
from gongkai.interaction.letters import masking, permissions
from gongkai.interaction.letters.clocks import letter_settings, read_clock, refresh_clock
from gongkai.interaction.letters.models import (
    Letter,
    LetterAttachment,
    LetterEvent,
    LetterType,
    PublishedLetter,
)
from gongkai.interaction.letters.workflow import (
    REJECTION_MESSAGES,
    REPLIED_STATES,
    LetterError,
    LetterPermissionDenied,
    transition,
    transition_publication,
)

State = Letter.State
Publication = PublishedLetter.State
Code = LetterEvent.Code
Channel = Letter.Channel
Rating = Letter.Rating
Rejection = Letter.Rejection

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
QUERY_CODE_LENGTH = 8
SUBJECT_MIN_LENGTH = 2
SUBJECT_MAX_LENGTH = 200
CONTENT_MIN_LENGTH = 5
CONTENT_MAX_LENGTH = 5000
REPLY_MIN_LENGTH = 5
MAX_ATTACHMENTS = 3
# Each file: PDF, Word, Excel, text or an image by its content, at most
# GONGKAI_UPLOAD_MAX_BYTES["citizen"] (10 MB unless configured): gongkai.core.uploads.
ATTACHMENT_POLICY = uploads.CITIZEN_ATTACHMENT
_PHONE_RE = re.compile(r"^[\d\-+() ]{5,40}$")


# --------------------------------------------------------------------------- the letter


@dataclass
class LetterInput:
    """What a writer gives, on the online form or to staff registering the letter."""

    letter_type: LetterType
    name: str
    phone: str
    email: str
    subject: str
    content: str
    consent_to_publish: bool = False
    agency: Agency | None = None  # the agency addressed, if the writer named one


def check_letter(data: LetterInput, *, email_required: bool) -> None:
    """Refuse an incomplete or malformed letter, naming the field."""
    if not isinstance(data.letter_type, LetterType) or not data.letter_type.active:
        raise LetterError(_("Choose the kind of letter."), field="letter_type")
    if not data.name.strip():
        raise LetterError(_("Give your name."), field="name")
    if len(data.name.strip()) > 100:
        raise LetterError(_("A name has at most 100 characters."), field="name")
    if not _PHONE_RE.match(data.phone.strip()):
        raise LetterError(_("Give a phone number we can call."), field="phone")
    email = data.email.strip()
    if email_required and not email:
        raise LetterError(_("Give an e-mail address: the reply is announced there."), field="email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise LetterError(_("The e-mail address is not valid."), field="email") from None
    subject = data.subject.strip()
    if not SUBJECT_MIN_LENGTH <= len(subject) <= SUBJECT_MAX_LENGTH:
        raise LetterError(
            _("Give a subject of %(min)d to %(max)d characters.")
            % {"min": SUBJECT_MIN_LENGTH, "max": SUBJECT_MAX_LENGTH},
            field="subject",
        )
    content = data.content.strip()
    if len(content) < CONTENT_MIN_LENGTH:
        raise LetterError(_("Write what your letter is about."), field="content")
    if len(content) > CONTENT_MAX_LENGTH:
        raise LetterError(
            _("A letter has at most %(max)d characters.") % {"max": CONTENT_MAX_LENGTH},
            field="content",
        )


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def check_query_code(letter: Letter, code: str) -> bool:
    """Whether ``code`` is the letter's query code (compared as a password hash)."""
    return bool(code) and check_password(code.strip().upper(), letter.query_code)


def inspect_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, InspectedFile]]:
    """Check the writer's files before anything is stored: at most three, each within the
    citizens' upload policy (type by content, size, virus scan: ``core.uploads``)."""
    files = [upload for upload in files if upload is not None]
    if len(files) > MAX_ATTACHMENTS:
        raise LetterError(
            _("Attach at most %(count)d files.") % {"count": MAX_ATTACHMENTS},
            field="attachments",
        )
    inspected = []
    for upload in files:
        try:
            inspected.append((upload, uploads.inspect_upload(upload, policy=ATTACHMENT_POLICY)))
        except uploads.UploadRefused as refused:
            raise LetterError(refused.message, field="attachments") from None
    return inspected


def _store_attachments(
    letter: Letter, files: Iterable[tuple[UploadedFile, InspectedFile]], *, actor: User | None
) -> list[LetterAttachment]:
    stored = []
    for _upload, inspected in files:
        attachment = LetterAttachment(
            letter=letter,
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=inspected.size,
            uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        attachment.file.save(inspected.original_name, inspected.as_file(), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


# --------------------------------------------------------------------------- helpers


def _today() -> datetime.date:
    return timezone.localdate()


def _date(on: datetime.date | None) -> datetime.date:
    today = _today()
    on = on or today
    if on > today:
        raise LetterError(_("The date cannot be in the future."), field="on")
    return on


def _event(
    letter: Letter,
    code: str,
    *,
    actor: User | None,
    on: datetime.date,
    from_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    clock: str = "",
    at: datetime.datetime | None = None,
) -> LetterEvent:
    """Append an event. The history is chronological: an action dated before the letter's
    last step (or its receipt) is refused, so the clock never sees events out of order."""
    last = letter.events.order_by("-on").values_list("on", flat=True).first()
    floor = max(last or letter.received_on, letter.received_on)
    if on < floor:
        raise LetterError(
            _("The date cannot be before %(date)s, the last step of this letter.")
            % {"date": floor.isoformat()},
            field="on",
        )
    return LetterEvent.objects.create(
        letter=letter,
        code=code,
        at=at or timezone.now(),
        on=on,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_state=from_state,
        to_state=letter.state,
        comment=comment,
        data=data or {},
        clock_kind=clock,
    )


def _audit(action: str, letter: Letter, *, actor: User | None, **details: Any) -> None:
    audit.record(
        f"letters.{action}",
        actor=actor,
        obj=letter,
        agency_id=letter.handling_agency_id or letter.agency_id,
        details=details,
    )


def _save(letter: Letter, *fields: str, today: datetime.date | None = None) -> None:
    """Save the changed fields with the refreshed clock cache."""
    save_with_clock(letter, refresh_clock, *fields, today=today)


def _require(allowed: bool) -> None:
    if not allowed:
        raise LetterPermissionDenied(_("You may not do this with this letter."))


def _locked(letter: Letter) -> Letter:
    """The letter re-read under a row lock, so two people cannot act on it at once."""
    rows = Letter.objects.select_for_update(of=("self",))
    return rows.select_related("letter_type", "handling_agency").get(pk=letter.pk)


def status_url(letter: Letter) -> str:
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    return site + reverse("letters:status") + f"?number={letter.number}"


def _notify(letter: Letter, topic: str, subject: str, lines: Sequence[str]) -> None:
    """Queue an e-mail to the writer (when they gave an address): what happened, the number
    and where to look — sent after the transaction commits."""
    if not letter.email:
        return
    body = "\n\n".join(
        [
            *(str(line) for line in lines if line),
            _("Tracking number: %(number)s") % {"number": letter.number},
            _("Status page: %(url)s (with your query code)") % {"url": status_url(letter)},
        ]
    )
    queue_mail(
        to=letter.email,
        subject=f"[{letter.number}] {subject}",
        body=body,
        topic=f"letters.{topic}",
    )


# --------------------------------------------------------------------------- receipt


def _create(
    data: LetterInput,
    *,
    channel: str,
    received_on: datetime.date,
    submitted_at: datetime.datetime,
    registered_by: User | None,
    submission_key: str | None,
    hotline_session: HotlineSession | None = None,
) -> tuple[Letter, str]:
    code = new_query_code()
    _serial, number = allocate_number(
        scope=f"letters:{received_on.year}",
        pattern=letter_settings().number_pattern,
        year=received_on.year,
    )
    letter_type = data.letter_type
    letter = Letter.objects.create(
        number=number,
        query_code=make_password(code),
        letter_type=letter_type,
        channel=channel,
        agency=data.agency or letter_type.agency,
        name=data.name.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        subject=data.subject.strip(),
        content=data.content.strip(),
        consent_to_publish=data.consent_to_publish,
        submitted_at=submitted_at,
        received_on=received_on,
        registered_by=registered_by,
        submission_key=submission_key,
        hotline_session=hotline_session,
    )
    return letter, code


def submit_letter(
    data: LetterInput,
    *,
    submission_key: str,
    attachments: Sequence[UploadedFile] = (),
    now: datetime.datetime | None = None,
) -> tuple[Letter, str | None]:
    """A letter written on the online form; returns it and its query code.

    ``submission_key`` comes with the form: a second submission of the same form (a refresh,
    a double click, a retry after a timeout) returns the first letter and no code (the page
    that showed it keeps it), and stores nothing more.
    """
    if not submission_key or len(submission_key) > 64:
        raise LetterError(_("The form has expired; please send it again."))
    existing = Letter.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, None
    check_letter(data, email_required=True)
    files = inspect_attachments(attachments)
    now = now or timezone.now()  # given only by the demonstration loader
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            letter, code = _create(
                data,
                channel=Channel.ONLINE,
                received_on=today,
                submitted_at=now,
                registered_by=None,
                submission_key=submission_key,
            )
            stored = _store_attachments(letter, files, actor=None)
            _event(
                letter,
                Code.SUBMITTED,
                actor=None,
                on=today,
                at=now,
                data={"type": letter.letter_type_id, "attachments": len(stored)},
            )
            _audit("submit", letter, actor=None)
            _notify(
                letter,
                "submitted",
                _("Your letter has been received"),
                [_("We received your letter “%(subject)s” on %(date)s.")
                 % {"subject": letter.subject, "date": today.isoformat()}],
            )  # fmt: skip
    except IntegrityError:
        # The same form sent twice at the same moment: the other one won.
        existing = Letter.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, None
    return letter, code


def _check_follow_up(session: HotlineSession, *, channel: str, received_on: datetime.date) -> None:
    """A case taken on air for follow-up came by the hotline, on or after the day on air."""
    if channel != Channel.HOTLINE:
        raise LetterError(
            _("A follow-up of a hotline session comes by the hotline."), field="channel"
        )
    if received_on < session.aired_on:
        raise LetterError(
            _("A follow-up cannot be received before its session was on air (%(date)s).")
            % {"date": session.aired_on.isoformat()},
            field="received_on",
        )


def _lock_session(session: HotlineSession) -> HotlineSession:
    """The session re-read under a row lock, so that two follow-ups registered at once are
    counted against its calls one after the other; a session cannot have more follow-up
    cases than calls taken."""
    locked = HotlineSession.objects.select_for_update().get(pk=session.pk)
    if locked.follow_up_letters.count() >= locked.calls:
        raise LetterError(
            _(
                "The session took %(calls)d calls and has as many follow-up letters already; "
                "correct the session's calls first."
            )
            % {"calls": locked.calls},
            field="hotline_session",
        )
    return locked


def register_letter(
    data: LetterInput,
    *,
    actor: User,
    channel: str,
    received_on: datetime.date,
    attachments: Sequence[UploadedFile] = (),
    hotline_session: HotlineSession | None = None,
) -> tuple[Letter, str]:
    """A letter that came by the hotline, by post, in a visit or a phone call, typed in by the
    office with the day it arrived. The writer's e-mail is optional here: someone who phones
    or writes on paper may have none (they are then told the number and code by staff).

    With ``hotline_session``, the letter is a case taken on air for follow-up (下线后调查办理):
    it comes by the hotline, on or after the day on air, and is linked to the session, whose
    follow-up figure then counts such letters; it is handled like any other letter."""
    _require(permissions.can_receive_letters(actor))
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise LetterError(_("Choose the channel the letter came by."), field="channel")
    if received_on > _today():
        raise LetterError(_("The date cannot be in the future."), field="received_on")
    if hotline_session is not None:
        _check_follow_up(hotline_session, channel=channel, received_on=received_on)
    check_letter(data, email_required=False)
    files = inspect_attachments(attachments)
    with transaction.atomic():
        session = _lock_session(hotline_session) if hotline_session is not None else None
        letter, code = _create(
            data,
            channel=channel,
            received_on=received_on,
            submitted_at=timezone.now(),
            registered_by=actor,
            submission_key=None,
            hotline_session=session,
        )
        stored = _store_attachments(letter, files, actor=actor)
        event_data: dict[str, Any] = {
            "type": letter.letter_type_id,
            "channel": channel,
            "attachments": len(stored),
        }
        if session is not None:
            event_data["hotline_session"] = session.pk
        _event(letter, Code.REGISTERED, actor=actor, on=received_on, data=event_data)
        if session is not None:
            _audit("register", letter, actor=actor, channel=channel, hotline_session=session.pk)
        else:
            _audit("register", letter, actor=actor, channel=channel)
        _notify(
            letter,
            "registered",
            _("Your letter has been registered"),
            [_("Your letter “%(subject)s” was registered on %(date)s.")
             % {"subject": letter.subject, "date": received_on.isoformat()}],
        )  # fmt: skip
    return letter, code


# --------------------------------------------------------------------------- the office


def accept_letter(
    letter: Letter,
    *,
    actor: User,
    letter_type: LetterType | None = None,
    handling_agency: Agency | None = None,
    note: str = "",
    on: datetime.date | None = None,
) -> Letter:
    """Accept (受理) the letter: its reply clock starts, with the limit of its type (which the
    office may correct here: a "complaint" that only asks a question is a consultation). With
    ``handling_agency``, assign it at once."""
    _require(permissions.can_receive_letters(actor))
    on = _date(on)
    with transaction.atomic():
        letter = _locked(letter)
        before = transition(letter, State.ACCEPTED)
        changed_type = letter_type is not None and letter_type.pk != letter.letter_type_id
        if letter_type is not None:
            letter.letter_type = letter_type
        letter.accepted_on = on
        letter.limit_days = letter.letter_type.reply_days
        data: dict[str, Any] = {"limit": letter.limit_days}
        if changed_type:
            data["type"] = letter.letter_type_id
        _event(
            letter,
            Code.ACCEPTED,
            actor=actor,
            on=on,
            from_state=before,
            data=data,
            clock=EventKind.START,
        )
        _save(letter, "state", "letter_type", "accepted_on", "limit_days")
        _audit("accept", letter, actor=actor, limit=letter.limit_days)
        if handling_agency is not None:
            letter = _assign(letter, actor=actor, agency=handling_agency, note=note, on=on)
    return letter


def reject_letter(
    letter: Letter,
    *,
    actor: User,
    reason: str,
    note: str = "",
    duplicate_of: str = "",
    on: datetime.date | None = None,
) -> Letter:
    """Do not accept the letter (不予受理), for one of the reasons of
    :data:`~gongkai.interaction.letters.workflow.REJECTION_MESSAGES`; the writer is told why
    and, for an application for information or a petition, where to turn instead."""
    _require(permissions.can_receive_letters(actor))
    on = _date(on)
    if reason not in Rejection.values:
        raise LetterError(_("Choose why the letter is not accepted."), field="reason")
    note = note.strip()
    if reason == Rejection.OUT_OF_SCOPE and not note:
        raise LetterError(
            _("Tell the writer where to turn instead (the body responsible)."), field="note"
        )
    with transaction.atomic():
        letter = _locked(letter)
        earlier: Letter | None = None
        if duplicate_of.strip():
            if reason != Rejection.DUPLICATE:
                raise LetterError(
                    _("An earlier letter is named only for a duplicate."), field="duplicate_of"
                )
            earlier = Letter.objects.filter(number__iexact=duplicate_of.strip()).first()
            if earlier is None or earlier.pk == letter.pk:
                raise LetterError(
                    _("No other letter has the number “%(number)s”.")
                    % {"number": duplicate_of.strip()},
                    field="duplicate_of",
                )
        before = transition(letter, State.REJECTED)
        letter.rejection_reason = reason
        letter.rejection_note = note
        letter.duplicate_of = earlier
        letter.closed_on = on
        _event(
            letter,
            Code.REJECTED,
            actor=actor,
            on=on,
            from_state=before,
            comment=note,
            data={"reason": reason, **({"duplicate_of": earlier.number} if earlier else {})},
        )
        _save(letter, "state", "rejection_reason", "rejection_note", "duplicate_of", "closed_on")
        _audit("reject", letter, actor=actor, reason=reason)
        _notify(
            letter,
            "rejected",
            _("Your letter was not accepted"),
            [str(REJECTION_MESSAGES[reason]), note, *_redirect_lines(reason)],
        )
    return letter


def _redirect_lines(reason: str) -> list[str]:
    """Where a writer pointed elsewhere should turn, for the e-mail."""
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    if reason == Rejection.INFO_REQUEST:
        return [_("The application form: %(url)s") % {"url": site + reverse("info_requests:apply")}]
    if reason == Rejection.PETITION:
        config = letter_settings()
        lines = []
        if config.petition_agency_id is not None and config.petition_agency is not None:
            lines.append(config.petition_agency.name)
        if config.petition_note:
            lines.append(config.petition_note)
        return lines
    return []


def _assign(letter: Letter, *, actor: User, agency: Agency, note: str, on: datetime.date) -> Letter:
    before = transition(letter, State.HANDLING)
    letter.handling_agency = agency
    _event(
        letter,
        Code.ASSIGNED,
        actor=actor,
        on=on,
        from_state=before,
        comment=note.strip(),
        data={"agency": agency.pk},
    )
    _save(letter, "state", "handling_agency")
    _audit("assign", letter, actor=actor, agency=agency.pk)
    return letter


def assign_letter(
    letter: Letter,
    *,
    actor: User,
    agency: Agency,
    note: str = "",
    on: datetime.date | None = None,
) -> Letter:
    """Give the accepted letter to the agency that answers it (转办), with the office's
    instructions if any."""
    _require(permissions.can_receive_letters(actor))
    on = _date(on)
    with transaction.atomic():
        letter = _locked(letter)
        return _assign(letter, actor=actor, agency=agency, note=note, on=on)


def transfer_letter(
    letter: Letter,
    *,
    actor: User,
    agency: Agency,
    reason: str,
    on: datetime.date | None = None,
) -> Letter:
    """Move the letter to another handling agency (转办 onwards), with the reason. The reply
    clock runs on: the time spent finding the right agency is the government's."""
    _require(permissions.can_receive_letters(actor))
    on = _date(on)
    if not reason.strip():
        raise LetterError(_("Give the reason for the transfer."), field="reason")
    with transaction.atomic():
        letter = _locked(letter)
        if letter.state != State.HANDLING or letter.handling_agency_id is None:
            raise LetterError(_("Only a letter being handled can be transferred."))
        if letter.handling_agency_id == agency.pk:
            raise LetterError(_("The letter is with that agency already."), field="agency")
        previous = letter.handling_agency_id
        letter.handling_agency = agency
        _event(
            letter,
            Code.TRANSFERRED,
            actor=actor,
            on=on,
            from_state=letter.state,
            comment=reason.strip(),
            data={"from": previous, "to": agency.pk},
        )
        _save(letter, "handling_agency")
        _audit("transfer", letter, actor=actor, agency=agency.pk, previous=previous)
    return letter


# --------------------------------------------------------------------------- the agency


def draft_reply(
    letter: Letter, *, actor: User, reply_text: str, on: datetime.date | None = None
) -> Letter:
    """Write (or rewrite) the reply to the letter: the handling agency's handler."""
    on = _date(on)
    text = reply_text.strip()
    if len(text) < REPLY_MIN_LENGTH:
        raise LetterError(_("Write the reply."), field="reply_text")
    if len(text) > CONTENT_MAX_LENGTH:
        raise LetterError(
            _("A reply has at most %(max)d characters.") % {"max": CONTENT_MAX_LENGTH},
            field="reply_text",
        )
    with transaction.atomic():
        letter = _locked(letter)
        _require(permissions.can_handle_letter(actor, letter))
        if letter.state != State.HANDLING:
            raise LetterError(_("The reply is written while the letter is being handled."))
        letter.reply_text = text
        _event(letter, Code.DRAFTED, actor=actor, on=on, from_state=letter.state)
        _save(letter, "reply_text")
        _audit("draft_reply", letter, actor=actor)
    return letter


def submit_for_review(letter: Letter, *, actor: User, on: datetime.date | None = None) -> Letter:
    """Send the drafted reply to the agency's reviewer (审核)."""
    on = _date(on)
    with transaction.atomic():
        letter = _locked(letter)
        _require(permissions.can_handle_letter(actor, letter))
        if letter.state == State.HANDLING and not letter.reply_text:
            raise LetterError(_("Draft the reply before sending it for review."))
        before = transition(letter, State.REVIEW)
        _event(letter, Code.SUBMITTED_FOR_REVIEW, actor=actor, on=on, from_state=before)
        _save(letter, "state")
        _audit("submit_for_review", letter, actor=actor)
    return letter


def _submitter(letter: Letter) -> int | None:
    event = letter.events.filter(code=Code.SUBMITTED_FOR_REVIEW).order_by("-at", "-id").first()
    return event.actor_id if event is not None else None


def review_letter(
    letter: Letter,
    *,
    actor: User,
    approve: bool,
    comment: str = "",
    on: datetime.date | None = None,
) -> Letter:
    """The agency's reviewer approves the reply — it goes out at once and the writer is told —
    or returns it to the handler with what must change. Someone other than the handler who
    sent it reviews it."""
    on = _date(on)
    comment = comment.strip()
    if not approve and not comment:
        raise LetterError(_("Say what must change."), field="comment")
    with transaction.atomic():
        letter = _locked(letter)
        _require(permissions.can_review_letter(actor, letter))
        if letter.state != State.REVIEW:
            raise LetterError(_("This letter is not waiting for review."))
        if _submitter(letter) == actor.pk:
            raise LetterPermissionDenied(
                _("The reply is reviewed by someone other than the handler who sent it.")
            )
        if not approve:
            before = transition(letter, State.HANDLING)
            _event(
                letter, Code.REVIEW_RETURNED, actor=actor, on=on, from_state=before,
                comment=comment,
            )  # fmt: skip
            _save(letter, "state")
            _audit("review_return", letter, actor=actor)
            return letter
        _event(letter, Code.REVIEW_APPROVED, actor=actor, on=on, from_state=letter.state,
               comment=comment)  # fmt: skip
        _audit("review_approve", letter, actor=actor)
        return _issue_reply(letter, actor=actor, on=on)


def _issue_reply(letter: Letter, *, actor: User, on: datetime.date) -> Letter:
    """The reply goes out on ``on``: the clock stops and the writer is told."""
    before = transition(letter, State.REPLIED)
    letter.replied_on = on
    letter.replied_at = timezone.now()
    if timezone.localdate(letter.replied_at) != on:
        # A reply recorded for an earlier day (the demonstration): noon of that day.
        letter.replied_at = datetime.datetime.combine(
            on, datetime.time(12), tzinfo=timezone.get_current_timezone()
        )
    reading = None
    with contextlib.suppress(ClockError, CalendarNotCovered):
        reading = read_clock(letter, today=on)
    _event(
        letter,
        Code.REPLIED,
        actor=actor,
        on=on,
        from_state=before,
        at=letter.replied_at,
        data={
            "agency": letter.handling_agency_id,
            "due_on": reading.due_date.isoformat() if reading and reading.due_date else "",
            "working_days": reading.used if reading else None,
            "reopened": letter.reopened,
        },
        clock=EventKind.STOP,
    )
    _save(letter, "state", "replied_on", "replied_at")
    _audit("reply", letter, actor=actor)
    _notify(
        letter,
        "replied",
        _("Reply to your letter"),
        [_("The reply to your letter “%(subject)s”:") % {"subject": letter.subject},
         letter.reply_text,
         _("Please tell us on the status page whether the reply satisfies you.")],
    )  # fmt: skip
    return letter


# --------------------------------------------------------------------------- the writer


def rate_letter(
    letter: Letter,
    *,
    rating: str,
    comment: str = "",
    reopen: bool = False,
    now: datetime.datetime | None = None,
) -> Letter:
    """The writer rates the reply on the status page (满意, 基本满意, 不满意). The letter is
    closed — unless the writer is unsatisfied and asks for it to be handled again, which is
    allowed once: it goes back to the handler with a new reply clock of the same limit."""
    if rating not in Rating.values:
        raise LetterError(_("Choose how satisfied you are with the reply."), field="rating")
    comment = comment.strip()
    if len(comment) > CONTENT_MAX_LENGTH:
        raise LetterError(
            _("A comment has at most %(max)d characters.") % {"max": CONTENT_MAX_LENGTH},
            field="comment",
        )
    if reopen and rating != Rating.UNSATISFIED:
        raise LetterError(
            _("A letter is handled again only when you are not satisfied with the reply."),
            field="reopen",
        )
    if rating == Rating.UNSATISFIED and not comment:
        raise LetterError(_("Say what the reply lacks."), field="comment")
    now = now or timezone.now()
    on = timezone.localdate(now)
    with transaction.atomic():
        letter = _locked(letter)
        if letter.state != State.REPLIED:
            raise LetterError(_("This letter is not waiting for your rating."))
        if reopen and letter.reopened:
            raise LetterError(
                _("A letter can be handled again only once; it has been already."),
                field="reopen",
            )
        before = letter.state
        # The rating first (no change of state), then what it leads to.
        _event(letter, Code.RATED, actor=None, on=on, at=now, from_state=before,
               comment=comment, data={"rating": rating, "reopen": reopen})  # fmt: skip
        if reopen:
            transition(letter, State.HANDLING)
            letter.reopened = True
            _event(
                letter,
                Code.REOPENED,
                actor=None,
                on=on,
                at=now,
                from_state=before,
                data={"limit": letter.limit_days},
                clock=EventKind.START,
            )
            _save(letter, "state", "reopened")
            _audit("reopen", letter, actor=None, rating=rating)
            # Its public Q&A shows a reply that no longer stands: withdrawn at once.
            _withdraw_if_published(
                letter,
                actor=None,
                reason=_("The letter was reopened after an unsatisfied rating."),
                now=now,
            )
            return letter
        transition(letter, State.CLOSED)
        letter.rating, letter.rating_comment, letter.rated_at = rating, comment, now
        letter.closed_on = on
        _event(letter, Code.CLOSED, actor=None, on=on, at=now, from_state=before,
               data={"rated": True})  # fmt: skip
        _save(letter, "state", "rating", "rating_comment", "rated_at", "closed_on")
        _audit("rate", letter, actor=None, rating=rating)
    return letter


# --------------------------------------------------------------------------- closing


def close_letter(
    letter: Letter, *, actor: User, comment: str = "", on: datetime.date | None = None
) -> Letter:
    """The office closes a replied letter without waiting for the writer's rating (for
    example when the writer confirmed by phone that the matter is settled)."""
    _require(permissions.can_receive_letters(actor))
    on = _date(on)
    with transaction.atomic():
        letter = _locked(letter)
        if letter.state != State.REPLIED:
            raise LetterError(_("Only a replied letter can be closed."))
        before = transition(letter, State.CLOSED)
        letter.closed_on = on
        _event(letter, Code.CLOSED, actor=actor, on=on, from_state=before,
               comment=comment.strip(), data={"rated": False})  # fmt: skip
        _save(letter, "state", "closed_on")
        _audit("close", letter, actor=actor)
    return letter


def close_unrated_letter(letter: Letter, *, today: datetime.date | None = None) -> Letter | None:
    """The daily job: close a replied letter the writer has not rated within the settings'
    working days. Returns None when nothing was due, so a second run does nothing."""
    today = today or _today()
    with transaction.atomic():
        letter = _locked(letter)
        if letter.state != State.REPLIED or letter.replied_on is None:
            return None
        days = letter_settings().rating_days
        try:
            waited = working_days_between(letter.replied_on, today)
        except CalendarNotCovered:
            return None
        if waited <= days:
            return None
        before = transition(letter, State.CLOSED)
        letter.closed_on = today
        _event(letter, Code.CLOSED, actor=None, on=today, from_state=before,
               data={"rated": False, "waited": waited})  # fmt: skip
        _save(letter, "state", "closed_on", today=today)
        _audit("close_unrated", letter, actor=None)
    return letter


def refresh_letter_clock(letter: Letter, *, today: datetime.date | None = None) -> Letter:
    """The daily job: refresh the cached due date and state; mark (once a clock) that the
    letter is overdue."""
    today = today or _today()
    with transaction.atomic():
        letter = _locked(letter)
        _save(letter, today=today)
        if letter.clock_state != "overdue":
            return letter
        last_start = letter.events.filter(clock_kind=EventKind.START).order_by("-on", "-id").first()
        marked = letter.events.filter(code=Code.OVERDUE)
        if last_start is not None:
            marked = marked.filter(id__gt=last_start.pk)
        if not marked.exists():
            _event(
                letter, Code.OVERDUE, actor=None, on=today, from_state=letter.state,
                data={"due_on": letter.due_on.isoformat() if letter.due_on else ""},
            )  # fmt: skip
    return letter


# --------------------------------------------------------------------------- public Q&A
#
# 公开答复: a replied letter whose writer agreed is proposed for publication with its personal
# data masked (``letters.masking``), the reviewer edits and confirms the public text, and it is
# public until withdrawn. The letter's own state never changes; each step is a LetterEvent.

PUBLIC_SUBJECT_MAX_LENGTH = SUBJECT_MAX_LENGTH


def writer_of(letter: Letter) -> masking.Writer:
    """The writer's own data, to be masked wherever it stands in the public text."""
    return masking.Writer(name=letter.name, phone=letter.phone, email=letter.email)


def masked_letter(letter: Letter) -> masking.MaskedLetter:
    """The letter's subject, text and reply with the personal data masked automatically."""
    return masking.mask_letter(
        subject=letter.subject,
        content=letter.content,
        reply=letter.reply_text,
        writer=writer_of(letter),
    )


def check_publishable(letter: Letter) -> None:
    """Refuse a letter that may not be published: without the writer's consent, or not
    replied yet."""
    if not letter.consent_to_publish:
        raise LetterError(
            _(
                "The writer did not agree to publication: this letter cannot be published as "
                "public Q&A."
            )
        )
    if letter.state not in REPLIED_STATES or not letter.reply_text:
        raise LetterError(_("Only a replied letter can be published as public Q&A."))


def _publication_of(letter: Letter) -> PublishedLetter | None:
    """The letter's public Q&A, locked (the letter is locked already)."""
    return PublishedLetter.objects.select_for_update().filter(letter=letter).first()


def _reply_days(letter: Letter) -> int | None:
    """Working days from acceptance to the reply (the day of acceptance not counted)."""
    if letter.accepted_on is None or letter.replied_on is None:
        return None
    try:
        return max(0, working_days_between(letter.accepted_on, letter.replied_on))
    except CalendarNotCovered:
        return None


def propose_publication(
    letter: Letter, *, actor: User, now: datetime.datetime | None = None
) -> PublishedLetter:
    """Propose the replied letter as public Q&A: its subject, text and reply are masked
    automatically (the writer's name, phone and e-mail, and identity numbers, mobile numbers,
    bank cards and e-mail addresses wherever they stand) and kept as a proposal that is not
    public until a reviewer confirms it (:func:`publish_letter`). Proposing again masks the
    texts afresh (after a withdrawal, or when the reply changed)."""
    now = now or timezone.now()
    with transaction.atomic():
        letter = _locked(letter)
        _require(permissions.can_publish_letter(actor, letter))
        check_publishable(letter)
        publication = _publication_of(letter)
        current = publication.state if publication is not None else ""
        if publication is None:
            publication = PublishedLetter(letter=letter)
        transition_publication(publication, Publication.PROPOSED, current=current)
        masked = masked_letter(letter)
        publication.public_subject = masked.subject.text[:PUBLIC_SUBJECT_MAX_LENGTH]
        publication.public_content = masked.content.text
        publication.public_reply = masked.reply.text
        publication.reply_of = letter.replied_at
        publication.reply_days = None
        publication.proposed_at, publication.proposed_by = now, actor
        publication.published_at, publication.published_by = None, None
        publication.withdrawn_at, publication.withdrawn_by = None, None
        publication.withdrawal_reason = ""
        publication.save()
        kinds = sorted({str(finding.kind) for finding in masked.findings})
        _event(
            letter,
            Code.PUBLICATION_PROPOSED,
            actor=actor,
            on=timezone.localdate(now),
            at=now,
            from_state=letter.state,
            data={"publication": publication.pk, "masked": len(masked.findings), "kinds": kinds},
        )
        _audit("propose_publication", letter, actor=actor, publication=publication.pk)
    return publication


def _check_public_text(
    letter: Letter, *, subject: str, content: str, reply: str
) -> tuple[str, str, str]:
    """The reviewer's public texts, trimmed; refused (naming the field) when one is empty or
    too long, or still holds the writer's name, phone or e-mail or other personal data of high
    risk."""
    subject, content, reply = subject.strip(), content.strip(), reply.strip()
    if not SUBJECT_MIN_LENGTH <= len(subject) <= PUBLIC_SUBJECT_MAX_LENGTH:
        raise LetterError(
            _("Give a subject of %(min)d to %(max)d characters.")
            % {"min": SUBJECT_MIN_LENGTH, "max": PUBLIC_SUBJECT_MAX_LENGTH},
            field="public_subject",
        )
    for field, text in (("public_content", content), ("public_reply", reply)):
        if len(text) < CONTENT_MIN_LENGTH:
            raise LetterError(_("This text cannot be empty."), field=field)
        if len(text) > CONTENT_MAX_LENGTH:
            raise LetterError(
                _("A text has at most %(max)d characters.") % {"max": CONTENT_MAX_LENGTH},
                field=field,
            )
    writer = writer_of(letter)
    for field, text in (
        ("public_subject", subject),
        ("public_content", content),
        ("public_reply", reply),
    ):
        remaining = masking.remaining_personal_data(text, writer)
        if remaining:
            kinds = sorted({masking.kind_label(str(finding.kind)) for finding in remaining})
            raise LetterError(
                _("This text still holds %(what)s: mask it before publishing.")
                % {"what": "; ".join(kinds)},
                field=field,
            )
    return subject, content, reply


def publish_letter(
    letter: Letter,
    *,
    actor: User,
    subject: str,
    content: str,
    reply: str,
    now: datetime.datetime | None = None,
) -> PublishedLetter:
    """Confirm the proposed public Q&A with the reviewer's final texts: from now on it is on
    the public pages and in the search index. Refused without the writer's consent, without a
    proposal, when the reply changed since the proposal, and when a text still holds the
    writer's name, phone or e-mail or other high-risk personal data."""
    now = now or timezone.now()
    with transaction.atomic():
        letter = _locked(letter)
        _require(permissions.can_publish_letter(actor, letter))
        check_publishable(letter)
        publication = _publication_of(letter)
        if publication is None or publication.state != Publication.PROPOSED:
            raise LetterError(
                _("Prepare the publication first: the masked text is proposed, then confirmed.")
            )
        if publication.reply_of != letter.replied_at:
            raise LetterError(
                _("The reply changed since the publication was prepared: prepare it again.")
            )
        subject, content, reply = _check_public_text(
            letter, subject=subject, content=content, reply=reply
        )
        edited = (subject, content, reply) != (
            publication.public_subject,
            publication.public_content,
            publication.public_reply,
        )
        transition_publication(publication, Publication.PUBLISHED, current=publication.state)
        publication.public_subject, publication.public_content = subject, content
        publication.public_reply = reply
        publication.reply_days = _reply_days(letter)
        publication.published_at, publication.published_by = now, actor
        publication.save()
        _event(
            letter,
            Code.PUBLISHED,
            actor=actor,
            on=timezone.localdate(now),
            at=now,
            from_state=letter.state,
            data={"publication": publication.pk, "edited": edited},
        )
        _audit("publish", letter, actor=actor, publication=publication.pk, edited=edited)
        site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
        _notify(
            letter,
            "published",
            _("Your letter is published as public Q&A"),
            [_("Your letter “%(subject)s” and its reply are published without your personal "
               "data:") % {"subject": letter.subject},
             site + reverse("letters:qa_detail", args=[publication.pk])],
        )  # fmt: skip
    return publication


def _withdraw(
    publication: PublishedLetter,
    letter: Letter,
    *,
    actor: User | None,
    reason: str,
    now: datetime.datetime,
) -> PublishedLetter:
    transition_publication(publication, Publication.WITHDRAWN, current=publication.state)
    publication.withdrawn_at, publication.withdrawn_by = now, actor
    publication.withdrawal_reason = reason
    publication.save()
    _event(
        letter,
        Code.PUBLICATION_WITHDRAWN,
        actor=actor,
        on=timezone.localdate(now),
        at=now,
        from_state=letter.state,
        comment=reason,
        data={"publication": publication.pk},
    )
    _audit("withdraw_publication", letter, actor=actor, publication=publication.pk)
    return publication


def withdraw_publication(
    letter: Letter, *, actor: User, reason: str, now: datetime.datetime | None = None
) -> PublishedLetter:
    """Take the letter's public Q&A off the public pages and the search index, with the
    reason (for example personal data found after all, or the writer's request). It may be
    proposed and published again later."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise LetterError(_("Give the reason for the withdrawal."), field="reason")
    with transaction.atomic():
        letter = _locked(letter)
        _require(permissions.can_publish_letter(actor, letter))
        publication = _publication_of(letter)
        if publication is None or publication.state != Publication.PUBLISHED:
            raise LetterError(_("This letter is not published as public Q&A."))
        return _withdraw(publication, letter, actor=actor, reason=reason, now=now)


def _withdraw_if_published(
    letter: Letter, *, actor: User | None, reason: str, now: datetime.datetime
) -> None:
    """Inside a service's transaction: withdraw the letter's public Q&A if it is public; a
    proposal waiting for confirmation is marked stale (it holds the old reply), so that it
    must be proposed again before it can be published."""
    publication = _publication_of(letter)
    if publication is None:
        return
    if publication.state == Publication.PUBLISHED:
        _withdraw(publication, letter, actor=actor, reason=reason, now=now)
    elif publication.state == Publication.PROPOSED:
        publication.reply_of = None
        publication.save(update_fields=["reply_of", "updated_at"])
