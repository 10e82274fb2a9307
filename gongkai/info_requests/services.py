"""Every action that changes an application (REG 29–45). One function per action, one
transaction each, the permission checked, an event and an audit entry written; mail to the
applicant is queued in the same transaction and sent after it commits.

Dates: ``on`` is the legal date of an action (the day a letter went out or an answer arrived),
today by default, never in the future; the clock counts from these dates.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document
from gongkai.catalogue.workflow import CatalogueError
from gongkai.core import audit, uploads
from gongkai.core.clock import EventKind, save_with_clock
from gongkai.core.mail import queue_mail
from gongkai.core.models import User
from gongkai.core.numbering import allocate_number
from gongkai.core.text import is_valid_resident_id, segment
from gongkai.core.workdays import add_working_days, working_days_between
from gongkai.info_requests import fees, permissions
from gongkai.info_requests.clocks import policy, read_clock, refresh_clock
from gongkai.info_requests.models import (
    AgencyRequestSettings,
    Consultation,
    FeeNotice,
    InfoRequest,
    Notice,
    Remedy,
    RequestEvent,
    RequestFile,
    WithheldPart,
    answering_event_condition,
    answers_application,
    recorded_outcome,
)
from gongkai.info_requests.outcomes import AT_RECEIPT, BY_DEADLINE, WITHHOLDING, Exemption, Outcome
from gongkai.info_requests.rules import RuleSetError, rule_set, rule_set_for
from gongkai.info_requests.workflow import (
    HANDLER_STATES,
    OPEN_STATES,
    InfoRequestError,
    InfoRequestPermissionDenied,
    transition,
)

if TYPE_CHECKING:
    from gongkai.citizens.models import CitizenAccount

State = InfoRequest.State
Code = RequestEvent.Code
Channel = InfoRequest.Channel

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
QUERY_CODE_LENGTH = 8
REPEAT_SIMILARITY = 0.6  # share of the shorter description's words found in the other


# --------------------------------------------------------------------------- the application


@dataclass
class Application:
    """What an applicant gives (REG 29), from the online form or a registered letter."""

    applicant_kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    description: str
    form: str
    delivery: str
    organisation_kind: str = ""
    credit_code: str = ""
    contact_person: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    doc_number_hint: str = ""
    fee_waiver_requested: bool = False
    fee_waiver_reason: str = ""
    assistance: str = ""
    case_type: str = InfoRequest.CaseType.INFORMATION
    extra: dict[str, Any] = field(default_factory=dict)


_CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_POSTCODE_RE = re.compile(r"^\d{6}$")
_PHONE_RE = re.compile(r"^[\d\-+() ]{5,40}$")


def is_valid_credit_code(value: str) -> bool:
    """An 18-character unified social credit code (统一社会信用代码, GB 32100-2015) with its
    check character."""
    value = value.strip().upper()
    if len(value) != 18 or any(char not in _CREDIT_CODE_CHARS for char in value):
        return False
    total = sum(
        _CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(value[:17], _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return _CREDIT_CODE_CHARS[(31 - total % 31) % 31] == value[17]


def _check_application(data: Application) -> None:
    """Refuse an incomplete or malformed application, naming the field (REG 29)."""
    kinds = InfoRequest.ApplicantKind
    if data.applicant_kind not in kinds.values:
        raise InfoRequestError(_("Choose the kind of applicant."), field="applicant_kind")
    if not data.name.strip():
        raise InfoRequestError(_("Give the applicant's name."), field="name")
    if data.applicant_kind == kinds.ORGANISATION:
        if data.organisation_kind not in InfoRequest.OrganisationKind.values:
            raise InfoRequestError(_("Choose the kind of organisation."), field="organisation_kind")
        if not is_valid_credit_code(data.credit_code):
            raise InfoRequestError(
                _("The unified social credit code is not valid (18 characters with a check "
                  "character)."),
                field="credit_code",
            )  # fmt: skip
    elif data.organisation_kind or data.credit_code:
        raise InfoRequestError(
            _("A natural person has no organisation kind or credit code."),
            field="organisation_kind",
        )
    if data.id_type not in InfoRequest.IdType.values:
        raise InfoRequestError(_("Choose the identity document."), field="id_type")
    if not data.id_number.strip():
        raise InfoRequestError(_("Give the identity document's number."), field="id_number")
    if data.id_type == InfoRequest.IdType.RESIDENT_ID and not is_valid_resident_id(data.id_number):
        raise InfoRequestError(
            _("This is not a valid resident identity number: check the 18 characters, the "
              "birth date and the last (check) character."),
            field="id_number",
        )  # fmt: skip
    if not _PHONE_RE.match(data.phone.strip()):
        raise InfoRequestError(_("Give a phone number we can call."), field="phone")
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            raise InfoRequestError(_("The e-mail address is not valid."), field="email") from None
    if data.postcode and not _POSTCODE_RE.match(data.postcode):
        raise InfoRequestError(_("A postcode has six digits."), field="postcode")
    if len(data.description.strip()) < 4:
        raise InfoRequestError(
            _("Describe the information you ask for: its name, document number or other "
              "features that allow it to be found."),
            field="description",
        )  # fmt: skip
    if data.form not in InfoRequest.Form.values:
        raise InfoRequestError(_("Choose the form you want the information in."), field="form")
    if data.delivery not in InfoRequest.Delivery.values:
        raise InfoRequestError(_("Choose how to receive the information."), field="delivery")
    if data.delivery == InfoRequest.Delivery.EMAIL and not data.email:
        raise InfoRequestError(_("Give an e-mail address to receive it by e-mail."), field="email")
    if data.delivery == InfoRequest.Delivery.POST and not data.address.strip():
        raise InfoRequestError(_("Give a postal address to receive it by post."), field="address")
    if data.fee_waiver_requested and not data.fee_waiver_reason.strip():
        raise InfoRequestError(_("Say why the fee should be waived."), field="fee_waiver_reason")
    if data.case_type not in InfoRequest.CaseType.values:
        raise InfoRequestError(_("Choose the kind of request."), field="case_type")


def id_digest(id_type: str, id_number: str) -> str:
    """A keyed hash of the identity document, to recognise the same applicant without
    comparing (or indexing) the number itself."""
    key = getattr(settings, "GONGKAI_ID_DIGEST_KEY", "") or settings.SECRET_KEY
    normalised = re.sub(r"\s+", "", id_number).upper()
    message = f"{id_type}:{normalised}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def check_query_code(request: InfoRequest, code: str) -> bool:
    """Whether ``code`` is the application's query code (compared as a password hash)."""
    return bool(code) and check_password(code.strip().upper(), request.query_code)


# The query code of a new online application, kept briefly for the duplicates of its form
# that race it (a double click, a retry, twenty at once): each of their answers saves its own
# copy of the browser's session, read before the first answer saved the code into it, and the
# copy saved last wins — without the code, which the applicant would then never see. A
# duplicate puts the code back into its copy (``pending_query_code``); the page that shows
# the code forgets it (``forget_pending_query_code``). Issue 9, "Concurrency".
PENDING_CODE_KEY = "info_requests:pending-code:{digest}"
PENDING_CODE_SECONDS = 10 * 60


def _pending_code_key(number: str) -> str:
    return PENDING_CODE_KEY.format(digest=hashlib.sha256(number.encode()).hexdigest()[:32])


def pending_query_code(request: InfoRequest) -> str | None:
    """The query code of ``request``, just submitted online, while the page that shows it has
    not shown it yet (for a duplicate submission of the same form); else None."""
    pending = cache.get(_pending_code_key(request.number))
    if not isinstance(pending, tuple) or len(pending) != 2 or not request.submission_key:
        return None
    # Kept with its form's key: the number of a submission that rolled back is given to the
    # next one, whose form is another.
    key, code = pending
    return code if hmac.compare_digest(str(key), request.submission_key) else None


def forget_pending_query_code(number: str) -> None:
    cache.delete(_pending_code_key(number))


def _today() -> datetime.date:
    return timezone.localdate()


def _date(on: datetime.date | None, *, field_name: str = "on") -> datetime.date:
    today = _today()
    on = on or today
    if on > today:
        raise InfoRequestError(_("The date cannot be in the future."), field=field_name)
    return on


def _event(
    request: InfoRequest,
    code: str,
    *,
    actor: User | None,
    on: datetime.date,
    from_state: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    clock: str = "",
    days: int = 0,
) -> RequestEvent:
    """Append an event. The history is chronological: an action dated before the last step
    of the application (or before its receipt) is refused, so the clock never sees events out
    of order."""
    last = request.events.order_by("-on").values_list("on", flat=True).first()
    floor = max(last or request.received_on, request.received_on)
    if on < floor:
        raise InfoRequestError(
            _("The date cannot be before %(date)s, the last step of this application.")
            % {"date": floor.isoformat()},
            field="on",
        )
    event = RequestEvent.objects.create(
        request=request,
        code=code,
        at=timezone.now(),
        on=on,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_state=from_state,
        to_state=request.state,
        comment=comment,
        data=data or {},
        clock_kind=clock,
        clock_days=days,
    )
    _note_answer(request, event)
    return event


def _note_answer(request: InfoRequest, event: RequestEvent) -> None:
    """Keep the application's first answer (``first_answered_on``, ``first_answer_outcome``)
    when ``event`` answers it: the earliest answering event by date, time and row, as table 三
    picks it. An event dated after the stored answer leaves it; one dated before it takes its
    place; on the same day the events decide (the times, then the rows)."""
    if not answers_application(event.code, event.data):
        return
    stored = request.first_answered_on
    if stored is not None and event.on > stored:
        return
    first = event
    if stored is not None and event.on == stored:
        first = (
            RequestEvent.objects.filter(answering_event_condition(), request=request)
            .order_by("on", "at", "id")
            .only("on", "data")
            .first()
        ) or event
    request.first_answered_on = first.on
    request.first_answer_outcome = recorded_outcome(first.data)
    InfoRequest.objects.filter(pk=request.pk).update(
        first_answered_on=request.first_answered_on,
        first_answer_outcome=request.first_answer_outcome,
    )


def _audit(action: str, request: InfoRequest, *, actor: User | None, **details: Any) -> None:
    audit.record(
        f"info_requests.{action}",
        actor=actor,
        obj=request,
        agency_id=request.handling_agency_id or request.agency_id,
        details=details,
    )


def _save(request: InfoRequest, *fields: str, today: datetime.date | None = None) -> None:
    """Save the changed fields with the refreshed clock cache."""
    save_with_clock(request, refresh_clock, *fields, today=today)


def _step(
    request: InfoRequest,
    to_state: str,
    code: str,
    *,
    actor: User | None,
    on: datetime.date,
    action: str,
    fields: Sequence[str] = (),
    details: dict[str, Any] | None = None,
    letter: str = "",
    today: datetime.date | None = None,
    **event: Any,
) -> None:
    """Move ``request`` to ``to_state`` and record it — the tail every action shares: the
    checked transition, the event ``code`` (with ``event``'s fields), the saved ``fields`` with
    the refreshed clock, the notice of kind ``letter`` where one is due, and the audit entry
    ``action`` with ``details``. The caller holds the row lock and checked the permission."""
    before = transition(request, to_state)
    _event(request, code, actor=actor, on=on, from_state=before, **event)
    _save(request, "state", *fields, today=today)
    if letter:
        _letter(request, letter, actor=actor, on=on)
    _audit(action, request, actor=actor, **(details or {}))


def status_path(request: InfoRequest) -> str:
    return reverse("info_requests:status") + f"?number={request.number}"


def _notify(request: InfoRequest, topic: str, subject: str, lines: Sequence[str]) -> None:
    """Queue an e-mail to the applicant (when they gave an address): the number, what
    happened and where to look — sent after the transaction commits."""
    if not request.email:
        return
    site = getattr(settings, "GONGKAI_SITE_URL", "").rstrip("/")
    body = "\n\n".join(
        [
            *(str(line) for line in lines),
            _("Tracking number: %(number)s") % {"number": request.number},
            _("Status page: %(url)s (with your query code)") % {"url": site + status_path(request)},
        ]
    )
    queue_mail(
        to=request.email,
        subject=f"[{request.number}] {subject}",
        body=body,
        topic=f"info_requests.{topic}",
    )


def _letter(
    request: InfoRequest,
    kind: str,
    *,
    actor: User | None,
    on: datetime.date,
    consultation: Consultation | None = None,
) -> None:
    """Issue the numbered notice of this step (告知书 and the other letters) in the caller's
    transaction, and note it in the history."""
    from gongkai.info_requests import letters

    notice = letters.issue_notice(request, kind=kind, actor=actor, on=on, consultation=consultation)
    RequestEvent.objects.create(
        request=request,
        code=Code.NOTICE_ISSUED,
        at=timezone.now(),
        on=on,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_state=request.state,
        to_state=request.state,
        data={"notice": notice.pk, "kind": kind, "number": notice.number},
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise InfoRequestPermissionDenied(_("You may not do this with this application."))


def _receives_or_handles(actor: User, request: InfoRequest) -> bool:
    return permissions.can_receive_requests(actor) or permissions.can_handle_request(actor, request)


def _locked(request: InfoRequest) -> InfoRequest:
    """The application re-read under a row lock, so two people cannot act on it at once."""
    return InfoRequest.objects.select_for_update().get(pk=request.pk)


# --------------------------------------------------------------------------- receipt


def legal_receipt_date(
    channel: str,
    *,
    arrived_on: datetime.date,
    signed_on: datetime.date | None = None,
    confirmed_on: datetime.date | None = None,
) -> tuple[datetime.date, str]:
    """The receipt date REG 31 gives for the channel, and the basis in words.

    In person: the day submitted. Registered mail: the day the agency signed for it. An
    ordinary letter: the day the agency confirmed it with the applicant. Online, fax, e-mail:
    the day both sides confirmed it.
    """
    if channel in (Channel.IN_PERSON, Channel.OTHER):
        return arrived_on, _("submitted in person") if channel == Channel.IN_PERSON else ""
    if channel == Channel.REGISTERED_MAIL:
        if signed_on is None:
            raise InfoRequestError(
                _("For registered mail the receipt date is the day it was signed for (REG 31)."),
                field="signed_on",
            )
        return signed_on, _("registered mail signed for")
    if confirmed_on is None:
        raise InfoRequestError(
            _("For this channel the receipt date is the day it was confirmed (REG 31)."),
            field="confirmed_on",
        )
    if channel == Channel.ORDINARY_MAIL:
        return confirmed_on, _("ordinary letter confirmed with the applicant")
    return confirmed_on, _("confirmed by both sides")


def _similar(one: str, other: str) -> bool:
    words = {word for word in segment(one) if len(word) > 1}
    others = {word for word in segment(other) if len(word) > 1}
    if not words or not others:
        return False
    return len(words & others) / min(len(words), len(others)) >= REPEAT_SIMILARITY


def _flag_repeat(request: InfoRequest, *, on: datetime.date) -> None:
    """REG 36(6): flag an application by the same applicant for substantially the same
    information as one already answered (the handler decides)."""
    answered = (
        InfoRequest.objects.filter(
            id_digest=request.id_digest, state__in=[State.REPLIED, State.DELIVERED, State.CLOSED]
        )
        .exclude(pk=request.pk)
        .exclude(outcome__in=[*BY_DEADLINE, Outcome.REPEAT])
        .order_by("-received_on", "-id")
    )
    for earlier in answered[:50]:
        same_number = bool(request.doc_number_hint) and (
            request.doc_number_hint.strip() == earlier.doc_number_hint.strip()
        )
        if same_number or _similar(request.description, earlier.description):
            request.repeat_of = earlier
            request.save(update_fields=["repeat_of"])
            _event(request, Code.REPEAT_FLAGGED, actor=None, on=on, data={"of": earlier.number})
            return


def _create(
    data: Application,
    *,
    agency: Agency,
    channel: str,
    received_on: datetime.date,
    receipt_basis: str,
    submitted_at: datetime.datetime,
    user: User | None,
    registered_by: User | None,
    submission_key: str | None,
    citizen: CitizenAccount | None = None,
) -> tuple[InfoRequest, str]:
    _check_application(data)
    try:
        rules = rule_set_for(received_on)
    except RuleSetError as error:
        raise InfoRequestError(str(error), field="received_on") from None
    code = new_query_code()
    _serial, number = allocate_number(
        scope=f"info_requests:{received_on.year}",
        pattern=policy().number_pattern,
        year=received_on.year,
    )
    request = InfoRequest.objects.create(
        number=number,
        query_code=make_password(code),
        case_type=data.case_type,
        channel=channel,
        submitted_at=submitted_at,
        received_on=received_on,
        receipt_basis=receipt_basis,
        rule_set=rules.code,
        agency=agency,
        applicant_kind=data.applicant_kind,
        organisation_kind=data.organisation_kind,
        name=data.name.strip(),
        credit_code=data.credit_code.strip().upper(),
        contact_person=data.contact_person.strip(),
        id_type=data.id_type,
        id_number=data.id_number.strip().upper(),
        id_digest=id_digest(data.id_type, data.id_number),
        phone=data.phone.strip(),
        email=data.email.strip(),
        address=data.address.strip(),
        postcode=data.postcode.strip(),
        description=data.description.strip(),
        doc_number_hint=data.doc_number_hint.strip(),
        form=data.form,
        delivery=data.delivery,
        fee_waiver_requested=data.fee_waiver_requested,
        fee_waiver_reason=data.fee_waiver_reason.strip(),
        assistance=data.assistance.strip(),
        user=user if user is not None and user.is_authenticated else None,
        citizen=citizen,
        registered_by=registered_by,
        submission_key=submission_key,
    )
    return request, code


def submit_request(
    data: Application,
    *,
    agency: Agency,
    submission_key: str,
    user: User | None = None,
    citizen: CitizenAccount | None = None,
    now: datetime.datetime | None = None,
) -> tuple[InfoRequest, str | None]:
    """An application made on the online form; returns it and its query code.

    The receipt date is the day of submission: the system confirms it at once, which is the
    confirmation by both sides REG 31 asks for online. ``submission_key`` comes with the form:
    a second submission of the same form (a refresh, a double click, a retry after a timeout)
    returns the first application and no code (the page that showed it keeps it; until it has
    shown it, :func:`pending_query_code` finds it).
    ``citizen``, the signed-in citizen's account, lists the application under that account.
    """
    if not submission_key or len(submission_key) > 64:
        raise InfoRequestError(_("The form has expired; please submit it again."))
    existing = InfoRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, None
    now = now or timezone.now()  # given only by the demonstration loader
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            request, code = _create(
                data,
                agency=agency,
                channel=Channel.ONLINE,
                received_on=today,
                receipt_basis=_("submitted online and confirmed at once"),
                submitted_at=now,
                user=user,
                registered_by=None,
                submission_key=submission_key,
                citizen=citizen,
            )
            _event(request, Code.SUBMITTED, actor=None, on=today, clock=EventKind.START)
            _save(request, "state")
            # Before the commit, so that a duplicate that sees the application finds its code.
            cache.set(
                _pending_code_key(request.number), (submission_key, code), PENDING_CODE_SECONDS
            )
            _letter(request, Notice.Kind.ACKNOWLEDGEMENT, actor=None, on=today)
            _flag_repeat(request, on=today)
            _audit("submit", request, actor=None)
            _notify(
                request,
                "submitted",
                _("Your application has been received"),
                [_("We received your application for government information on %(date)s.")
                 % {"date": today.isoformat()}],
            )  # fmt: skip
    except IntegrityError:
        # The same form submitted twice at the same moment: the other one won.
        existing = InfoRequest.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, None
    return request, code


def register_request(
    data: Application,
    *,
    actor: User,
    agency: Agency,
    channel: str,
    arrived_on: datetime.date,
    signed_on: datetime.date | None = None,
    confirmed_on: datetime.date | None = None,
) -> tuple[InfoRequest, str]:
    """An application that came by letter, in person, fax, e-mail or another channel,
    registered by the office with the receipt date REG 31 gives for the channel."""
    _require(permissions.can_receive_requests(actor))
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise InfoRequestError(_("Choose the channel the application came by."), field="channel")
    today = _today()
    for name, value in (
        ("arrived_on", arrived_on),
        ("signed_on", signed_on),
        ("confirmed_on", confirmed_on),
    ):
        if value is not None and value > today:
            raise InfoRequestError(_("The date cannot be in the future."), field=name)
    received_on, basis = legal_receipt_date(
        channel, arrived_on=arrived_on, signed_on=signed_on, confirmed_on=confirmed_on
    )
    if received_on < arrived_on:
        raise InfoRequestError(
            _("The receipt date cannot be before the day the application arrived."),
            field="signed_on" if channel == Channel.REGISTERED_MAIL else "confirmed_on",
        )
    with transaction.atomic():
        request, code = _create(
            data,
            agency=agency,
            channel=channel,
            received_on=received_on,
            receipt_basis=basis,
            submitted_at=timezone.now(),
            user=None,
            registered_by=actor,
            submission_key=None,
        )
        _event(
            request,
            Code.REGISTERED,
            actor=actor,
            on=received_on,
            clock=EventKind.START,
            data={"channel": channel, "arrived_on": arrived_on.isoformat()},
        )
        _save(request, "state")
        _letter(request, Notice.Kind.ACKNOWLEDGEMENT, actor=actor, on=received_on)
        _flag_repeat(request, on=received_on)
        _audit("register", request, actor=actor, channel=channel)
        _notify(
            request,
            "registered",
            _("Your application has been registered"),
            [_("Your application was registered; its receipt date is %(date)s.")
             % {"date": received_on.isoformat()}],
        )  # fmt: skip
    return request, code


# --------------------------------------------------------------------------- the office


def accept_request(
    request: InfoRequest,
    *,
    actor: User,
    handling_agency: Agency | None = None,
    on: datetime.date | None = None,
) -> InfoRequest:
    """Accept (受理) the application; with ``handling_agency``, assign it at once."""
    _require(permissions.can_receive_requests(actor))
    on = _date(on)
    with transaction.atomic():
        request = _locked(request)
        _step(request, State.ACCEPTED, Code.ACCEPTED, actor=actor, on=on, action="accept")
        if handling_agency is not None:
            request = _assign(request, actor=actor, agency=handling_agency, on=on)
    return request


def _assign(request: InfoRequest, *, actor: User, agency: Agency, on: datetime.date) -> InfoRequest:
    request.handling_agency = agency
    _step(
        request,
        State.HANDLING,
        Code.ASSIGNED,
        actor=actor,
        on=on,
        action="assign",
        fields=["handling_agency"],
        details={"agency": agency.pk},
        data={"agency": agency.pk},
    )
    return request


def assign_request(
    request: InfoRequest, *, actor: User, agency: Agency, on: datetime.date | None = None
) -> InfoRequest:
    """Give the application to the agency that answers it (承办, REG 10)."""
    _require(permissions.can_receive_requests(actor))
    on = _date(on)
    with transaction.atomic():
        request = _locked(request)
        if request.state == State.RECEIVED:
            before = transition(request, State.ACCEPTED)
            _event(request, Code.ACCEPTED, actor=actor, on=on, from_state=before)
        return _assign(request, actor=actor, agency=agency, on=on)


def transfer_request(
    request: InfoRequest,
    *,
    actor: User,
    agency: Agency,
    reason: str,
    on: datetime.date | None = None,
) -> InfoRequest:
    """Move the application to another handling agency (转办), with the reason."""
    _require(permissions.can_receive_requests(actor))
    on = _date(on)
    if not reason.strip():
        raise InfoRequestError(_("Give the reason for the transfer."), field="reason")
    with transaction.atomic():
        request = _locked(request)
        if request.state not in HANDLER_STATES or request.handling_agency_id is None:
            raise InfoRequestError(_("Only an application being handled can be transferred."))
        if request.handling_agency_id == agency.pk:
            raise InfoRequestError(
                _("The application is with that agency already."), field="agency"
            )
        previous = request.handling_agency_id
        request.handling_agency = agency
        _event(
            request,
            Code.TRANSFERRED,
            actor=actor,
            on=on,
            from_state=request.state,
            comment=reason.strip(),
            data={"from": previous, "to": agency.pk},
        )
        _save(request, "handling_agency")
        _letter(request, Notice.Kind.TRANSFER, actor=actor, on=on)
        _audit("transfer", request, actor=actor, agency=agency.pk)
    return request


def request_correction(
    request: InfoRequest,
    *,
    actor: User,
    what: str,
    on: datetime.date | None = None,
    days: int | None = None,
) -> InfoRequest:
    """Ask the applicant, once and completely, to correct the application (补正, REG 30).

    Under the 2019 rules the notice must go out within 7 working days of receipt. The reply
    clock pauses; the corrected application restarts it (2019) or resumes it (2007). The
    applicant has ``days`` working days (the settings' default) to answer.
    """
    on = _date(on)
    if not what.strip():
        raise InfoRequestError(_("Say what must be corrected, completely."), field="what")
    with transaction.atomic():
        request = _locked(request)
        _require(_receives_or_handles(actor, request))
        rules = rule_set(request.rule_set)
        if request.corrected or request.events.filter(code=Code.CORRECTION_REQUESTED).exists():
            raise InfoRequestError(_("A correction may be asked only once, completely (REG 30)."))
        if on < request.received_on:
            raise InfoRequestError(_("The date cannot be before the receipt date."), field="on")
        limit = rules.correction_notice_limit
        if limit is not None and working_days_between(request.received_on, on) > limit:
            raise InfoRequestError(
                _("A correction must be asked within %(days)d working days of receipt "
                  "(REG 30); that was %(date)s.")
                % {"days": limit, "date": add_working_days(request.received_on, limit).isoformat()}
            )  # fmt: skip
        request.correction_due_on = add_working_days(on, days or policy().correction_days)
        _step(
            request,
            State.CORRECTION,
            Code.CORRECTION_REQUESTED,
            actor=actor,
            on=on,
            action="request_correction",
            fields=["correction_due_on"],
            letter=Notice.Kind.CORRECTION,
            comment=what.strip(),
            data={"due_on": request.correction_due_on.isoformat()},
            clock=EventKind.PAUSE,
        )
        _notify(
            request,
            "correction",
            _("Please correct your application"),
            [what.strip(),
             _("Please send the correction by %(date)s.")
             % {"date": request.correction_due_on.isoformat()}],
        )  # fmt: skip
    return request


def receive_correction(
    request: InfoRequest,
    *,
    actor: User | None,
    text: str,
    on: datetime.date | None = None,
) -> InfoRequest:
    """The corrected application arrived (by the applicant on the status page, or registered
    by staff): the clock restarts from this day (REG 30) — resumes under the 2007 rules."""
    on = _date(on)
    if not text.strip():
        raise InfoRequestError(_("Write the correction."), field="text")
    with transaction.atomic():
        request = _locked(request)
        if actor is not None:
            _require(_receives_or_handles(actor, request))
        if request.state != State.CORRECTION:
            raise InfoRequestError(_("No correction is awaited for this application."))
        rules = rule_set(request.rule_set)
        target = State.HANDLING if request.handling_agency_id else State.ACCEPTED
        request.corrected = True
        request.description = f"{request.description}\n\n【补正】{text.strip()}"
        _step(
            request,
            target,
            Code.CORRECTED,
            actor=actor,
            on=on,
            action="receive_correction",
            fields=["corrected", "description"],
            clock=EventKind.RESTART if rules.correction_restarts_clock else EventKind.RESUME,
        )
    return request


def close_at_receipt(
    request: InfoRequest,
    *,
    actor: User,
    outcome: str,
    reply_text: str,
    on: datetime.date | None = None,
) -> InfoRequest:
    """Close without handling: not an application (REG 39: a petition, complaint or report —
    pointed to its channel — or a request for publications), a repeat (REG 36(6)), an
    unreasonable volume (REG 35), a request to confirm information, or the applicant's
    withdrawal (其他). The reply says why; the clock stops."""
    _require(permissions.can_receive_requests(actor))
    on = _date(on)
    if outcome not in AT_RECEIPT:
        raise InfoRequestError(
            _("This outcome needs a handling agency's reply, not a closing at receipt."),
            field="outcome",
        )
    if not reply_text.strip():
        raise InfoRequestError(
            _("Write the reply: why, and where the applicant should turn."), field="reply_text"
        )
    with transaction.atomic():
        request = _locked(request)
        if request.state not in (State.RECEIVED, State.ACCEPTED, State.CORRECTION):
            raise InfoRequestError(_("Only an application not yet assigned can be closed here."))
        request.outcome = outcome
        request.reply_text = reply_text.strip()
        request.replied_on = request.closed_on = on
        _step(
            request,
            State.CLOSED,
            Code.CLOSED,
            actor=actor,
            on=on,
            action="close_at_receipt",
            fields=["outcome", "reply_text", "replied_on", "closed_on"],
            details={"outcome": outcome},
            letter=Notice.Kind.REPLY,
            data={"outcome": outcome},
            clock=EventKind.STOP,
        )
        _notify(request, "closed", _("Reply to your application"), [request.reply_text])
    return request


def extend_request(
    request: InfoRequest,
    *,
    actor: User,
    days: int,
    reason: str,
    on: datetime.date | None = None,
) -> InfoRequest:
    """One extension (延期答复, REG 33), approved by the head of the disclosure office: at most
    20 working days (15 under the 2007 rules), decided before the limit runs out; the
    applicant is told."""
    _require(permissions.can_receive_requests(actor))
    on = _date(on)
    if not reason.strip():
        raise InfoRequestError(_("Give the reason for the extension."), field="reason")
    with transaction.atomic():
        request = _locked(request)
        rules = rule_set(request.rule_set)
        if request.state not in OPEN_STATES:
            raise InfoRequestError(_("Only an open application can be extended."))
        if request.extension_days:
            raise InfoRequestError(_("An application may be extended only once (REG 33)."))
        if not 1 <= days <= rules.extension_limit:
            raise InfoRequestError(
                _("An extension is 1 to %(days)d working days.") % {"days": rules.extension_limit},
                field="days",
            )
        reading = read_clock(request, today=on)
        if reading.due_date is not None and on > reading.due_date:
            raise InfoRequestError(
                _("The time limit ran out on %(date)s: an extension must be decided before.")
                % {"date": reading.due_date.isoformat()}
            )
        request.extension_days = days
        _event(
            request,
            Code.EXTENDED,
            actor=actor,
            on=on,
            from_state=request.state,
            comment=reason.strip(),
            data={"days": days},
            clock=EventKind.EXTEND,
            days=days,
        )
        _save(request, "extension_days")
        _letter(request, Notice.Kind.EXTENSION, actor=actor, on=on)
        _audit("extend", request, actor=actor, days=days)
        _notify(
            request,
            "extended",
            _("The time to reply has been extended"),
            [_("The reply time was extended by %(days)d working days: %(reason)s")
             % {"days": days, "reason": reason.strip()}],
        )  # fmt: skip
    return request


# --------------------------------------------------------------------------- handling


def consult(
    request: InfoRequest,
    *,
    actor: User,
    kind: str,
    party: str,
    on: datetime.date | None = None,
) -> Consultation:
    """Consult a third party (REG 32) or other agencies (REG 34) in writing: they answer
    within 15 working days and the time is not counted in the reply limit (the clock pauses
    with the first open consultation and resumes when the last is settled)."""
    on = _date(on)
    if kind not in Consultation.Kind.values:
        raise InfoRequestError(_("Choose whom you consult."), field="kind")
    if not party.strip():
        raise InfoRequestError(_("Name the party consulted."), field="party")
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_handle_request(actor, request))
        rules = rule_set(request.rule_set)
        if kind == Consultation.Kind.AGENCY and not rules.agency_consultation:
            raise InfoRequestError(
                _("Consulting other agencies pauses the clock only under the 2019 rules "
                  "(REG 34)."),
                field="kind",
            )  # fmt: skip
        if request.state not in (State.HANDLING, State.CONSULTING):
            raise InfoRequestError(_("Only an application being handled can be consulted on."))
        consultation = Consultation.objects.create(
            request=request,
            kind=kind,
            party=party.strip(),
            sent_on=on,
            due_on=add_working_days(on, rules.third_party_limit),
        )
        before = request.state
        pause = ""
        if before == State.HANDLING:
            transition(request, State.CONSULTING)
            pause = EventKind.PAUSE
        _event(
            request,
            Code.CONSULTATION_SENT,
            actor=actor,
            on=on,
            from_state=before,
            data={"consultation": consultation.pk, "kind": kind},
            clock=pause,
        )
        _save(request, "state")
        if kind == Consultation.Kind.THIRD_PARTY:
            _letter(
                request, Notice.Kind.CONSULTATION, actor=actor, on=on, consultation=consultation
            )
        _audit("consult", request, actor=actor, kind=kind)
    return consultation


def settle_consultation(
    consultation: Consultation,
    *,
    actor: User | None,
    answer: str,
    on: datetime.date | None = None,
    note: str = "",
) -> Consultation:
    """Record the answer (or its absence when the 15 days passed; an agency's silence is
    consent, REG 34). When no consultation is left open, the clock resumes from this day."""
    request = consultation.request
    on = _date(on)
    if answer not in (
        Consultation.Answer.AGREES,
        Consultation.Answer.OBJECTS,
        Consultation.Answer.NO_ANSWER,
    ):
        raise InfoRequestError(_("Choose the answer."), field="answer")
    with transaction.atomic():
        request = _locked(request)
        if actor is not None:
            _require(permissions.can_handle_request(actor, request))
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.answered_on is not None:
            raise InfoRequestError(_("This consultation is settled already."))
        if on < consultation.sent_on:
            raise InfoRequestError(_("The answer cannot come before the letter."), field="on")
        if answer == Consultation.Answer.NO_ANSWER and on <= consultation.due_on:
            raise InfoRequestError(
                _("The party has until %(date)s to answer.")
                % {"date": consultation.due_on.isoformat()},
                field="answer",
            )
        consultation.answer, consultation.answered_on = answer, on
        consultation.note = note.strip()
        consultation.save(update_fields=["answer", "answered_on", "note"])
        still_open = request.consultations.filter(answered_on__isnull=True).exists()
        before = request.state
        resume = ""
        if not still_open and before == State.CONSULTING:
            transition(request, State.HANDLING)
            resume = EventKind.RESUME
        _event(
            request,
            Code.CONSULTATION_ANSWERED,
            actor=actor,
            on=on,
            from_state=before,
            comment=consultation.note,
            data={"consultation": consultation.pk, "answer": answer},
            clock=resume,
        )
        _save(request, "state")
        _audit("settle_consultation", request, actor=actor, answer=answer)
    return consultation


def applications_this_month(request: InfoRequest) -> int:
    """The application's ordinal among the same applicant's applications received in its
    calendar month, across every agency of the government (the per-application fee)."""
    received = request.received_on
    same_month = InfoRequest.objects.filter(
        id_digest=request.id_digest,
        received_on__year=received.year,
        received_on__month=received.month,
    )
    return same_month.filter(
        Q(received_on__lt=received) | Q(received_on=received, pk__lte=request.pk)
    ).count()


def issue_fee_notice(
    request: InfoRequest,
    *,
    actor: User,
    method: str,
    pages: int = 0,
    payment: str,
    on: datetime.date | None = None,
) -> FeeNotice:
    """A fee notice (REG 42; 国办函〔2020〕109号) stating the basis, the standard, the amount
    and how to pay; payment is due in 20 working days. The reply clock pauses meanwhile
    unless the settings say otherwise."""
    on = _date(on)
    if not payment.strip():
        raise InfoRequestError(_("Say how to pay."), field="payment")
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_handle_request(actor, request))
        if request.state != State.HANDLING:
            raise InfoRequestError(_("A fee notice is issued while the application is handled."))
        if request.fees.filter(settlement="").exists():
            raise InfoRequestError(_("A fee notice is waiting for payment already."))
        if request.fees.exists():
            raise InfoRequestError(_("An application is charged once, by one method."))
        quantity = (
            applications_this_month(request) if method == fees.FeeMethod.PER_APPLICATION else pages
        )
        try:
            breakdown = fees.compute_fee(method, quantity)
        except fees.FeeError as error:
            raise InfoRequestError(str(error), field="method") from None
        if breakdown.amount <= Decimal(0):
            raise InfoRequestError(
                _("No fee is due: %(basis)s is within the free allowance.")
                % {"basis": breakdown.basis},
                field="method",
            )
        rules = rule_set(request.rule_set)
        notice = FeeNotice.objects.create(
            request=request,
            method=method,
            quantity=quantity,
            amount=breakdown.amount,
            basis=_fee_basis(breakdown),
            payment=payment.strip(),
            issued_on=on,
            due_on=add_working_days(on, rules.fee_payment_limit),
        )
        _step(
            request,
            State.AWAITING_FEE,
            Code.FEE_NOTIFIED,
            actor=actor,
            on=on,
            action="issue_fee_notice",
            details={"amount": str(notice.amount)},
            letter=Notice.Kind.FEE,
            data={"fee": notice.pk, "amount": str(notice.amount), "method": method},
            clock=EventKind.PAUSE if policy().fee_pauses_clock else "",
        )
        _notify(
            request,
            "fee",
            _("Fee notice"),
            [notice.basis,
             _("Amount: %(amount)s yuan, due by %(date)s.")
             % {"amount": notice.amount, "date": notice.due_on.isoformat()},
             notice.payment],
        )  # fmt: skip
    return notice


def _fee_basis(breakdown: fees.FeeBreakdown) -> str:
    lines = [breakdown.basis, "国办函〔2020〕109号"]
    for line in breakdown.lines:
        span = f"{line.first}–{line.last}" if line.last is not None else f"{line.first}–"
        lines.append(f"{span}: {line.count} × {line.price} = {line.subtotal}")
    return "\n".join(lines)


def settle_fee(
    notice: FeeNotice,
    *,
    actor: User,
    settlement: str,
    note: str = "",
    on: datetime.date | None = None,
) -> FeeNotice:
    """The fee was paid, or is waived with a reason: handling continues (the clock resumes)."""
    request = notice.request
    on = _date(on)
    if settlement not in (FeeNotice.Settlement.PAID, FeeNotice.Settlement.WAIVED):
        raise InfoRequestError(_("Choose paid or waived."), field="settlement")
    if settlement == FeeNotice.Settlement.WAIVED and not note.strip():
        raise InfoRequestError(_("Give the reason for the waiver."), field="note")
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_handle_request(actor, request))
        notice = FeeNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.settlement:
            raise InfoRequestError(_("This fee notice is settled already."))
        if on < notice.issued_on:
            raise InfoRequestError(_("The date cannot be before the notice."), field="on")
        notice.settlement, notice.settled_on = settlement, on
        notice.settlement_note = note.strip()
        notice.save(update_fields=["settlement", "settled_on", "settlement_note"])
        paused = request.events.filter(code=Code.FEE_NOTIFIED, clock_kind=EventKind.PAUSE).exists()
        _step(
            request,
            State.HANDLING,
            Code.FEE_SETTLED,
            actor=actor,
            on=on,
            action="settle_fee",
            details={"settlement": settlement},
            comment=notice.settlement_note,
            data={"fee": notice.pk, "settlement": settlement},
            clock=EventKind.RESUME if paused else "",
        )
    return notice


@dataclass(frozen=True)
class Withheld:
    description: str
    exemption: str
    reason: str = ""


def draft_reply(
    request: InfoRequest,
    *,
    actor: User,
    outcome: str,
    reply_text: str,
    withheld: Iterable[Withheld] = (),
    referred_agency: str = "",
    on: datetime.date | None = None,
) -> InfoRequest:
    """Write (or rewrite) the reply: its outcome (one of table 三's rows), the text and, for
    partial disclosure or withholding, each withheld part with its exemption (REG 37)."""
    on = _date(on)
    parts = [part for part in withheld if part.description.strip()]
    if outcome not in Outcome.values:
        raise InfoRequestError(_("Choose the outcome."), field="outcome")
    if outcome in BY_DEADLINE:
        raise InfoRequestError(
            _("This outcome follows a missed deadline; it is not chosen."), field="outcome"
        )
    if not reply_text.strip():
        raise InfoRequestError(_("Write the reply."), field="reply_text")
    if outcome in WITHHOLDING and not parts:
        raise InfoRequestError(
            _("Name each part withheld and its exemption (REG 37)."), field="withheld"
        )
    if outcome not in WITHHOLDING and parts:
        raise InfoRequestError(
            _("Only partial disclosure or withholding has withheld parts."), field="withheld"
        )
    for part in parts:
        if part.exemption not in Exemption.values:
            raise InfoRequestError(_("Choose the exemption of each part."), field="withheld")
    if outcome == Outcome.OTHER_AGENCY and not referred_agency.strip():
        raise InfoRequestError(
            _("Name the agency that holds the information, where known (REG 36(5))."),
            field="referred_agency",
        )
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_handle_request(actor, request))
        if request.state != State.HANDLING:
            raise InfoRequestError(_("The reply is written while the application is handled."))
        request.outcome = outcome
        request.reply_text = reply_text.strip()
        request.referred_agency = referred_agency.strip()
        request.withheld.all().delete()
        WithheldPart.objects.bulk_create(
            WithheldPart(
                request=request,
                description=part.description.strip()[:300],
                exemption=part.exemption,
                reason=part.reason.strip(),
            )
            for part in parts
        )
        _event(
            request,
            Code.DRAFTED,
            actor=actor,
            on=on,
            from_state=request.state,
            data={"outcome": outcome, "withheld": len(parts)},
        )
        _save(request, "outcome", "reply_text", "referred_agency")
        _audit("draft_reply", request, actor=actor, outcome=outcome)
    return request


def submit_for_review(
    request: InfoRequest, *, actor: User, on: datetime.date | None = None
) -> InfoRequest:
    """Send the drafted reply to the legal review (合法性审查)."""
    on = _date(on)
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_handle_request(actor, request))
        if request.state == State.HANDLING and not (request.outcome and request.reply_text):
            raise InfoRequestError(_("Draft the reply before sending it to the legal review."))
        _step(
            request,
            State.LEGAL_REVIEW,
            Code.SUBMITTED_FOR_REVIEW,
            actor=actor,
            on=on,
            action="submit_for_review",
        )
    return request


def _submitter(request: InfoRequest) -> int | None:
    event = request.events.filter(code=Code.SUBMITTED_FOR_REVIEW).order_by("-at", "-id").first()
    return event.actor_id if event is not None else None


def review_request(
    request: InfoRequest,
    *,
    actor: User,
    approve: bool,
    comment: str = "",
    on: datetime.date | None = None,
) -> InfoRequest:
    """The legal review: approve (the reply goes to the head where the agency requires it,
    else it is issued) or return it to the handler with comments."""
    on = _date(on)
    if not approve and not comment.strip():
        raise InfoRequestError(_("Say what must change."), field="comment")
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_review_request(actor, request))
        if request.state != State.LEGAL_REVIEW:
            raise InfoRequestError(_("This application is not in legal review."))
        if _submitter(request) == actor.pk:
            raise InfoRequestPermissionDenied(
                _("The legal review is done by someone other than the handler who drafted it.")
            )
        comment = comment.strip()
        if not approve:
            return _return_to_handler(
                request, actor=actor, on=on, code=Code.REVIEW_RETURNED, comment=comment,
                action="review_return",
            )  # fmt: skip
        needs_head = AgencyRequestSettings.objects.filter(
            agency=request.handling_agency, head_approval=True
        ).exists()
        return _approve(
            request, actor=actor, on=on, code=Code.REVIEW_APPROVED, comment=comment,
            action="review_approve", then=State.HEAD_APPROVAL if needs_head else None,
        )  # fmt: skip


def approve_as_head(
    request: InfoRequest,
    *,
    actor: User,
    approve: bool,
    comment: str = "",
    on: datetime.date | None = None,
) -> InfoRequest:
    """The head's approval (负责人审批) where the agency's settings require it."""
    on = _date(on)
    if not approve and not comment.strip():
        raise InfoRequestError(_("Say what must change."), field="comment")
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_approve_request(actor, request))
        if request.state != State.HEAD_APPROVAL:
            raise InfoRequestError(_("This application is not waiting for the head's approval."))
        comment = comment.strip()
        if not approve:
            return _return_to_handler(
                request, actor=actor, on=on, code=Code.HEAD_RETURNED, comment=comment,
                action="head_return",
            )  # fmt: skip
        return _approve(
            request, actor=actor, on=on, code=Code.HEAD_APPROVED, comment=comment,
            action="head_approve", then=None,
        )  # fmt: skip


def _return_to_handler(
    request: InfoRequest,
    *,
    actor: User,
    on: datetime.date,
    code: str,
    comment: str,
    action: str,
) -> InfoRequest:
    """A reviewer or the head sends the reply back to the handler with their comments."""
    _step(request, State.HANDLING, code, actor=actor, on=on, action=action, comment=comment)
    return request


def _approve(
    request: InfoRequest,
    *,
    actor: User,
    on: datetime.date,
    code: str,
    comment: str,
    action: str,
    then: str | None,
) -> InfoRequest:
    """An approval: on to the next step ``then`` (the head's), or, when it is the last one,
    the reply is issued."""
    before = request.state
    if then is not None:
        transition(request, then)
    _event(request, code, actor=actor, on=on, from_state=before, comment=comment)
    _audit(action, request, actor=actor)
    if then is not None:
        _save(request, "state")
        return request
    return _issue_reply(request, actor=actor, on=on)


def _issue_reply(request: InfoRequest, *, actor: User, on: datetime.date) -> InfoRequest:
    """Issue the reply: the application is replied on ``on`` and its clock stops."""
    request.replied_on = on
    _step(
        request,
        State.REPLIED,
        Code.REPLIED,
        actor=actor,
        on=on,
        action="reply",
        fields=["replied_on"],
        details={"outcome": request.outcome},
        letter=Notice.Kind.REPLY,
        data={"outcome": request.outcome},
        clock=EventKind.STOP,
    )
    _notify(
        request,
        "replied",
        _("Reply to your application"),
        [_("The reply to your application is ready: %(outcome)s.")
         % {"outcome": Outcome(request.outcome).label}],
    )  # fmt: skip
    return request


def deliver_request(
    request: InfoRequest,
    *,
    actor: User,
    how: str,
    on: datetime.date | None = None,
) -> InfoRequest:
    """Record how and when the reply reached the applicant (送达)."""
    on = _date(on)
    if not how.strip():
        raise InfoRequestError(_("Say how the reply was delivered."), field="how")
    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_handle_request(actor, request))
        if request.state != State.REPLIED:
            raise InfoRequestError(_("Only a replied application can be delivered."))
        if request.replied_on and on < request.replied_on:
            raise InfoRequestError(_("Delivery cannot come before the reply."), field="on")
        request.delivered_on, request.delivery_note = on, how.strip()
        _step(
            request,
            State.DELIVERED,
            Code.DELIVERED,
            actor=actor,
            on=on,
            action="deliver",
            fields=["delivered_on", "delivery_note"],
            comment=how.strip(),
        )
    return request


def close_request(
    request: InfoRequest, *, actor: User, on: datetime.date | None = None
) -> InfoRequest:
    """Close (办结, archived — REG 45) a delivered application."""
    on = _date(on)
    with transaction.atomic():
        request = _locked(request)
        _require(_receives_or_handles(actor, request))
        if request.state != State.DELIVERED:
            raise InfoRequestError(_("Only a delivered application can be closed."))
        request.closed_on = on
        _step(
            request,
            State.CLOSED,
            Code.CLOSED,
            actor=actor,
            on=on,
            action="close",
            fields=["closed_on"],
        )
    return request


# --------------------------------------------------------------------------- deadlines


def close_for_missed_deadline(
    request: InfoRequest, *, today: datetime.date | None = None
) -> InfoRequest | None:
    """The deadline job: close an application whose correction (REG 30) or fee (FEE) was
    not received in time, with 其他处理 1 or 2. Returns None when nothing was due, so running
    the job twice does nothing the second time."""
    today = today or _today()
    with transaction.atomic():
        request = _locked(request)
        if request.state == State.CORRECTION:
            due = request.correction_due_on
            outcome = Outcome.NO_CORRECTION
        elif request.state == State.AWAITING_FEE:
            notice = request.fees.filter(settlement="").order_by("-issued_on").first()
            due = notice.due_on if notice is not None else None
            outcome = Outcome.UNPAID_FEE
            if notice is not None and due is not None and today > due:
                notice.settlement, notice.settled_on = FeeNotice.Settlement.LAPSED, today
                notice.save(update_fields=["settlement", "settled_on"])
        else:
            return None
        if due is None or today <= due:
            return None
        request.outcome = outcome
        request.replied_on = request.closed_on = today
        request.reply_text = str(Outcome(outcome).label)
        _step(
            request,
            State.CLOSED,
            Code.CLOSED,
            actor=None,
            on=today,
            action="close_for_missed_deadline",
            fields=["outcome", "replied_on", "closed_on", "reply_text"],
            details={"outcome": outcome},
            letter=Notice.Kind.REPLY,
            today=today,
            data={"outcome": outcome, "due_on": due.isoformat()},
            clock=EventKind.STOP,
        )
        _notify(request, "closed", _("Your application is closed"), [str(Outcome(outcome).label)])
    return request


def refresh_request_clock(
    request: InfoRequest, *, today: datetime.date | None = None
) -> InfoRequest:
    """The daily job: refresh the cached due date and state; mark (once) that the
    application is overdue."""
    today = today or _today()
    with transaction.atomic():
        request = _locked(request)
        _save(request, today=today)
        # Written once, whenever the job first sees the application overdue (a service may
        # have cached the overdue state before).
        if (
            request.clock_state == "overdue"
            and not request.events.filter(code=Code.OVERDUE).exists()
        ):
            _event(
                    request, Code.OVERDUE, actor=None, on=today, from_state=request.state,
                    data={"due_on": request.due_on.isoformat() if request.due_on else ""},
                )  # fmt: skip
    return request


# --------------------------------------------------------------------------- files


def add_request_file(
    request: InfoRequest,
    *,
    actor: User,
    kind: str,
    uploaded_file: UploadedFile,
) -> RequestFile:
    """Attach a file to the case: a scan of the original or of the identity document, a
    correction, correspondence, or the information released (a redacted copy where partial,
    its original kept apart as ``unredacted`` and never sent). The file is checked under the
    case-file policy of ``core.uploads`` (PDF, DOCX, XLSX, PNG, JPEG, GIF by content)."""
    if kind not in RequestFile.Kind.values:
        raise InfoRequestError(_("Choose the kind of file."), field="kind")
    try:
        inspected = uploads.inspect_upload(uploaded_file, policy=uploads.CASE_FILE)
    except uploads.UploadRefused as refused:
        raise InfoRequestError(refused.message, field="file") from None
    with transaction.atomic():
        request = _locked(request)
        if kind in (RequestFile.Kind.IDENTITY, RequestFile.Kind.ORIGINAL):
            _require(_receives_or_handles(actor, request))
        else:
            _require(permissions.can_handle_request(actor, request))
        if kind in RequestFile.RELEASABLE and request.state not in (
            State.HANDLING,
            State.LEGAL_REVIEW,
            State.HEAD_APPROVAL,
        ):
            raise InfoRequestError(
                _("Released information is attached while the reply is prepared."), field="kind"
            )
        stored = RequestFile(
            request=request,
            kind=kind,
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=inspected.size,
            uploaded_by=actor,
        )
        stored.file.save(inspected.original_name, inspected.as_file(), save=False)
        stored.save()
        _event(
            request,
            Code.FILE_ADDED,
            actor=actor,
            on=_today(),
            from_state=request.state,
            data={"file": stored.pk, "kind": kind},
        )
        _audit("add_file", request, actor=actor, file=stored.pk, kind=kind)
    return stored


# --------------------------------------------------------------------------- after the reply


def propose_for_disclosure(request: InfoRequest, *, actor: User) -> Document:
    """REG 44: information many applicants ask for may become proactive: make a catalogue
    draft of the handling agency from the released copies (the redacted ones where the reply
    was partial), for its editors to complete and send through the confidentiality review.
    The applicant's description is not copied: it may hold personal data."""
    from gongkai.catalogue import services as catalogue_services

    with transaction.atomic():
        request = _locked(request)
        _require(permissions.can_handle_request(actor, request))
        agency = request.handling_agency
        if agency is None or request.state not in (State.REPLIED, State.DELIVERED, State.CLOSED):
            raise InfoRequestError(_("Only replied applications can be proposed."))
        proposed = request.events.filter(code=Code.PROPOSED_FOR_DISCLOSURE).first()
        if proposed is not None:
            raise InfoRequestError(
                _("This application was proposed already (catalogue draft %(document)s).")
                % {"document": proposed.data.get("document", "")}
            )
        released = list(request.files.filter(kind__in=RequestFile.RELEASABLE))
        if not released:
            raise InfoRequestError(_("Attach the information released before proposing it."))
        try:
            document = catalogue_services.create_document(
                agency=agency,
                actor=actor,
                kind=Document.Kind.DOCUMENT,
                title=_("Information released on application %(number)s")
                % {"number": request.number},
                summary=_("Proposed for proactive disclosure under REG 44."),
            )
            for stored in released:
                with stored.file.open("rb") as handle:
                    upload = SimpleUploadedFile(
                        stored.original_name, handle.read(), content_type=stored.content_type
                    )
                catalogue_services.add_attachment(document, actor=actor, uploaded_file=upload)
        except CatalogueError as error:
            if isinstance(error, PermissionDenied):
                raise InfoRequestPermissionDenied(error.message) from None
            raise InfoRequestError(error.message) from None
        _event(
            request,
            Code.PROPOSED_FOR_DISCLOSURE,
            actor=actor,
            on=_today(),
            from_state=request.state,
            data={"document": document.pk},
        )
        _audit("propose_for_disclosure", request, actor=actor, document=document.pk)
    return document


def record_remedy(
    request: InfoRequest,
    *,
    actor: User,
    kind: str,
    body: str,
    filed_on: datetime.date,
    case_number: str = "",
) -> Remedy:
    """Record an administrative reconsideration or a lawsuit about a replied application
    (REG 51; table 四 of the annual report)."""
    _require(permissions.can_receive_requests(actor))
    filed_on = _date(filed_on, field_name="filed_on")
    if kind not in Remedy.Kind.values:
        raise InfoRequestError(_("Choose reconsideration or litigation."), field="kind")
    if not body.strip():
        raise InfoRequestError(_("Name the reconsideration body or the court."), field="body")
    with transaction.atomic():
        request = _locked(request)
        if request.replied_on is None:
            raise InfoRequestError(_("Only a replied application can be challenged."))
        if filed_on < request.replied_on:
            raise InfoRequestError(
                _("It cannot be filed before the reply (%(date)s).")
                % {"date": request.replied_on.isoformat()},
                field="filed_on",
            )
        if (
            kind == Remedy.Kind.LITIGATION_AFTER
            and not request.remedies.filter(kind=Remedy.Kind.RECONSIDERATION).exists()
        ):
            raise InfoRequestError(
                _("Record the reconsideration before the lawsuit that followed it."),
                field="kind",
            )
        remedy = Remedy.objects.create(
            request=request,
            kind=kind,
            body=body.strip(),
            case_number=case_number.strip(),
            filed_on=filed_on,
            recorded_by=actor,
        )
        _audit("record_remedy", request, actor=actor, remedy=remedy.pk, kind=kind)
    return remedy


def decide_remedy(
    remedy: Remedy,
    *,
    actor: User,
    result: str,
    decided_on: datetime.date,
    note: str = "",
) -> Remedy:
    """Record the result of a reconsideration or a lawsuit: upheld, corrected or other."""
    _require(permissions.can_receive_requests(actor))
    decided_on = _date(decided_on, field_name="decided_on")
    if result not in (Remedy.Result.UPHELD, Remedy.Result.CORRECTED, Remedy.Result.OTHER):
        raise InfoRequestError(_("Choose the result."), field="result")
    with transaction.atomic():
        remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
        if remedy.result:
            raise InfoRequestError(_("The result is recorded already."))
        if decided_on < remedy.filed_on:
            raise InfoRequestError(
                _("The decision cannot come before the filing."), field="decided_on"
            )
        remedy.result, remedy.decided_on, remedy.note = result, decided_on, note.strip()
        remedy.save(update_fields=["result", "decided_on", "note"])
        _audit("decide_remedy", remedy.request, actor=actor, remedy=remedy.pk, result=result)
    return remedy
