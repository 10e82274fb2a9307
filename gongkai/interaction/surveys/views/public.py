"""The public pages of surveys: the list, the answer form, thanks, "already answered", the
results.

No account is needed. A visitor is recognised by the random token of the survey cookie (stored
only as a keyed hash) and limited by address in the cache (``surveys.visitors``). A form sent
with an error, to a survey that is not open, or over the address limit stores nothing. Free-text
answers are never shown here: the results give only how many there are.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.core.middleware import client_address
from gongkai.interaction.surveys import selectors, services, visitors
from gongkai.interaction.surveys.forms import ResponseForm
from gongkai.interaction.surveys.models import Survey

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
            "results_public": survey.results_public(timezone.now()),
        },
        status=status,
    )


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
    if selectors.has_answered(survey, token):
        if request.method == "POST":
            key = _submission_key(request)
            if key and survey.responses.filter(submission_key=key).exists():
                # The same form sent twice (a double click, a retry): it was received once.
                return redirect("surveys:thanks", pk=survey.pk)
        return redirect("surveys:answered", pk=survey.pk)
    questions = list(survey.questions.order_by("position").prefetch_related("choices"))
    if request.method != "POST":
        form = ResponseForm(questions=questions)
        response = _render_form(request, survey, form, secrets.token_urlsafe(32))
        if token is None:
            _set_token(response, visitors.new_token())
        return response

    form = ResponseForm(request.POST, questions=questions)
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
