"""The workbench pages of letters: the queue, the case page with its action panels and its
public Q&A section (the publication pages are in ``staff_qa``), the registration of a letter
that came by another channel, and the writer's files.

Every view needs a signed-in member of staff holding a letters role (the disclosure office, or
a handler or reviewer somewhere); a letter is read only through
``permissions.letters_visible_to`` (another agency's letter is a 404, as if it did not exist)
and changed only through ``letters.services``. Each action is one POST view calling one
service: the role is checked first (403, nothing changed), then the form (400 with its errors
on the case page), then the service (its refusal on the form, 400).

Privacy: the writer's name, phone and e-mail are shown on the case page only, each showing
recorded with ``audit.record_read`` (fields named, never values); the queue shows the writer's
name to the office only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.agencies.permissions import agencies_visible_to
from gongkai.core import audit, uploads
from gongkai.core.clock import ClockError, ClockReading
from gongkai.core.models import AuditEntry, User
from gongkai.core.workdays import CalendarNotCovered, working_days_between
from gongkai.interaction.channels.models import HotlineSession
from gongkai.interaction.channels.permissions import (
    can_record_hotline_sessions,
    hotline_sessions_visible_to,
)
from gongkai.interaction.letters import clocks, permissions, selectors, services
from gongkai.interaction.letters import forms_staff as staff_forms
from gongkai.interaction.letters.models import Letter, LetterEvent, PublishedLetter
from gongkai.interaction.letters.workflow import (
    OPEN_STATES,
    REJECTION_MESSAGES,
    REPLIED_STATES,
    LetterError,
    LetterPermissionDenied,
    state_label,
)
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 50
State = Letter.State
WRITER_FIELDS = ("name", "phone", "email")  # named (never their values) in the audit entry
QUEUE_WRITER_FIELDS = ["name"]

View = Callable[..., HttpResponse]


# --- access ----------------------------------------------------------------------------------


def _refuse(request: HttpRequest, message: str, *, letter: Letter | None = None) -> HttpResponse:
    back = None
    if letter is not None:
        back = (reverse("letters_staff:detail", args=[letter.pk]), _("Back to the letter"))
    return refuse_action(
        request, message, back=back, to_list=(reverse("letters_staff:queue"), _("All letters"))
    )


def letter_staff_required(view: View) -> View:
    """Signed in with a role (``staff_required``), and a letters role among them: the office,
    or a handler or reviewer of some agency. Others get a 403 page."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.has_letter_role(request.user):
            return _refuse(
                request,
                _(
                    "Letters are handled by the disclosure office and by the handlers and "
                    "reviewers of the agencies they are assigned to."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapper


def get_letter(request: HttpRequest, pk: int) -> Letter:
    """The letter if the user may open it; 404 otherwise (as if it did not exist)."""
    return get_object_or_404(
        permissions.letters_visible_to(request.user).select_related(
            "letter_type",
            "agency",
            "handling_agency",
            "registered_by",
            "duplicate_of",
            "hotline_session__programme",
        ),
        pk=pk,
    )


def _detail_url(letter: Letter, anchor: str = "") -> str:
    url = reverse("letters_staff:detail", args=[letter.pk])
    return f"{url}#{anchor}" if anchor else url


def _audit_agency(letter: Letter) -> int | None:
    return letter.handling_agency_id or letter.agency_id


# --- the queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One letter of the queue with its urgency as of today."""

    letter: Letter
    left: int | None  # working days left to the due date (negative: late)
    urgency: str  # "overdue", "due_soon" or ""

    @property
    def late(self) -> int:
        return -self.left if self.left is not None and self.left < 0 else 0


def _urgency(letter: Letter, today: datetime.date, due_soon: int) -> QueueRow:
    """The urgency from the cached due date (refreshed by every service and the daily job)."""
    if letter.state not in OPEN_STATES or letter.due_on is None:
        return QueueRow(letter=letter, left=None, urgency="")
    try:
        left = working_days_between(today, letter.due_on)
    except CalendarNotCovered:
        left = None
    if letter.due_on < today:
        return QueueRow(letter=letter, left=left, urgency="overdue")
    if left is not None and left <= due_soon:
        return QueueRow(letter=letter, left=left, urgency="due_soon")
    return QueueRow(letter=letter, left=left, urgency="")


@require_GET
@letter_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The letters still waiting for someone, the most urgent first; or the finished ones."""
    user = staff_user(request)
    office = permissions.can_receive_letters(user)
    agencies = agencies_visible_to(user).order_by("sort_order", "id") if office else None
    form = staff_forms.QueueFilterForm(request.GET or None, agencies=agencies)
    data: dict[str, Any] = {}
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        data = form.cleaned_data
    finished = data.get("show") == staff_forms.SHOW_FINISHED
    agency = data.get("agency")
    state: str = data.get("state") or ""
    agency_id = agency.pk if agency else None
    letters: QuerySet[Letter]
    if not valid:
        letters = Letter.objects.none()
    elif finished:
        letters = selectors.finished_for(user, state=state, agency_id=agency_id)
    else:
        letters = selectors.queue_for(user, state=state, agency_id=agency_id)
    if data.get("letter_type"):
        letters = letters.filter(letter_type=data["letter_type"])
    letters = selectors.search_letters(letters, data.get("q") or "")
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due_soon = clocks.letter_settings().due_soon_days
    rows = [_urgency(letter, today, due_soon) for letter in page.object_list]
    if office and rows:
        audit.record(
            "personal_data.read",
            actor=user,
            kind=AuditEntry.Kind.READ,
            details={"fields": QUEUE_WRITER_FIELDS, "letters": [row.letter.pk for row in rows]},
        )
    return render(
        request,
        "letters/staff/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "office": office,
            "shows_finished": finished,
            "due_soon_days": due_soon,
        },
        status=200 if valid else 400,
    )


# --- the case page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """An action of the case page: who may take it (checked by the view before anything
    else) and when it is offered (the state; the service checks it again)."""

    name: str
    title: Promise
    button: Promise
    form_class: type[staff_forms.ActionForm]
    permitted: Callable[[Any, Letter], bool]
    offered: Callable[[Any, Letter], bool]
    danger: bool = False


def _office(user: Any, letter: Letter) -> bool:
    return permissions.can_receive_letters(user)


def _handler(user: Any, letter: Letter) -> bool:
    return permissions.can_handle_letter(user, letter)


def _reviewer(user: Any, letter: Letter) -> bool:
    return permissions.can_review_letter(user, letter)


def _sent_for_review_by(letter: Letter) -> int | None:
    event = (
        letter.events.filter(code=LetterEvent.Code.SUBMITTED_FOR_REVIEW)
        .order_by("-at", "-id")
        .only("actor_id")
        .first()
    )
    return event.actor_id if event is not None else None


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "accept",
            gettext_lazy("Accept"),
            gettext_lazy("Accept the letter"),
            staff_forms.AcceptForm,
            _office,
            lambda user, letter: letter.state == State.RECEIVED,
        ),
        Action(
            "reject",
            gettext_lazy("Do not accept"),
            gettext_lazy("Do not accept the letter"),
            staff_forms.RejectForm,
            _office,
            lambda user, letter: letter.state == State.RECEIVED,
            danger=True,
        ),
        Action(
            "assign",
            gettext_lazy("Assign to the handling agency"),
            gettext_lazy("Assign"),
            staff_forms.AssignForm,
            _office,
            lambda user, letter: letter.state == State.ACCEPTED,
        ),
        Action(
            "transfer",
            gettext_lazy("Transfer to another agency"),
            gettext_lazy("Transfer"),
            staff_forms.TransferForm,
            _office,
            lambda user, letter: letter.state == State.HANDLING,
        ),
        Action(
            "draft",
            gettext_lazy("Draft the reply"),
            gettext_lazy("Save the draft"),
            staff_forms.DraftReplyForm,
            _handler,
            lambda user, letter: letter.state == State.HANDLING,
        ),
        Action(
            "submit",
            gettext_lazy("Send for review"),
            gettext_lazy("Send the reply for review"),
            staff_forms.ConfirmForm,
            _handler,
            lambda user, letter: letter.state == State.HANDLING and bool(letter.reply_text),
        ),
        Action(
            "review",
            gettext_lazy("Review the reply"),
            gettext_lazy("Record the review"),
            staff_forms.ReviewForm,
            _reviewer,
            lambda user, letter: (
                letter.state == State.REVIEW and _sent_for_review_by(letter) != user.pk
            ),
        ),
        Action(
            "close",
            gettext_lazy("Close without the writer's rating"),
            gettext_lazy("Close the letter"),
            staff_forms.CloseForm,
            _office,
            lambda user, letter: letter.state == State.REPLIED,
            danger=True,
        ),
    )
}


@dataclass(frozen=True)
class Panel:
    name: str
    title: str
    form: staff_forms.ActionForm
    url: str
    button: str
    danger: bool


def _make_form(action: Action, letter: Letter, *, data: Any = None) -> staff_forms.ActionForm:
    return action.form_class(data, letter=letter, auto_id=f"id_{action.name}_%s")


def panels_for(
    letter: Letter, user: Any, *, bound: dict[str, staff_forms.ActionForm] | None = None
) -> list[Panel]:
    """The actions ``user`` may take on ``letter`` now, each with its form (the bound one
    after a refused POST, shown even when the action is no longer offered, so that the person
    sees why it was refused)."""
    bound = bound or {}
    panels = []
    for action in ACTIONS.values():
        offered = action.permitted(user, letter) and action.offered(user, letter)
        if not offered and action.name not in bound:
            continue
        panels.append(
            Panel(
                name=action.name,
                title=str(action.title),
                form=bound.get(action.name) or _make_form(action, letter),
                url=reverse(f"letters_staff:{action.name}", args=[letter.pk]),
                button=str(action.button),
                danger=action.danger,
            )
        )
    return panels


def _read_clock(letter: Letter) -> ClockReading | None:
    try:
        return clocks.read_clock(letter)
    except (ClockError, CalendarNotCovered):
        return None


def _history(letter: Letter) -> list[LetterEvent]:
    events = list(selectors.history_of(letter))
    for event in events:
        event.label = event.get_code_display()  # type: ignore[attr-defined]
        event.from_label = state_label(event.from_state)  # type: ignore[attr-defined]
        event.to_label = state_label(event.to_state)  # type: ignore[attr-defined]
    return events


def _publication_context(
    letter: Letter,
    user: User,
    *,
    withdraw_form: staff_forms.WithdrawPublicationForm | None,
    error: str,
) -> dict[str, Any]:
    """The case page's public Q&A section: where the publication stands and what ``user``
    may do about it."""
    publication = PublishedLetter.objects.filter(letter=letter).first()
    may_publish = permissions.can_publish_letter(user, letter)
    replied = letter.state in REPLIED_STATES and bool(letter.reply_text)
    return {
        "publication": publication,
        "can_publish": may_publish,
        "publishable": letter.consent_to_publish and replied,
        "withdraw_form": withdraw_form or staff_forms.WithdrawPublicationForm(),
        "publication_error": error,
    }


def render_detail(
    request: HttpRequest,
    letter: Letter,
    *,
    bound: dict[str, staff_forms.ActionForm] | None = None,
    withdraw_form: staff_forms.WithdrawPublicationForm | None = None,
    publication_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The case page, with the action panels the user may use and its public Q&A section.
    Each showing is recorded as a read of the writer's data."""
    user = staff_user(request)
    audit.record_read(
        letter, actor=user, agency_id=_audit_agency(letter), fields=list(WRITER_FIELDS)
    )
    clock = _read_clock(letter)
    context = {
        "letter": letter,
        "clock": clock,
        "clock_late_days": -clock.left if clock is not None and clock.left < 0 else 0,
        "attachments": list(letter.attachments.select_related("uploaded_by")),
        "events": _history(letter),
        "panels": panels_for(letter, user, bound=bound),
        "rejection_message": REJECTION_MESSAGES.get(letter.rejection_reason, ""),
        "session_url": (
            reverse("channels_staff:hotline_detail", args=[letter.hotline_session_id])
            if letter.hotline_session_id is not None and can_record_hotline_sessions(user)
            else ""
        ),
        "duplicate_visible": (
            letter.duplicate_of_id is not None
            and permissions.letters_visible_to(user).filter(pk=letter.duplicate_of_id).exists()
        ),
        **_publication_context(letter, user, withdraw_form=withdraw_form, error=publication_error),
    }
    return render(request, "letters/staff/detail.html", context, status=status)


@require_GET
@letter_staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_letter(request, pk))


# --- registration ----------------------------------------------------------------------------


def _follow_up_session(request: HttpRequest) -> tuple[HotlineSession | None, bool]:
    """The hotline session a follow-up is registered for (``?session=`` on the form, the
    hidden field once posted), and whether the user may link a letter to it."""
    raw = (request.POST if request.method == "POST" else request.GET).get(
        "hotline_session" if request.method == "POST" else "session", ""
    )
    if not raw:
        return None, True
    if not (raw.isascii() and raw.isdigit()):
        return None, False
    session = (
        hotline_sessions_visible_to(request.user)
        .select_related("programme")
        .filter(pk=int(raw))
        .first()
    )
    return session, session is not None


@require_http_methods(["GET", "POST"])
@letter_staff_required
def register(request: HttpRequest) -> HttpResponse:
    """The office registers a letter that came by the hotline, by post, in a visit or a phone
    call, with its files (one transaction: a refused file registers nothing). From a hotline
    session's page (``?session=``), the letter is a follow-up of that session: the channel and
    the date start from the session, and the letter is linked to it."""
    user = staff_user(request)
    if not permissions.can_receive_letters(user):
        return _refuse(request, _("Only the disclosure office registers letters."))
    session, allowed = _follow_up_session(request)
    if not allowed:
        return _refuse(request, _("There is no such hotline session, or you may not see it."))
    form = staff_forms.RegisterForm(
        request.POST or None,
        request.FILES or None,
        sessions=hotline_sessions_visible_to(user),
        session=session,
    )
    if request.method == "POST" and form.is_valid():
        try:
            letter, code = services.register_letter(
                form.letter_input(),
                actor=user,
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                attachments=form.cleaned_data.get("attachments") or [],
                hotline_session=form.cleaned_data.get("hotline_session"),
            )
        except LetterPermissionDenied as error:
            return _refuse(request, error.message)
        except LetterError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _(
                    "Letter %(number)s is registered. Give the writer its query code %(code)s "
                    "with the tracking number: the code is shown only this once."
                )
                % {"number": letter.number, "code": code},
            )
            return HttpResponseRedirect(_detail_url(letter))
    return render(
        request,
        "letters/staff/register.html",
        {"form": form, "session": session},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- files -----------------------------------------------------------------------------------


@require_GET
@letter_staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def download_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """A file of the letter under its original name, always as a download; recorded as a
    read (the writer's files may carry their personal data)."""
    letter = get_letter(request, pk)
    stored = get_object_or_404(letter.attachments.all(), pk=attachment_pk)
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file is missing.")) from error
    audit.record_read(
        letter, actor=staff_user(request), agency_id=_audit_agency(letter), fields=["attachment"]
    )
    return uploads.file_response(
        handle, filename=stored.original_name, content_type=stored.content_type
    )


# --- the actions -----------------------------------------------------------------------------

Perform = Callable[[Letter, Any, User], Letter]


def _act(
    request: HttpRequest, pk: int, name: str, perform: Perform, success: Callable[[Letter], str]
) -> HttpResponse:
    """Run one action: the letter (404 unless the user may see it), the role (403), the form
    (400 with its errors), the service (its refusal on the form, 400; or a 403); on success,
    back to the case page with a message."""
    letter = get_letter(request, pk)
    action = ACTIONS[name]
    user = staff_user(request)
    if not action.permitted(user, letter):
        return _refuse(request, _("You may not do this with this letter."), letter=letter)
    form = _make_form(action, letter, data=request.POST)
    if form.is_valid():
        try:
            result = perform(letter, form, user)
        except LetterPermissionDenied as error:
            return _refuse(request, error.message, letter=letter)
        except LetterError as error:
            form.add_service_error(error)
        else:
            messages.success(request, success(result))
            return HttpResponseRedirect(_detail_url(result))
    letter.refresh_from_db()
    return render_detail(request, letter, bound={name: form}, status=400)


def _agency_name(letter: Letter) -> str:
    return letter.handling_agency.name if letter.handling_agency is not None else ""


def _action_view(name: str, perform: Perform, success: Callable[[Letter], str]) -> View:
    @require_POST
    @letter_staff_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _act(request, pk, name, perform, success)

    view.__name__ = name
    view.__doc__ = f"The action “{name}” on a letter (POST)."
    return view


def _accepted_message(letter: Letter) -> str:
    if letter.handling_agency_id is not None:
        return _("The letter is accepted and assigned to %(agency)s.") % {
            "agency": _agency_name(letter)
        }
    return _("The letter is accepted; its reply is due on %(date)s.") % {
        "date": letter.due_on.isoformat() if letter.due_on else "—"
    }


accept = _action_view(
    "accept",
    lambda letter, form, user: services.accept_letter(
        letter,
        actor=user,
        letter_type=form.cleaned_data["letter_type"],
        handling_agency=form.cleaned_data.get("handling_agency"),
        note=form.cleaned_data.get("note") or "",
    ),
    _accepted_message,
)
reject = _action_view(
    "reject",
    lambda letter, form, user: services.reject_letter(
        letter,
        actor=user,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data.get("note") or "",
        duplicate_of=form.cleaned_data.get("duplicate_of") or "",
    ),
    lambda letter: _("The letter is not accepted; the writer is told why."),
)
assign = _action_view(
    "assign",
    lambda letter, form, user: services.assign_letter(
        letter,
        actor=user,
        agency=form.cleaned_data["agency"],
        note=form.cleaned_data.get("note") or "",
    ),
    lambda letter: _("The letter is assigned to %(agency)s.") % {"agency": _agency_name(letter)},
)
transfer = _action_view(
    "transfer",
    lambda letter, form, user: services.transfer_letter(
        letter, actor=user, agency=form.cleaned_data["agency"], reason=form.cleaned_data["reason"]
    ),
    lambda letter: _("The letter is transferred to %(agency)s.") % {"agency": _agency_name(letter)},
)
draft = _action_view(
    "draft",
    lambda letter, form, user: services.draft_reply(
        letter, actor=user, reply_text=form.cleaned_data["reply_text"]
    ),
    lambda letter: _("The draft reply is saved."),
)
submit = _action_view(
    "submit",
    lambda letter, form, user: services.submit_for_review(letter, actor=user),
    lambda letter: _("The reply is sent for review."),
)
review = _action_view(
    "review",
    lambda letter, form, user: services.review_letter(
        letter,
        actor=user,
        approve=cast(staff_forms.ReviewForm, form).approve,
        comment=form.cleaned_data.get("comment") or "",
    ),
    lambda letter: (
        _("The reply is approved and sent; the writer is told.")
        if letter.state == State.REPLIED
        else _("The reply is returned to the handler.")
    ),
)
close = _action_view(
    "close",
    lambda letter, form, user: services.close_letter(
        letter, actor=user, comment=form.cleaned_data.get("comment") or ""
    ),
    lambda letter: _("The letter is closed."),
)
