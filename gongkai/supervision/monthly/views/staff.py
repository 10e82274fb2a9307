"""The staff pages of monthly performance and the site-health watch in the workbench.

Every view needs a signed-in member of staff. The office computes, recomputes, checks,
publishes and corrects the tables and sees every agency's rows; the staff of an agency see
their own agency's rows (drafts included) and the records behind them, never another agency's
(a 404, as if the row did not exist). Actions go through ``monthly.services``: a refused one
changes nothing and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.supervision.monthly import figures, permissions, selectors, services
from gongkai.supervision.monthly.forms import ComputeForm, CorrectionForm, HealthFilterForm
from gongkai.supervision.monthly.models import MonthlyFigure, MonthlyPublication
from gongkai.supervision.monthly.workflow import MonthlyError, MonthlyPermissionDenied
from gongkai.workbench.views import refuse_action, staff_required, staff_user

PAGE_SIZE = 24  # months on the list page
HEALTH_PAGE_SIZE = 100


def _publication(request: HttpRequest, pk: int) -> MonthlyPublication:
    return get_object_or_404(permissions.publications_visible_to(request.user), pk=pk)


def _detail_url(publication: MonthlyPublication) -> str:
    return reverse("monthly_staff:detail", args=[publication.pk])


def _refuse(
    request: HttpRequest, message: str, publication: MonthlyPublication | None = None
) -> HttpResponse:
    back = (_detail_url(publication), _("Back to the table")) if publication else None
    return refuse_action(
        request,
        message,
        back=back,
        to_list=(reverse("monthly_staff:index"), _("Monthly performance")),
    )


def _run(
    request: HttpRequest,
    perform: Callable[[], MonthlyPublication],
    *,
    success: str,
    fallback: MonthlyPublication | None = None,
) -> HttpResponse:
    """A button's action through its service: a refused permission is a 403 page, any other
    refusal a message; nothing changed either way."""
    try:
        publication = perform()
    except MonthlyPermissionDenied as error:
        return _refuse(request, error.message, fallback)
    except MonthlyError as error:
        messages.error(request, error.message)
        target = _detail_url(fallback) if fallback else reverse("monthly_staff:index")
        return HttpResponseRedirect(target)
    messages.success(request, success)
    return HttpResponseRedirect(_detail_url(publication))


# --- the tables ------------------------------------------------------------------------------


@require_GET
@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Every version of every month, the newest first; the office's compute form."""
    rows = permissions.publications_visible_to(request.user).order_by("-year", "-month", "-version")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = permissions.can_manage_publications(request.user)
    return render(
        request,
        "monthly/staff/index.html",
        {
            "page": page,
            "can_manage": can_manage,
            "form": ComputeForm.for_previous_month() if can_manage else None,
        },
    )


@require_POST
@staff_required
def compute(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_publications(request.user):
        return _refuse(request, _("Only the disclosure office may do this."))
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return HttpResponseRedirect(reverse("monthly_staff:index"))
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    return _run(
        request,
        lambda: services.compute_month(year, month, actor=staff_user(request)),
        success=_("The table of %(month)s was computed from the records: check it.")
        % {"month": f"{year}-{month:02d}"},
    )


@require_GET
@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A version's table: every row for the office, the user's own agencies' rows otherwise."""
    publication = _publication(request, pk)
    office = permissions.can_manage_publications(request.user)
    agency_ids = (
        None
        if office
        else list(permissions.figure_agencies_visible_to(request.user).values_list("pk", flat=True))
    )
    table = selectors.table_of(publication, agency_ids=agency_ids)
    versions = selectors.versions_of(publication, published_only=False)
    return render(
        request,
        "monthly/staff/detail.html",
        {
            "publication": publication,
            "table": table,
            "versions": versions,
            "replaced_by": [
                v for v in versions if v.version > publication.version and v.is_published
            ],
            "events": publication.events.select_related("actor"),
            "can_manage": office,
            "can_correct": office
            and publication.is_published
            and publication.version == max(v.version for v in versions if v.is_published)
            and not any(not v.is_published for v in versions),
        },
    )


@require_POST
@staff_required
def recompute(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    return _run(
        request,
        lambda: services.recompute_publication(publication, actor=staff_user(request)),
        success=_("The table was computed again from the records: check it again."),
        fallback=publication,
    )


@require_POST
@staff_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    return _run(
        request,
        lambda: services.check_publication(publication, actor=staff_user(request)),
        success=_("The table is checked: it may be published."),
        fallback=publication,
    )


@require_POST
@staff_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    return _run(
        request,
        lambda: services.publish_publication(publication, actor=staff_user(request)),
        success=_("The table is published on the portal."),
        fallback=publication,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a correction of a published month (a new version, computed afresh)."""
    publication = _publication(request, pk)
    if not permissions.can_manage_publications(request.user):
        return _refuse(request, _("Only the disclosure office may do this."), publication)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        return _run(
            request,
            lambda: services.start_correction(
                publication.year, publication.month, actor=staff_user(request), note=note
            ),
            success=_("The correction was computed as a new version: check it and publish it."),
            fallback=publication,
        )
    return render(request, "monthly/staff/correct.html", {"publication": publication, "form": form})


@require_GET
@staff_required
def records(request: HttpRequest, pk: int, agency_pk: int, key: str) -> HttpResponse:
    """The records behind one frozen figure of one agency (the drill-down)."""
    publication = _publication(request, pk)
    try:
        item = figures.figure(key)
    except KeyError:
        raise Http404(_("No such figure.")) from None
    agency = get_object_or_404(permissions.figure_agencies_visible_to(request.user), pk=agency_pk)
    frozen = get_object_or_404(MonthlyFigure, publication=publication, agency=agency, key=key)
    return render(
        request,
        "monthly/staff/records.html",
        {
            "publication": publication,
            "figure": item,
            "frozen": frozen,
            "rows": selectors.record_rows(key, list(frozen.record_ids)),
        },
    )


# --- site health -----------------------------------------------------------------------------


@require_GET
@staff_required
def health(request: HttpRequest) -> HttpResponse:
    """The last day's findings of the site-health watch: the site's (office only) and every
    agency's the user may see, with filters."""
    checks = permissions.health_checks_visible_to(request.user)
    day = selectors.latest_check_day(checks)
    office = permissions.can_run_health_checks(request.user)
    visible_agencies = permissions.figure_agencies_visible_to(request.user).order_by(
        "sort_order", "id"
    )
    agency_choices = [(agency.pk, agency.name) for agency in visible_agencies]
    form = HealthFilterForm(request.GET or None, agencies=agency_choices, site=office)
    agency_id, state = None, ""
    if form.is_bound and form.is_valid():
        agency_id = form.cleaned_data["agency"]
        state = form.cleaned_data["state"]
    page = None
    summary = None
    if day is not None:
        rows = selectors.health_rows(
            checks,
            day,
            agency_id=agency_id or None,
            site_only=agency_id == 0,
            state=state,
        )
        page = Paginator(rows, HEALTH_PAGE_SIZE).get_page(request.GET.get("page"))
        if office:
            summary = selectors.site_summary(day)
    rows_shown: list[tuple[Any, str, str]] = [
        (check, selectors.subject_label(check), selectors.rule_label(check))
        for check in (page.object_list if page is not None else [])
    ]
    return render(
        request,
        "monthly/staff/health.html",
        {
            "day": day,
            "form": form,
            "page": page,
            "rows": rows_shown,
            "summary": summary,
            "can_run": office,
            "inspection_columns": selectors.INSPECTION_COLUMNS,
        },
    )


@require_POST
@staff_required
def health_run(request: HttpRequest) -> HttpResponse:
    if not permissions.can_run_health_checks(request.user):
        return refuse_action(
            request,
            _("Only the disclosure office may do this."),
            to_list=(reverse("monthly_staff:health"), _("Site health")),
        )
    count = services.record_health_checks(actor=staff_user(request))
    messages.success(
        request, _("The site was checked: %(count)d things looked at.") % {"count": count}
    )
    return HttpResponseRedirect(reverse("monthly_staff:health"))
