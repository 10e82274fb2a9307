"""The public pages of letters (来信): the index of letter types with their reply limits, the
form, the page that shows the tracking number and query code once, and the status page opened
with both, where the writer reads the reply and rates it.

Nothing here needs an account. What the status page shows is what the writer typed (the
subject, the letter, their files) and what the government did (states, dates, the reply) —
never the writer's name, phone or e-mail, although the writer typed them too: a number and a
code are easily passed on or left on a shared computer, and the contact details are the part
that would harm the writer if read by someone else. Nor are staff names or comments shown. A
status page is reached only after the number and the query code matched in this browser
session; a wrong pair gets one message that does not say whether the number exists, and
repeated failures from one address are refused for an hour.
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
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.core import captcha, uploads
from gongkai.core.middleware import client_address
from gongkai.interaction.letters import services
from gongkai.interaction.letters.clocks import letter_settings
from gongkai.interaction.letters.forms import LetterForm, RatingForm, StatusLookupForm
from gongkai.interaction.letters.models import Letter, LetterEvent
from gongkai.interaction.letters.selectors import (
    active_letter_types,
    find_by_number,
    published_qa,
)
from gongkai.interaction.letters.workflow import (
    OPEN_STATES,
    REJECTION_MESSAGES,
    REPLIED_STATES,
    LetterError,
)

State = Letter.State
Code = LetterEvent.Code

SESSION_CODE = "letters.code.{number}"  # the query code, until the received page shows it
SESSION_SENT = "letters.sent"  # numbers written in this session
SESSION_UNLOCKED = "letters.unlocked"  # numbers whose code matched in this session
SESSION_WRITING = "letters.writing"
SESSION_LIST_LIMIT = 20

SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

LOOKUP_FAILURE_LIMIT = 10
LOOKUP_FAILURE_WINDOW = 60 * 60  # seconds

# What the writer sees of the history: what the government did, not its internal steps.
PUBLIC_EVENTS = frozenset(
    {
        Code.SUBMITTED,
        Code.REGISTERED,
        Code.ACCEPTED,
        Code.REJECTED,
        Code.ASSIGNED,
        Code.TRANSFERRED,
        Code.REPLIED,
        Code.RATED,
        Code.REOPENED,
        Code.CLOSED,
        Code.PUBLISHED,
        Code.PUBLICATION_WITHDRAWN,
    }
)


# --------------------------------------------------------------------------- helpers


def _remember(request: HttpRequest, key: str, number: str) -> None:
    numbers = [n for n in request.session.get(key, []) if n != number]
    numbers.append(number)
    request.session[key] = numbers[-SESSION_LIST_LIMIT:]


def _in_session(request: HttpRequest, key: str, number: str) -> bool:
    return number in request.session.get(key, [])


def _unlocked_letter(request: HttpRequest, number: str) -> Letter | None:
    """The letter ``number`` when its code matched in this session, else None."""
    if not _in_session(request, SESSION_UNLOCKED, number):
        return None
    return find_by_number(number)


def _lookup_key(request: HttpRequest) -> str:
    address = client_address(request) or "unknown"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"letters:status-failures:{digest}"


def _lookup_blocked(request: HttpRequest) -> bool:
    return int(cache.get(_lookup_key(request), 0)) >= LOOKUP_FAILURE_LIMIT


def _count_failure(request: HttpRequest) -> None:
    key = _lookup_key(request)
    cache.add(key, 0, timeout=LOOKUP_FAILURE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LOOKUP_FAILURE_WINDOW)


def _public_events(letter: Letter) -> QuerySet[LetterEvent]:
    rows = letter.events.filter(code__in=PUBLIC_EVENTS).only("code", "on")
    return rows.order_by("on", "at", "id")


def _to_lookup(number: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('letters:status')}?{urlencode({'number': number})}")


# --------------------------------------------------------------------------- pages


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The kinds of letter the government answers, each with its reply limit."""
    return render(
        request,
        "letters/public/index.html",
        {"letter_types": list(active_letter_types())},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """The letter form; no account needed. A submission key in the form makes a second
    submission of the same form (a double click, a refresh) return the first letter."""
    if request.method == "POST":
        form = captcha.protect(request, LetterForm(request.POST, request.FILES))
        posted = request.POST.get("submission_key", "")
        key = posted if SUBMISSION_KEY_RE.match(posted) else secrets.token_urlsafe(32)
        if form.is_valid():
            try:
                letter, code = services.submit_letter(
                    form.letter_input(),
                    submission_key=posted,
                    attachments=form.cleaned_data.get("attachments") or [],
                )
            except LetterError as error:
                form.add_service_error(error)
            else:
                if code is not None:
                    request.session[SESSION_CODE.format(number=letter.number)] = code
                _remember(request, SESSION_SENT, letter.number)
                return redirect("letters:received", number=letter.number)
        status = 400
    else:
        initial: dict[str, Any] = {}
        slug = request.GET.get("type", "")[:50]
        if slug:
            initial["letter_type"] = active_letter_types().filter(slug=slug).first()
        form = captcha.protect(request, LetterForm(initial=initial))
        key = secrets.token_urlsafe(32)
        # A session from the first page on: a retry whose answer was lost finds the code the
        # first submission left in it.
        request.session[SESSION_WRITING] = True
        status = 200
    return render(
        request,
        "letters/public/write.html",
        {"form": form, "submission_key": key, "letter_types": list(active_letter_types())},
        status=status,
    )


@never_cache
@require_safe
def received(request: HttpRequest, number: str) -> HttpResponse:
    """The tracking number and, once, the query code of a letter written in this session."""
    if not _in_session(request, SESSION_SENT, number):
        raise Http404(_("No letter of yours has this number."))
    letter = find_by_number(number)
    if letter is None:
        raise Http404(_("No letter of yours has this number."))
    code = request.session.pop(SESSION_CODE.format(number=number), None)
    return render(
        request,
        "letters/public/received.html",
        {"number": letter.number, "code": code, "letter_type": letter.letter_type},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Open a letter's status page with its tracking number and query code."""
    template = "letters/public/status_lookup.html"
    if request.method != "POST":
        number = request.GET.get("number", "")[:64]
        form = StatusLookupForm(initial={"number": number} if number else None)
        captcha.protect(request, form)
        return render(request, template, {"form": form})
    form = captcha.protect(request, StatusLookupForm(request.POST))
    if _lookup_blocked(request):
        return render(request, template, {"form": form, "blocked": True}, status=429)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    code = form.cleaned_data["code"]
    letter = find_by_number(form.cleaned_data["number"])
    if letter is None:
        make_password(code)  # the same work as a real check: the time tells nothing either
        matched = False
    else:
        matched = services.check_query_code(letter, code)
    if not matched or letter is None:
        _count_failure(request)
        form.add_error(None, _("The tracking number and query code do not match."))
        return render(request, template, {"form": form}, status=400)
    _remember(request, SESSION_UNLOCKED, letter.number)
    return redirect("letters:status_detail", number=letter.number)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def status_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Where the letter stands, its history in plain words, the reply once it is given, and
    the rating form while the reply waits for the writer's rating."""
    letter = _unlocked_letter(request, number)
    if letter is None:
        return _to_lookup(number)
    rating_form = None
    status_code = 200
    if letter.state == State.REPLIED:
        rating_form = RatingForm(request.POST if request.method == "POST" else None, letter=letter)
        captcha.protect(request, rating_form)
        if request.method == "POST":
            if rating_form.is_valid():
                try:
                    services.rate_letter(
                        letter,
                        rating=rating_form.cleaned_data["rating"],
                        comment=rating_form.cleaned_data.get("comment") or "",
                        reopen=bool(rating_form.cleaned_data.get("reopen")),
                    )
                except LetterError as error:
                    rating_form.add_service_error(error)
                else:
                    if rating_form.cleaned_data.get("reopen"):
                        messages.success(
                            request,
                            _("Thank you. Your letter will be handled again and answered anew."),
                        )
                    else:
                        messages.success(request, _("Thank you for rating the reply."))
                    return redirect("letters:status_detail", number=letter.number)
            status_code = 400
    elif request.method == "POST":
        # A rating sent twice, or after the letter moved on: show where it stands.
        return redirect("letters:status_detail", number=letter.number)
    config = letter_settings()
    return render(
        request,
        "letters/public/status_detail.html",
        {
            "letter": letter,
            "is_open": letter.state in OPEN_STATES,
            "replied": letter.state in REPLIED_STATES,
            "events": list(_public_events(letter)),
            "attachments": list(letter.attachments.all()),
            "rating_form": rating_form,
            "rejection_message": (
                REJECTION_MESSAGES.get(letter.rejection_reason, "")
                if letter.state == State.REJECTED
                else ""
            ),
            "petition_agency": config.petition_agency if config.petition_agency_id else None,
            "petition_note": config.petition_note,
            "public_qa": published_qa().filter(letter=letter).only("pk", "public_subject").first(),
        },
        status=status_code,
    )


@never_cache
@require_safe
def status_attachment(request: HttpRequest, number: str, attachment_pk: int) -> FileResponse:
    """A file the writer sent, for a letter unlocked in this session, always as a download."""
    letter = _unlocked_letter(request, number)
    if letter is None:
        raise Http404(_("No file has this address."))
    stored = letter.attachments.filter(pk=attachment_pk).first()
    if stored is None:
        raise Http404(_("No file has this address."))
    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404(_("No file has this address.")) from error
    return uploads.file_response(
        handle, filename=stored.original_name, content_type=stored.content_type
    )
