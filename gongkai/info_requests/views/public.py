"""The public pages of applications (依申请公开): apply online, see the tracking number and the
query code once, follow the application by number and code, send a correction and download
what was released.

Nothing here needs an account. What an applicant sees of a case is what they typed (the
description) and what the agency did (states, dates, the reply): never their identity number,
phone, e-mail or address, nor staff names or comments. A status page is reached only after the
number and the query code matched in this browser session (or, for the owner, when the
application is listed under the signed-in citizen's optional account); a wrong pair gets one
message that does not say whether the number exists, and repeated failures from one address are
refused for an hour.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from gongkai.agencies.selectors import public_agencies
from gongkai.core import captcha, uploads
from gongkai.core.middleware import client_address
from gongkai.info_requests import letters, services
from gongkai.info_requests.clocks import policy
from gongkai.info_requests.forms import ApplicationForm, CorrectionForm, StatusLookupForm
from gongkai.info_requests.models import InfoRequest, Notice, RequestEvent, RequestFile
from gongkai.info_requests.rules import RULES_2019
from gongkai.info_requests.selectors import find_by_number
from gongkai.info_requests.workflow import OPEN_STATES, InfoRequestError
from gongkai.search.engine import SearchQuery, search

State = InfoRequest.State
Code = RequestEvent.Code

# Session keys. The query code waits under a key per number until the received page shows it.
SESSION_CODE = "info_requests.code.{number}"
SESSION_RECEIVED = "info_requests.received"  # numbers submitted in this session
SESSION_UNLOCKED = "info_requests.unlocked"  # numbers whose code matched in this session
SESSION_APPLYING = "info_requests.applying"
SESSION_LIST_LIMIT = 20

SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# Failed status lookups allowed per client address in the window, then 429 until it ends.
LOOKUP_FAILURE_LIMIT = 10
LOOKUP_FAILURE_WINDOW = 60 * 60  # seconds

SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_HITS = 5
SUGGEST_MAX_INPUT = 1000  # characters read from ``q``; the engine reads fewer

# What the applicant sees of the history: what the agency did, not its internal steps
# (drafts, reviews, approvals, files, reminders, flags), which are staff matters.
PUBLIC_EVENTS = frozenset(
    {
        Code.SUBMITTED,
        Code.REGISTERED,
        Code.ACCEPTED,
        Code.CORRECTION_REQUESTED,
        Code.CORRECTED,
        Code.ASSIGNED,
        Code.TRANSFERRED,
        Code.CONSULTATION_SENT,
        Code.CONSULTATION_ANSWERED,
        Code.EXTENDED,
        Code.FEE_NOTIFIED,
        Code.FEE_SETTLED,
        Code.REPLIED,
        Code.DELIVERED,
        Code.CLOSED,
    }
)
REPLIED_STATES = frozenset({State.REPLIED, State.DELIVERED, State.CLOSED})


# --------------------------------------------------------------------------- helpers


def _remember(request: HttpRequest, key: str, number: str) -> None:
    """Add ``number`` to the session's list ``key`` (the most recent kept)."""
    numbers = [n for n in request.session.get(key, []) if n != number]
    numbers.append(number)
    request.session[key] = numbers[-SESSION_LIST_LIMIT:]


def _in_session(request: HttpRequest, key: str, number: str) -> bool:
    return number in request.session.get(key, [])


def _submission_key(request: HttpRequest) -> str:
    """The key of the form being filled in: the posted one when well-formed, else a new one."""
    posted = request.POST.get("submission_key", "")
    if SUBMISSION_KEY_RE.match(posted):
        return posted
    return secrets.token_urlsafe(32)


def _rules_context() -> dict[str, Any]:
    rules = RULES_2019
    return {
        "reply_limit": rules.reply_limit,
        "extension_limit": rules.extension_limit,
        "correction_notice_limit": rules.correction_notice_limit,
        "correction_days": policy().correction_days,
    }


def _unlocked_request(request: HttpRequest, number: str) -> InfoRequest | None:
    """The application ``number`` when its code matched in this session, or when it is listed
    under the signed-in citizen's account (decision 0014); else None."""
    if _in_session(request, SESSION_UNLOCKED, number):
        return find_by_number(number)
    citizen = getattr(request, "citizen", None)
    if citizen is None:
        return None
    info_request = find_by_number(number)
    if info_request is None or info_request.citizen_id != citizen.pk:
        return None
    return info_request


def _lookup_key(request: HttpRequest) -> str:
    address = client_address(request) or "unknown"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"info_requests:status-failures:{digest}"


def _lookup_blocked(request: HttpRequest) -> bool:
    return int(cache.get(_lookup_key(request), 0)) >= LOOKUP_FAILURE_LIMIT


def _count_failure(request: HttpRequest) -> None:
    key = _lookup_key(request)
    # The window starts with the first failure and is not extended by later ones.
    cache.add(key, 0, timeout=LOOKUP_FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LOOKUP_FAILURE_WINDOW)


def _public_events(info_request: InfoRequest) -> QuerySet[RequestEvent]:
    return (
        info_request.events.filter(code__in=PUBLIC_EVENTS)
        .only("code", "on")
        .order_by("on", "at", "id")
    )


def _releasable_files(info_request: InfoRequest) -> QuerySet[RequestFile]:
    """The files the applicant may download: the released information, once replied."""
    if info_request.state not in REPLIED_STATES:
        return RequestFile.objects.none()
    return info_request.files.filter(kind__in=RequestFile.RELEASABLE)


# --------------------------------------------------------------------------- applying


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """The online application form (REG 29); no account needed."""
    if request.method == "POST":
        form = captcha.protect(request, ApplicationForm(request.POST))
        key = _submission_key(request)
        if form.is_valid():
            try:
                info_request, code = services.submit_request(
                    form.application(),
                    agency=form.cleaned_data["agency"],
                    submission_key=request.POST.get("submission_key", ""),
                    user=request.user if request.user.is_authenticated else None,
                    citizen=getattr(request, "citizen", None),
                )
            except InfoRequestError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                if code is None:  # a duplicate of this form, perhaps racing the first
                    code = services.pending_query_code(info_request)
                if code is not None:
                    request.session[SESSION_CODE.format(number=info_request.number)] = code
                _remember(request, SESSION_RECEIVED, info_request.number)
                return redirect("info_requests:received", number=info_request.number)
    else:
        initial: dict[str, Any] = {}
        slug = request.GET.get("agency", "")
        if slug:
            initial["agency"] = public_agencies().filter(slug=slug[:100]).first()
        form = captcha.protect(request, ApplicationForm(initial=initial))
        key = secrets.token_urlsafe(32)
        # A session (and its cookie) from the first page on: a retry of a submission whose
        # answer was lost then finds the query code the first one left in the session.
        request.session[SESSION_APPLYING] = True
    return render(
        request,
        "info_requests/public/apply.html",
        {"form": form, "submission_key": key, **_rules_context()},
    )


@never_cache
@require_safe
def received(request: HttpRequest, number: str) -> HttpResponse:
    """The tracking number and, once, the query code of an application made in this session."""
    if not _in_session(request, SESSION_RECEIVED, number):
        raise Http404(_("No application of yours has this number."))
    code = request.session.pop(SESSION_CODE.format(number=number), None)
    if code is not None:
        services.forget_pending_query_code(number)
    return render(
        request,
        "info_requests/public/received.html",
        {"number": number, "code": code, **_rules_context()},
    )


@require_POST
def suggest(request: HttpRequest) -> JsonResponse:
    """Published documents that may already answer the description being typed (REG 36(1)).

    A POST (with the form's CSRF token), never a GET: a description may hold personal data,
    and the query string of a GET is written to every web server's access log."""
    raw = request.POST.get("q", "")[:SUGGEST_MAX_INPUT]
    query = SearchQuery.from_params({"q": raw})
    hits: list[dict[str, str]] = []
    if len(query.q) >= SUGGEST_MIN_LENGTH:
        result = search(query, facets=False)
        for hit in result.hits[:SUGGEST_MAX_HITS]:
            published = hit.published_at
            hits.append(
                {
                    "title": hit.title,
                    "url": hit.url,
                    "agency": hit.agency,
                    "date": timezone.localdate(published).isoformat() if published else "",
                }
            )
    response = JsonResponse({"hits": hits})
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- following


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Open an application's status page with its tracking number and query code."""
    template = "info_requests/public/status_lookup.html"
    if request.method != "POST":
        number = request.GET.get("number", "")[:64]
        form = StatusLookupForm(initial={"number": number} if number else None)
        captcha.protect(request, form)
        return render(request, template, {"form": form})
    form = captcha.protect(request, StatusLookupForm(request.POST))
    if _lookup_blocked(request):
        return render(request, template, {"form": form, "blocked": True}, status=429)
    if not form.is_valid():
        return render(request, template, {"form": form})
    number = form.cleaned_data["number"].strip()
    code = form.cleaned_data["code"]
    info_request = find_by_number(number)
    if info_request is None:
        make_password(code)  # the same work as a real check: the time tells nothing either
        matched = False
    else:
        matched = services.check_query_code(info_request, code)
    if not matched or info_request is None:
        _count_failure(request)
        form.add_error(None, _("The tracking number and query code do not match."))
        return render(request, template, {"form": form})
    _remember(request, SESSION_UNLOCKED, info_request.number)
    return redirect("info_requests:status_detail", number=info_request.number)


def _to_lookup(number: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        f"{reverse('info_requests:status')}?{urlencode({'number': number})}"
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Where the application stands, its history in plain words and, once replied, the reply
    and the released files; while a correction is awaited, the form to send it."""
    info_request = _unlocked_request(request, number)
    if info_request is None:
        return _to_lookup(number)
    correction_form = None
    if info_request.state == State.CORRECTION:
        correction_form = CorrectionForm(request.POST if request.method == "POST" else None)
        captcha.protect(request, correction_form)
        if request.method == "POST" and correction_form.is_valid():
            try:
                services.receive_correction(
                    info_request, actor=None, text=correction_form.cleaned_data["text"]
                )
            except InfoRequestError as error:
                field = error.field if error.field in correction_form.fields else None
                correction_form.add_error(field, error.message)
            else:
                messages.success(
                    request, _("Your correction was received. The time limit starts again.")
                )
                return redirect("info_requests:status_detail", number=info_request.number)
    elif request.method == "POST":
        # A correction sent twice, or after it was no longer awaited: show where it stands.
        return redirect("info_requests:status_detail", number=info_request.number)
    correction_asked = None
    if info_request.state == State.CORRECTION:
        correction_asked = (
            info_request.events.filter(code=Code.CORRECTION_REQUESTED)
            .order_by("-on", "-id")
            .first()
        )
    replied = info_request.state in REPLIED_STATES
    return render(
        request,
        "info_requests/public/status_detail.html",
        {
            "info_request": info_request,
            "is_open": info_request.state in OPEN_STATES,
            "replied": replied,
            "events": list(_public_events(info_request)),
            "correction_asked": correction_asked.comment if correction_asked else "",
            "correction_form": correction_form,
            "files": list(_releasable_files(info_request)),
            "notices": list(letters.applicant_notices(info_request)),
            "withheld": list(info_request.withheld.all()) if replied else [],
            "open_fees": (
                list(info_request.fees.filter(settlement=""))
                if info_request.state == State.AWAITING_FEE
                else []
            ),
        },
    )


@never_cache
@require_safe
def status_file(request: HttpRequest, number: str, file_pk: int) -> FileResponse:
    """A released file of an application unlocked in this session, always as a download."""
    info_request = _unlocked_request(request, number)
    if info_request is None:
        raise Http404(_("No file has this address."))
    stored = _releasable_files(info_request).filter(pk=file_pk).first()
    if stored is None:
        raise Http404(_("No file has this address."))
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("No file has this address.")) from error
    return uploads.file_response(
        handle, filename=stored.original_name, content_type=stored.content_type
    )


NOTICE_FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def notice_response(notice: Notice, fmt: str) -> FileResponse:
    """A notice's PDF or DOCX as a download named by its number (rendered on first need)."""
    if fmt not in NOTICE_FORMATS:
        raise Http404(_("No file has this address."))
    try:
        notice = letters.render_notice(notice)
    except InfoRequestError as error:  # the notice font is missing: say so, change nothing
        raise NoticeUnavailable(error.message) from error
    field = notice.pdf if fmt == "pdf" else notice.docx
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("No file has this address.")) from error
    content_type, suffix = NOTICE_FORMATS[fmt]
    return uploads.file_response(
        handle, filename=f"{notice.number}.{suffix}", content_type=content_type
    )


class NoticeUnavailable(Exception):
    """A notice that cannot be rendered now (its font is missing); the message is translated."""


@never_cache
@require_safe
def status_notice(request: HttpRequest, number: str, notice_pk: int, fmt: str) -> HttpResponse:
    """A notice addressed to the applicant of an application unlocked in this session."""
    info_request = _unlocked_request(request, number)
    if info_request is None:
        raise Http404(_("No file has this address."))
    notice = letters.applicant_notices(info_request).filter(pk=notice_pk).first()
    if notice is None:
        raise Http404(_("No file has this address."))
    try:
        return notice_response(notice, fmt)  # type: ignore[return-value]
    except NoticeUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
