"""The workbench pages of applications: the queue, the case page, registration and files.

Every view needs a signed-in member of staff holding an application role (the disclosure
office, or a handler, legal reviewer or head somewhere); a case is read only through
``permissions.requests_visible_to`` (another agency's case is a 404, as if it did not exist)
and changed only through ``info_requests.services``. The action views that change a case's
state live in ``views/staff_actions.py`` and come back to :func:`render_detail` with their
bound forms when the input was refused.

Privacy: the applicant's data is shown on the case page only, each showing recorded with
``audit.record_read`` (fields named, never values); lists show the applicant's name to the
office only and never a full identity number.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.agencies.permissions import agencies_visible_to
from gongkai.core import audit, uploads
from gongkai.core.clock import ClockError, ClockReading, ClockState
from gongkai.core.models import AuditEntry, User
from gongkai.core.workdays import CalendarNotCovered, working_days_between
from gongkai.info_requests import clocks, letters, permissions, selectors, services
from gongkai.info_requests.forms_staff import (
    SHOW_CLOSED,
    QueueFilterForm,
    RegisterForm,
    RequestFileForm,
)
from gongkai.info_requests.models import InfoRequest, RequestEvent, RequestFile
from gongkai.info_requests.workflow import (
    OPEN_STATES,
    InfoRequestError,
    InfoRequestPermissionDenied,
)
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 50
UPLOAD_FORM = "upload_file"  # the key of the file form in ``render_detail``'s ``bound``

State = InfoRequest.State
Kind = RequestFile.Kind

# The applicant's data the case page shows: named (never their values) in the audit entry.
APPLICANT_FIELDS = (
    "name",
    "applicant_kind",
    "organisation_kind",
    "credit_code",
    "contact_person",
    "id_type",
    "id_number",
    "phone",
    "email",
    "address",
    "postcode",
)
# What the queue shows the office of each applicant (the number masked).
QUEUE_APPLICANT_FIELDS = ["name", "id_number_masked"]
# Files that carry the applicant's personal data: each download is recorded as a read.
PERSONAL_FILE_KINDS = RequestFile.PERSONAL

View = Callable[..., HttpResponse]


# --- access ----------------------------------------------------------------------------------


def _refuse(request: HttpRequest, message: str, *, case: InfoRequest | None = None) -> HttpResponse:
    """A 403 page saying why, in the workbench's frame; nothing was changed."""
    back = None
    if case is not None:
        back = (reverse("info_requests_staff:detail", args=[case.pk]), _("Back to the application"))
    return refuse_action(request, message, back=back)


def request_staff_required(view: View) -> View:
    """Signed in with a role (``staff_required``), and an application role among them: the
    office, or a handler, legal reviewer or head of some agency. Others get a 403 page."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.has_request_role(request.user):
            return _refuse(
                request,
                _(
                    "Applications are handled by the disclosure office and by the handlers, "
                    "legal reviewers and heads of the agencies they are assigned to."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapper


def get_case(request: HttpRequest, pk: int) -> InfoRequest:
    """The application if the user may open it; 404 otherwise (as if it did not exist)."""
    return get_object_or_404(
        permissions.requests_visible_to(request.user).select_related(
            "agency", "handling_agency", "repeat_of", "registered_by"
        ),
        pk=pk,
    )


def _detail_url(case: InfoRequest, anchor: str = "") -> str:
    url = reverse("info_requests_staff:detail", args=[case.pk])
    return f"{url}#{anchor}" if anchor else url


def _audit_agency(case: InfoRequest) -> int:
    return case.handling_agency_id or case.agency_id


# --- the queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One application of the queue with its urgency as of today."""

    case: InfoRequest
    left: int | None  # working days left to the due date (negative: late)
    urgency: str  # "overdue", "due_soon", "paused" or ""

    @property
    def late(self) -> int:
        return -self.left if self.left is not None and self.left < 0 else 0


def _urgency(case: InfoRequest, today: datetime.date, due_soon: int) -> QueueRow:
    """The urgency from the cached due date (refreshed by every service and the daily job)."""
    if case.state not in OPEN_STATES:
        return QueueRow(case=case, left=None, urgency="")
    if case.due_on is None:
        paused = case.clock_state == ClockState.PAUSED or case.state == State.CORRECTION
        return QueueRow(case=case, left=None, urgency="paused" if paused else "")
    try:
        left = working_days_between(today, case.due_on)
    except CalendarNotCovered:
        left = None
    if case.due_on < today:
        return QueueRow(case=case, left=left, urgency="overdue")
    if left is not None and left <= due_soon:
        return QueueRow(case=case, left=left, urgency="due_soon")
    return QueueRow(case=case, left=left, urgency="")


@require_GET
@request_staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The open applications the user may see, the most urgent first; or the closed ones."""
    user = staff_user(request)
    office = permissions.can_receive_requests(user)
    agencies = agencies_visible_to(user).order_by("sort_order", "id") if office else None
    form = QueueFilterForm(request.GET or None, agencies=agencies)
    data: dict[str, Any] = {}
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        data = form.cleaned_data
    agency = data.get("agency")
    state: str = data.get("state") or ""
    agency_id: int | None = agency.pk if agency else None
    cases: QuerySet[InfoRequest]
    if not valid:
        cases = InfoRequest.objects.none()
    elif data.get("show") == SHOW_CLOSED:
        cases = selectors.answered_for(user, state=state, agency_id=agency_id)
    else:
        # The earliest due date first; applications without one (paused) after them.
        cases = selectors.queue_for(user, state=state, agency_id=agency_id)
    cases = selectors.search_requests(cases, data.get("q") or "")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due_soon = clocks.policy().due_soon_days
    rows = [_urgency(case, today, due_soon) for case in page.object_list]
    if office and rows:
        # The office sees each applicant's name (and the masked number): one entry a page.
        audit.record(
            "personal_data.read",
            actor=user,
            kind=AuditEntry.Kind.READ,
            details={"fields": QUEUE_APPLICANT_FIELDS, "requests": [row.case.pk for row in rows]},
        )
    return render(
        request,
        "info_requests/staff/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "office": office,
            "shows_closed": data.get("show") == SHOW_CLOSED,
            "today": today,
            "due_soon_days": due_soon,
        },
        status=200 if valid else 400,
    )


# --- the case page ---------------------------------------------------------------------------


def _read_clock(case: InfoRequest, events: list[RequestEvent] | None = None) -> ClockReading | None:
    try:
        if events is None:
            return clocks.read_clock(case)
        return clocks.read_clock(case, events=clocks.clock_events_of(events))
    except (ClockError, CalendarNotCovered):
        return None


def _state_label(value: str) -> str:
    try:
        return str(State(value).label)
    except ValueError:
        return value


def _history(case: InfoRequest) -> list[RequestEvent]:
    events = list(selectors.history_of(case))
    for event in events:
        event.label = event.get_code_display()  # type: ignore[attr-defined]
        event.from_label = _state_label(event.from_state)  # type: ignore[attr-defined]
        event.to_label = _state_label(event.to_state)  # type: ignore[attr-defined]
    return events


def file_kinds_for(user: User, case: InfoRequest) -> list[Kind]:
    """The kinds of file ``user`` may add to ``case`` (``services.add_request_file`` decides
    again): every kind for the handler, scans of the application for the office."""
    if permissions.can_handle_request(user, case):
        return list(Kind)
    if permissions.can_receive_requests(user):
        return [Kind.ORIGINAL, Kind.IDENTITY]
    return []


def render_detail(
    request: HttpRequest,
    case: InfoRequest,
    *,
    bound: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page, with the action panels the user may use (``bound`` holds forms that
    came back with errors, by panel name). Each showing is recorded as a read of the
    applicant's data."""
    from gongkai.info_requests.views.staff_actions import panels_for

    user = staff_user(request)
    bound = dict(bound or {})
    upload_form = bound.pop(UPLOAD_FORM, None)
    audit.record_read(
        case, actor=user, agency_id=_audit_agency(case), fields=list(APPLICANT_FIELDS)
    )
    events = _history(case)  # read once: the clock is computed from the same rows
    clock = _read_clock(case, events)
    # The remedies panel and the decision panel list the same rows.
    prefetch_related_objects([case], "remedies")
    kinds = file_kinds_for(user, case)
    repeat_visible = (
        case.repeat_of_id is not None
        and permissions.requests_visible_to(user).filter(pk=case.repeat_of_id).exists()
    )
    context = {
        "case": case,
        "show_identity": permissions.can_view_request(user, case),
        "clock": clock,
        "clock_late_days": -clock.left if clock is not None and clock.left < 0 else 0,
        "repeat_visible": repeat_visible,
        "withheld": list(case.withheld.all()),
        "consultations": list(case.consultations.all()),
        "fees": list(case.fees.all()),
        "files": list(case.files.select_related("uploaded_by")),
        "notices": list(letters.notices_for(case)),
        "upload_form": upload_form or (RequestFileForm(kinds=kinds) if kinds else None),
        "events": events,
        "panels": panels_for(case, user, bound=bound),
    }
    return render(request, "info_requests/staff/detail.html", context, status=status)


@require_GET
@request_staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, get_case(request, pk))


# --- registration ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@request_staff_required
def register(request: HttpRequest) -> HttpResponse:
    """The office registers an application that came by letter, in person, fax, e-mail or
    another channel (REG 29, 31), with an optional scan of the original. The registration
    and the scan are one transaction: a refused scan registers nothing."""
    user = staff_user(request)
    if not permissions.can_receive_requests(user):
        return _refuse(request, _("Only the disclosure office registers applications."))
    agencies = agencies_visible_to(user).order_by("sort_order", "id")
    form = RegisterForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                case, code = services.register_request(
                    form.application(),
                    actor=user,
                    agency=form.cleaned_data["agency"],
                    **form.receipt(),  # type: ignore[arg-type]
                )
                original = form.cleaned_data.get("original")
                if original:
                    services.add_request_file(
                        case, actor=user, kind=Kind.ORIGINAL, uploaded_file=original
                    )
        except InfoRequestPermissionDenied as error:
            return _refuse(request, error.message)
        except InfoRequestError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _(
                    "Application %(number)s is registered. Give the applicant its query code "
                    "%(code)s with the tracking number: the code is shown only this once."
                )
                % {"number": case.number, "code": code},
            )
            return HttpResponseRedirect(_detail_url(case))
    return render(
        request,
        "info_requests/staff/register.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- files -----------------------------------------------------------------------------------


@require_POST
@request_staff_required
def upload_file(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    user = staff_user(request)
    kinds = file_kinds_for(user, case)
    if not kinds:
        return _refuse(
            request,
            _("Files are added by the handling agency's handlers and the disclosure office."),
            case=case,
        )
    form = RequestFileForm(request.POST, request.FILES, kinds=kinds)
    if form.is_valid():
        try:
            stored = services.add_request_file(
                case,
                actor=user,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
            )
        except InfoRequestPermissionDenied as error:
            return _refuse(request, error.message, case=case)
        except InfoRequestError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("“%(name)s” is added.") % {"name": stored.original_name})
            return HttpResponseRedirect(_detail_url(case, "files"))
    return render_detail(request, case, bound={UPLOAD_FORM: form}, status=400)


@require_GET
@request_staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def download_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponseBase:
    """A file of the case under its original name, always as a download; scans carrying the
    applicant's data are recorded as a read."""
    case = get_case(request, pk)
    stored = get_object_or_404(RequestFile.objects.filter(request=case), pk=file_pk)
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("The file is missing.")) from error
    if stored.kind in PERSONAL_FILE_KINDS:
        audit.record_read(
            case,
            actor=staff_user(request),
            agency_id=_audit_agency(case),
            fields=[f"file:{stored.kind}"],
        )
    return uploads.file_response(
        handle, filename=stored.original_name, content_type=stored.content_type
    )


@require_GET
@request_staff_required  # type: ignore[arg-type]  # a FileResponse streams: not an HttpResponse
def download_notice(request: HttpRequest, pk: int, notice_pk: int, fmt: str) -> HttpResponseBase:
    """A notice of the case as PDF or DOCX (rendered from its frozen text on first need)."""
    from gongkai.info_requests.views.public import NoticeUnavailable, notice_response

    case = get_case(request, pk)
    notice = get_object_or_404(letters.notices_for(case), pk=notice_pk)
    try:
        response = notice_response(notice, fmt)
    except NoticeUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    # A notice is addressed to the applicant (or the third party consulted) by name.
    audit.record_read(
        case,
        actor=staff_user(request),
        agency_id=_audit_agency(case),
        fields=[f"notice:{notice.pk}"],
    )
    return response
