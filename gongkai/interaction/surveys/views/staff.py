"""The staff pages of surveys in the workbench: the list, building a survey, publishing and
closing it, the results with the free-text answers, and the exports.

Every view needs a signed-in member of staff, reads surveys only through
``permissions.surveys_visible_to`` (another agency's survey is a 404, as if it did not exist)
and changes them only through ``surveys.services``. A refused action changes nothing and says
why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.core import audit
from gongkai.interaction.surveys import exporters, permissions, selectors, services
from gongkai.interaction.surveys.forms import QuestionForm, SurveyForm
from gongkai.interaction.surveys.models import Question, Survey
from gongkai.interaction.surveys.workflow import SurveyError, SurveyPermissionDenied
from gongkai.workbench.export_views import ask_for_export
from gongkai.workbench.session import current_agency
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 25
State = Survey.State

# --- helpers ---------------------------------------------------------------------------------


def _get_survey(request: HttpRequest, pk: int) -> Survey:
    """The survey if the user may see it in the workbench; 404 otherwise."""
    return get_object_or_404(
        permissions.surveys_visible_to(request.user).select_related("agency"), pk=pk
    )


def _get_question(request: HttpRequest, pk: int, question_pk: int) -> Question:
    survey = _get_survey(request, pk)
    question = get_object_or_404(survey.questions.all(), pk=question_pk)
    question.survey = survey
    return question


def _detail_url(survey: Survey) -> str:
    return reverse("surveys_staff:detail", args=[survey.pk])


def _refuse(request: HttpRequest, message: str, survey: Survey | None = None) -> HttpResponse:
    back = (_detail_url(survey), _("Back to the survey")) if survey is not None else None
    return refuse_action(
        request, message, back=back, to_list=(reverse("surveys_staff:index"), _("All surveys"))
    )


def _run(
    request: HttpRequest,
    survey: Survey,
    perform: Callable[[], Any],
    *,
    success: str,
) -> HttpResponse:
    """A button's action through its service: refused permission is a 403 page, any other
    refusal a message on the survey's page; nothing changed either way."""
    try:
        perform()
    except SurveyPermissionDenied as error:
        return _refuse(request, error.message, survey)
    except SurveyError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(_detail_url(survey))
    messages.success(request, success)
    return HttpResponseRedirect(_detail_url(survey))


# --- the list and the survey -----------------------------------------------------------------


@require_GET
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The surveys of every agency the user works for (all for the office), newest first."""
    agency = current_agency(request)
    surveys = (
        permissions.surveys_visible_to(request.user)
        .select_related("agency")
        .annotate(answer_count=Count("responses"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(survey, Survey.Phase(survey.phase(now)).label) for survey in page.object_list]
    return render(
        request,
        "surveys/staff/index.html",
        {
            "agency": agency,
            "page": page,
            "rows": rows,
            "can_create": agency is not None
            and permissions.can_create_survey(request.user, agency),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def survey_create(request: HttpRequest) -> HttpResponse:
    agency = current_agency(request)
    if agency is None or not permissions.can_create_survey(request.user, agency):
        return _refuse(request, _("Only an editor of the agency may make a new survey."))
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(
                agency=agency, actor=staff_user(request), **form.cleaned_data
            )
        except SurveyPermissionDenied as error:
            return _refuse(request, error.message)
        except SurveyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The survey is saved as a draft. Now add its questions."))
            return HttpResponseRedirect(_detail_url(survey))
    return render(
        request,
        "surveys/staff/survey_form.html",
        {"form": form, "agency": agency, "survey": None},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get_survey(request, pk)
    if not permissions.can_edit_survey(request.user, survey):
        if survey.state == State.CLOSED:
            return _refuse(request, _("A closed survey cannot be changed."), survey)
        return _refuse(request, _("Only an editor of the agency may change this survey."), survey)
    form = SurveyForm.for_survey(survey, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_survey(survey, actor=staff_user(request), **form.cleaned_data)
        except SurveyPermissionDenied as error:
            return _refuse(request, error.message, survey)
        except SurveyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The survey is saved."))
            return HttpResponseRedirect(_detail_url(survey))
    return render(
        request,
        "surveys/staff/survey_form.html",
        {"form": form, "agency": survey.agency, "survey": survey},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@staff_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey with its questions, what the user may do to it, and its history."""
    survey = _get_survey(request, pk)
    user = request.user
    answers = survey.responses.count()
    editor = permissions.can_edit_questions(user, survey)
    questions_open = survey.state != State.CLOSED and not answers
    return render(
        request,
        "surveys/staff/detail.html",
        {
            "survey": survey,
            "phase": Survey.Phase(survey.phase(timezone.now())).label,
            "questions": list(survey.questions.order_by("position").prefetch_related("choices")),
            "answers": answers,
            "can_edit": permissions.can_edit_survey(user, survey),
            "can_edit_questions": editor and questions_open,
            "questions_frozen": editor and not questions_open,
            "can_publish": permissions.can_publish_survey(user, survey),
            "can_close": permissions.can_close_survey(user, survey),
            "events": list(survey.events.select_related("actor").order_by("created_at", "id")),
        },
    )


# --- questions -------------------------------------------------------------------------------


def _frozen_refusal(request: HttpRequest, survey: Survey) -> HttpResponse | None:
    """The refusal page when the survey's questions cannot be changed now, else None."""
    try:
        services.require_questions_editable(staff_user(request), survey)
    except SurveyError as error:
        return _refuse(request, error.message, survey)
    return None


def _question_form_page(
    request: HttpRequest, survey: Survey, form: QuestionForm, question: Question | None
) -> HttpResponse:
    return render(
        request,
        "surveys/staff/question_form.html",
        {"survey": survey, "form": form, "question": question},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get_survey(request, pk)
    refusal = _frozen_refusal(request, survey)
    if refusal is not None:
        return refusal
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(survey, form.spec(), actor=staff_user(request))
        except SurveyPermissionDenied as error:
            return _refuse(request, error.message, survey)
        except SurveyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The question is added."))
            return HttpResponseRedirect(_detail_url(survey) + "#questions")
    return _question_form_page(request, survey, form, None)


@require_http_methods(["GET", "POST"])
@staff_required
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _get_question(request, pk, question_pk)
    survey = question.survey
    refusal = _frozen_refusal(request, survey)
    if refusal is not None:
        return refusal
    form = QuestionForm.for_question(question, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_question(question, form.spec(), actor=staff_user(request))
        except SurveyPermissionDenied as error:
            return _refuse(request, error.message, survey)
        except SurveyError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The question is saved."))
            return HttpResponseRedirect(_detail_url(survey) + "#questions")
    return _question_form_page(request, survey, form, question)


@require_POST
@staff_required
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _get_question(request, pk, question_pk)
    up = request.POST.get("direction") == "up"
    return _run(
        request,
        question.survey,
        lambda: services.move_question(question, up=up, actor=staff_user(request)),
        success=_("The question is moved."),
    )


@require_POST
@staff_required
def question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = _get_question(request, pk, question_pk)
    return _run(
        request,
        question.survey,
        lambda: services.remove_question(question, actor=staff_user(request)),
        success=_("The question is removed."),
    )


# --- publishing and closing ------------------------------------------------------------------


@require_POST
@staff_required
def survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get_survey(request, pk)
    return _run(
        request,
        survey,
        lambda: services.publish_survey(survey, actor=staff_user(request)),
        success=_("The survey is published."),
    )


@require_POST
@staff_required
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _get_survey(request, pk)
    return _run(
        request,
        survey,
        lambda: services.close_survey(survey, actor=staff_user(request)),
        success=_("The survey is closed. It takes no more answers."),
    )


# --- results and exports ---------------------------------------------------------------------


@require_GET
@staff_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as the public sees them, and the free-text answers: respondents may write
    anything there, their own name or phone included, so showing them is recorded as a read
    of personal data (the questions named, never the texts)."""
    survey = _get_survey(request, pk)
    outcome = selectors.survey_results(survey, with_texts=True)
    shown = [f"answer:{result.question.pk}" for result in outcome.questions if result.texts]
    if shown:
        audit.record_read(
            survey, actor=staff_user(request), agency_id=survey.agency_id, fields=shown
        )
    return render(
        request,
        "surveys/staff/results.html",
        {
            "survey": survey,
            "results": outcome,
            "chart_data": outcome.chart_data(),
            "results_public": survey.results_public(timezone.now()),
        },
    )


def _export(request: HttpRequest, survey: Survey, extension: str) -> HttpResponse:
    """Ask for the answers as a file: built by a queued job, downloaded from "My exports"
    (decision 0041), where the download is recorded as a read of personal data."""
    return ask_for_export(
        request,
        kind=exporters.KIND,
        parameters={"survey": survey.pk, "format": extension},
        back=(reverse("surveys_staff:results", args=[survey.pk]), _("Back to the results")),
    )


@require_POST
@staff_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, _get_survey(request, pk), "csv")


@require_POST
@staff_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, _get_survey(request, pk), "xlsx")
