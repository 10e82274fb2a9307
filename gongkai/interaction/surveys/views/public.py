"""The public pages of surveys: the list, the answer form, thanks, "already answered", the
results.

A survey answered once per browser needs no account: a visitor is recognised by the random
token of the survey cookie (stored only as a keyed hash) and limited by address in the cache
(``surveys.visitors``). A survey for signed-in citizens shows its questions to everyone, but
takes answers only from a citizen signed in (``request.citizen``), once per account; an
anonymous visitor is shown the way to the citizens' sign-in page and back. A form sent with an
error, to a survey that is not open, without the sign-in it needs, or over the address limit
stores nothing. Free-text answers are never shown here: the results give only how many there
are.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.core import captcha
from gongkai.core.middleware import client_address
from gongkai.interaction.surveys import selectors, services, visitors
from gongkai.interaction.surveys.forms import ResponseForm
from gongkai.interaction.surveys.models import Question, Survey

if TYPE_CHECKING:
    from gongkai.citizens.models import CitizenAccount

Phase = Survey.Phase
CLOSED_PAGE_SIZE = 20
SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _survey_or_404(pk: int) -> Survey:
    survey = selectors.public_surveys().filter(pk=pk).first()
    if survey is None:
        raise Http404(_("No survey has this address."))
    return survey


def _token(request: HttpRequest) -> str | None:
    return visitors.valid_token(request.COOKIES.get(visitors.COOKIE_NAME))


def _set_token(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        visitors.COOKIE_NAME,
        token,
        max_age=visitors.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _submission_key(request: HttpRequest) -> str:
    posted = request.POST.get("submission_key", "")
    return posted if SUBMISSION_KEY_RE.match(posted) else ""


def _citizen(request: HttpRequest) -> CitizenAccount | None:
    return getattr(request, "citizen", None)


def _sign_in_url(survey: Survey) -> str:
    """The citizens' sign-in page, coming back to the survey afterwards (the sign-in page
    follows ``next`` only to an address on this site)."""
    query = urlencode({"next": reverse("surveys:detail", args=[survey.pk])})
    return f"{reverse('citizens:sign_in')}?{query}"


def _to_answered(request: HttpRequest, survey: Survey) -> HttpResponse:
    """Where a visitor who has answered goes: the thanks page for the same form sent twice (a
    double click, a retry), which was received once; else "already answered"."""
    if request.method == "POST":
        key = _submission_key(request)
        if key and survey.responses.filter(submission_key=key).exists():
            return redirect("surveys:thanks", pk=survey.pk)
    return redirect("surveys:answered", pk=survey.pk)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Open surveys, those opening soon, and the closed ones with their results."""
    now = timezone.now()
    closed = Paginator(selectors.closed_surveys(now), CLOSED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "surveys/public/index.html",
        {
            "open": list(selectors.open_surveys(now)),
            "upcoming": list(selectors.upcoming_surveys(now)),
            "page": closed,
            "now": now,
        },
    )


def _render_form(
    request: HttpRequest,
    survey: Survey,
    form: ResponseForm,
    key: str,
    *,
    status: int = 200,
    limited: bool = False,
    sign_in_url: str = "",
    not_saved: bool = False,
) -> HttpResponse:
    return render(
        request,
        "surveys/public/survey.html",
        {
            "survey": survey,
            "phase": Phase.OPEN,
            "form": form,
            "submission_key": key,
            "limited": limited,
            "sign_in_url": sign_in_url,
            "not_saved": not_saved,
            "results_public": survey.results_public(timezone.now()),
        },
        status=status,
    )


def _questions(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position").prefetch_related("choices"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey's form while it is open; otherwise why it takes no answers."""
    survey = _survey_or_404(pk)
    now = timezone.now()
    phase = survey.phase(now)
    token = _token(request)
    if phase != Phase.OPEN:
        return render(
            request,
            "surveys/public/survey.html",
            {"survey": survey, "phase": phase, "results_public": survey.results_public(now)},
            status=403 if request.method == "POST" else 200,
        )
    if survey.for_citizens:
        return _answer_as_citizen(request, survey)
    if selectors.has_answered(survey, token):
        return _to_answered(request, survey)
    questions = _questions(survey)
    if request.method != "POST":
        form = captcha.protect(request, ResponseForm(questions=questions))
        response = _render_form(request, survey, form, secrets.token_urlsafe(32))
        if token is None:
            _set_token(response, visitors.new_token())
        return response

    form = captcha.protect(request, ResponseForm(request.POST, questions=questions))
    key = _submission_key(request) or secrets.token_urlsafe(32)
    token = token or visitors.new_token()
    if not form.is_valid():
        response = _render_form(request, survey, form, key, status=400)
        _set_token(response, token)
        return response
    address = client_address(request)
    if visitors.address_limit_reached(survey.pk, address):
        form.add_error(
            None,
            _(
                "Too many answers to this survey have come from your network address "
                "recently. Your answers were not saved; please try again later."
            ),
        )
        response = _render_form(request, survey, form, key, status=429, limited=True)
        _set_token(response, token)
        return response
    try:
        _response, created = services.submit_response(
            survey, form.answers(), visitor_token=token, submission_key=key
        )
    except services.AlreadyAnswered:
        return redirect("surveys:answered", pk=survey.pk)
    except services.SurveyUnavailable:
        return redirect("surveys:detail", pk=survey.pk)
    except services.SurveyError as error:
        form.add_service_error(error)
        response = _render_form(request, survey, form, key, status=400)
        _set_token(response, token)
        return response
    if created:
        visitors.count_answer(survey.pk, address)
    response = redirect("surveys:thanks", pk=survey.pk)
    _set_token(response, token)
    return response


def _answer_as_citizen(request: HttpRequest, survey: Survey) -> HttpResponse:
    """An open survey for signed-in citizens: the form for a signed-in citizen who has not
    answered; the questions and the way to sign in for anyone else (a form sent without being
    signed in — a sign-in that ended meanwhile, another tab's sign-out — stores nothing).

    No cookie token and no address limit here: the account is what answers once."""
    citizen = _citizen(request)
    posted = request.method == "POST"
    if citizen is None:
        return _render_form(
            request,
            survey,
            ResponseForm(questions=_questions(survey)),
            "",
            status=403 if posted else 200,
            sign_in_url=_sign_in_url(survey),
            not_saved=posted,
        )
    if selectors.has_answered(survey, citizen=citizen):
        return _to_answered(request, survey)
    questions = _questions(survey)
    if not posted:
        return _render_form(
            request,
            survey,
            captcha.protect(request, ResponseForm(questions=questions)),
            secrets.token_urlsafe(32),
        )
    form = captcha.protect(request, ResponseForm(request.POST, questions=questions))
    key = _submission_key(request) or secrets.token_urlsafe(32)
    if not form.is_valid():
        return _render_form(request, survey, form, key, status=400)
    try:
        services.submit_response(survey, form.answers(), citizen=citizen, submission_key=key)
    except services.AlreadyAnswered:
        return redirect("surveys:answered", pk=survey.pk)
    except services.SurveyUnavailable:
        return redirect("surveys:detail", pk=survey.pk)
    except services.SignInRequired:
        return _render_form(
            request,
            survey,
            ResponseForm(questions=questions),
            "",
            status=403,
            sign_in_url=_sign_in_url(survey),
            not_saved=True,
        )
    except services.SurveyError as error:
        form.add_service_error(error)
        return _render_form(request, survey, form, key, status=400)
    return redirect("surveys:thanks", pk=survey.pk)


@never_cache
@require_safe
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_or_404(pk)
    return render(
        request,
        "surveys/public/thanks.html",
        {"survey": survey, "results_public": survey.results_public(timezone.now())},
    )


@never_cache
@require_safe
def answered(request: HttpRequest, pk: int) -> HttpResponse:
    """Said to a visitor who comes back to a survey they have answered."""
    survey = _survey_or_404(pk)
    return render(
        request,
        "surveys/public/answered.html",
        {"survey": survey, "results_public": survey.results_public(timezone.now())},
    )


@require_safe
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts, percentages and charts, when the survey shows them (live or once closed).

    Free-text answers are counted, never shown."""
    survey = _survey_or_404(pk)
    now = timezone.now()
    visible = survey.results_public(now)
    context = {"survey": survey, "phase": survey.phase(now), "visible": visible}
    if visible:
        outcome = selectors.survey_results(survey, with_texts=False)
        context["results"] = outcome
        context["chart_data"] = outcome.chart_data()
    return render(request, "surveys/public/results.html", context)
