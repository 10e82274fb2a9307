"""The staff pages of statistics reporting (统计报送) and the office's statistics page.

Every view needs a signed-in member of staff. An agency's staff see their own agency's
submissions (a 404 for another agency's, as if it did not exist); its editors and heads fill
them in and submit them. The office sees every submission, checks, returns and accepts them,
follows who has submitted each form, and reads the statistics page. Actions go through
``statistics.services``: a refused one changes nothing and says why.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.reports.statistics import exporters, permissions, selectors, services
from gongkai.reports.statistics.forms import (
    ReturnForm,
    SubmissionFilterForm,
    SubmissionValuesForm,
)
from gongkai.reports.statistics.models import StatisticsForm, StatisticsSubmission
from gongkai.reports.statistics.periods import (
    PeriodError,
    last_ended_period,
    period_from_key,
)
from gongkai.reports.statistics.staff_trends import FILTERS, read_trends
from gongkai.reports.statistics.workflow import (
    EDITABLE_STATES,
    WAITING_STATES,
    StatisticsError,
    StatisticsPermissionDenied,
)
from gongkai.workbench.export_views import ask_for_export
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 50


def _submission(request: HttpRequest, pk: int) -> StatisticsSubmission:
    rows = permissions.submissions_visible_to(request.user).select_related("form", "agency")
    return get_object_or_404(rows, pk=pk)


def _detail_url(submission: StatisticsSubmission) -> str:
    return reverse("statistics_staff:detail", args=[submission.pk])


def _refuse(
    request: HttpRequest, message: str, submission: StatisticsSubmission | None = None
) -> HttpResponse:
    back = (_detail_url(submission), _("Back to the submission")) if submission else None
    return refuse_action(
        request, message, back=back,
        to_list=(reverse("statistics_staff:index"), _("Statistics submissions")),
    )  # fmt: skip


def _run(
    request: HttpRequest,
    submission: StatisticsSubmission,
    perform: Callable[[], StatisticsSubmission],
    *,
    success: str,
) -> HttpResponse:
    try:
        perform()
    except StatisticsPermissionDenied as error:
        return _refuse(request, error.message, submission)
    except StatisticsError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(_detail_url(submission))
    messages.success(request, success)
    return HttpResponseRedirect(_detail_url(submission))


# --------------------------------------------------------------------------- submissions


@require_GET
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The submissions the user may see (their agencies', or all for the office)."""
    filters = SubmissionFilterForm(request.GET or None)
    rows = permissions.submissions_visible_to(request.user).select_related("form", "agency")
    if filters.is_valid():
        if filters.cleaned_data.get("form"):
            rows = rows.filter(form=filters.cleaned_data["form"])
        if filters.cleaned_data.get("state"):
            rows = rows.filter(state=filters.cleaned_data["state"])
    rows = rows.order_by("-period_start", "form__code", "agency__sort_order", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/statistics/index.html",
        {
            "page": page,
            "filters": filters,
            "is_office": permissions.can_check(request.user),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A submission: the values form while it may be changed, else the values as they stand;
    the office's return and accept buttons while it waits for the check."""
    submission = _submission(request, pk)
    user = staff_user(request)
    can_fill = permissions.can_fill(user, submission) and submission.state in EDITABLE_STATES
    form = SubmissionValuesForm(request.POST or None, submission=submission) if can_fill else None
    if request.method == "POST":
        if not permissions.can_fill(user, submission):
            return _refuse(
                request,
                _("Only the agency's editors or the disclosure office may fill in its statistics."),
                submission,
            )
        action = request.POST.get("action", "save")
        if action == "refresh":
            return _run(
                request, submission,
                lambda: services.refresh_prefill(submission, actor=user),
                success=_("The computed figures were read from the records again."),
            )  # fmt: skip
        if form is None:
            messages.error(request, _("The submission cannot be changed now."))
            return HttpResponseRedirect(_detail_url(submission))
        if form.is_valid():
            try:
                services.save_values(submission, values=form.values(), actor=user)
                if action == "submit":
                    services.submit_submission(submission, actor=user)
            except StatisticsPermissionDenied as error:
                return _refuse(request, error.message, submission)
            except StatisticsError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("The submission was sent to the disclosure office.")
                    if action == "submit"
                    else _("The values were saved."),
                )
                return HttpResponseRedirect(_detail_url(submission))
        submission.refresh_from_db()
    fields = list(submission.form.fields.all())
    edited = set(submission.edited_keys())
    rows = [
        {
            "field": field,
            "value": submission.values.get(field.key, ""),
            "computed": submission.prefilled.get(field.key),
            "edited": field.key in edited,
            "input": form[field.key] if form is not None else None,
        }
        for field in fields
    ]
    can_check = permissions.can_check(user) and submission.state in WAITING_STATES
    return render(
        request,
        "reports/statistics/detail.html",
        {
            "submission": submission,
            "rows": rows,
            "form": form,
            "can_fill": can_fill,
            "can_check": can_check,
            "return_form": ReturnForm() if can_check else None,
            "events": submission.events.select_related("actor"),
            "overdue": submission.is_overdue(timezone.localdate()),
        },
    )


@require_POST
@staff_required
def return_submission(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    if not permissions.can_check(request.user):
        return _refuse(request, _("Only the disclosure office may do this."), submission)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the submission is returned."))
        return HttpResponseRedirect(_detail_url(submission))
    reason = form.cleaned_data["reason"]
    return _run(
        request, submission,
        lambda: services.return_submission(submission, reason=reason, actor=staff_user(request)),
        success=_("The submission was returned to the agency."),
    )  # fmt: skip


@require_POST
@staff_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    return _run(
        request, submission,
        lambda: services.accept_submission(submission, actor=staff_user(request)),
        success=_("The submission was accepted; it is now locked."),
    )  # fmt: skip


@require_GET
@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """The office's queue: submissions waiting for the check."""
    if not permissions.can_check(request.user):
        return _refuse(request, _("Only the disclosure office may do this."))
    rows = selectors.waiting_for_check(permissions.submissions_visible_to(request.user))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/statistics/queue.html", {"page": page})


@require_GET
@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """Per form and period: every agency that must submit it and how far it is."""
    if not permissions.can_check(request.user):
        return _refuse(request, _("Only the disclosure office may do this."))
    forms_list = list(StatisticsForm.objects.order_by("code"))
    chosen = next((f for f in forms_list if f.code == request.GET.get("form")), None)
    chosen = chosen or (forms_list[0] if forms_list else None)
    context: dict[str, object] = {"forms": forms_list, "chosen": chosen}
    if chosen is not None:
        today = timezone.localdate()
        period = last_ended_period(chosen.period, today)
        key = request.GET.get("period", "")
        if key:
            try:
                period = period_from_key(chosen.period, key)
            except PeriodError as error:
                messages.error(request, str(error))
        rows = selectors.overview(chosen, period)
        context.update(
            {
                "period": period,
                "previous": period.previous(),
                "rows": rows,
                "can_open": period.end < today,
                "submitted": sum(
                    1
                    for row in rows
                    if row.submission and row.submission.state not in EDITABLE_STATES
                ),
                "today": today,
            }
        )
    return render(request, "reports/statistics/overview.html", context)


@require_POST
@staff_required
def open_submission(request: HttpRequest) -> HttpResponse:
    """Open (create and prefill) one agency's submission of a period: the office."""
    if not permissions.can_check(request.user):
        return _refuse(request, _("Only the disclosure office may do this."))
    form = StatisticsForm.objects.filter(code=request.POST.get("form", "")).first()
    agency = Agency.objects.filter(pk=_int(request.POST.get("agency")) or 0).first()
    if form is None or agency is None:
        messages.error(request, _("Choose a form and an agency."))
        return HttpResponseRedirect(reverse("statistics_staff:overview"))
    back = reverse("statistics_staff:overview") + f"?form={form.code}"
    try:
        period = period_from_key(form.period, request.POST.get("period", ""))
        submission = services.open_submission(
            form, agency=agency, period=period, actor=staff_user(request)
        )
    except StatisticsPermissionDenied as error:
        return _refuse(request, error.message)
    except (StatisticsError, PeriodError) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return HttpResponseRedirect(back)
    messages.success(request, _("The submission was opened and computed from the records."))
    return HttpResponseRedirect(_detail_url(submission))


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# --------------------------------------------------------------------------- statistics page


@require_GET
@staff_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Trends by month, by year and by agency, counted from the records, with charts."""
    if not permissions.can_check(request.user):
        return _refuse(request, _("Only the disclosure office may do this."))
    filters, data = read_trends(request.user, request.GET)
    months = [
        {
            "label": datetime.date(data.year, month, 1),
            "values": [data.by_month[key][month - 1] for key, _label in data.measures],
        }
        for month in range(1, 13)
    ]
    return render(
        request,
        "reports/statistics/statistics.html",
        {
            "filters": filters,
            "data": data,
            "months": months,
            "totals": [data.year_total(key) for key, _label in data.measures],
            "agency_rows": [
                (agency, [data.by_agency[agency.pk][key] for key, _label in data.measures])
                for agency in data.agencies
            ],
            "year_rows": [
                (year, [data.by_year[year][key] for key, _label in data.measures])
                for year in data.years
            ],
            "chart_data": selectors.chart_data(data),
            # The filters the export buttons send: those of the figures shown.
            "export_fields": [
                (name, request.GET[name]) for name in FILTERS if request.GET.get(name)
            ]
            if filters.is_valid()
            else [],
        },
    )


@require_POST
@staff_required
def statistics_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Ask for the statistics page's tables as CSV or XLSX (see ``statistics.exports``), built
    by a queued job and downloaded from "My exports" (decision 0041)."""
    if not permissions.can_check(request.user):
        return _refuse(request, _("Only the disclosure office may do this."))
    return ask_for_export(
        request,
        kind=exporters.KIND,
        parameters={**{name: request.POST.get(name, "") for name in FILTERS}, "format": fmt},
        back=(reverse("statistics_staff:trends"), _("Statistics")),
    )
