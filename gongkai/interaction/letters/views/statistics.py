"""The letters' statistics pages: the workbench's (filters, tables by agency, type and month,
an XLSX export) and the public one (a year's figures per month and per agency).

Both read :func:`gongkai.interaction.letters.statistics.letter_statistics` as of today, and
show only counts and rates: no letter, no writer, no member of staff. In the workbench, the
disclosure office reads every agency and the government's totals; an agency's handlers and
reviewers read their own agencies — asking for another agency's figures is refused (403).
"""

from __future__ import annotations

from functools import wraps
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from gongkai.core.models import User
from gongkai.interaction.letters import exporters, permissions, statistics
from gongkai.interaction.letters.forms_staff import StatisticsFilterForm
from gongkai.interaction.letters.staff_statistics import (
    FILTERS,
    StaffStatistics,
    offered_years,
    read_staff_statistics,
)
from gongkai.workbench.export_views import ask_for_export
from gongkai.workbench.views import refuse_action, staff_required

FIRST_YEAR = 1990


# --------------------------------------------------------------------------- the workbench


def _refuse(request: HttpRequest) -> HttpResponse:
    return refuse_action(
        request,
        _("You may read the letter statistics of your own agencies only."),
        to_list=(reverse("letters_staff:statistics"), _("Letter statistics")),
    )


def _staff_statistics(
    request: HttpRequest,
) -> tuple[StatisticsFilterForm, StaffStatistics | None, HttpResponse | None]:
    """The filter form, the statistics it asks for (None when the form is invalid), or the
    refusal when it asks for an agency the user may not read."""
    form, result, refused = read_staff_statistics(cast(User, request.user), request.GET)
    return form, result, _refuse(request) if refused else None


def statistics_staff_required(view: Any) -> Any:
    """Signed in with a role, and a letters role among them (the office, or an agency's
    handler or reviewer); others get the refusal page."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_view_letter_statistics(request.user):
            return refuse_action(
                request,
                _(
                    "Letter statistics are read by the disclosure office and by the "
                    "agencies' handlers and reviewers."
                ),
            )
        return cast(HttpResponse, view(request, *args, **kwargs))

    return wrapper


@require_GET
@statistics_staff_required
def staff_page(request: HttpRequest) -> HttpResponse:
    """The statistics for the filters: the total, a table by agency, by type, and the
    months of the year."""
    form, result, refused = _staff_statistics(request)
    if refused is not None:
        return refused
    export_fields = [(name, request.GET[name]) for name in FILTERS if request.GET.get(name)]
    return render(
        request,
        "letters/staff/statistics.html",
        {
            "form": form,
            "result": result,
            "office": permissions.statistics_agencies_for(request.user) is None,
            "export_fields": export_fields,
        },
        status=200 if result is not None else 400,
    )


@require_POST
@statistics_staff_required
def staff_export(request: HttpRequest) -> HttpResponse:
    """Ask for the same statistics as an XLSX file (see ``letters.exports``), built by a
    queued job and downloaded from "My exports" (decision 0041)."""
    return ask_for_export(
        request,
        kind=exporters.KIND,
        parameters={name: request.POST.get(name, "") for name in FILTERS},
        back=(reverse("letters_staff:statistics"), _("Letter statistics")),
    )


# --------------------------------------------------------------------------- the public page


@require_safe
def public_page(request: HttpRequest) -> HttpResponse:
    """``?year=`` (this year by default): the year's figures per month and per agency."""
    today = timezone.localdate()
    years = [year for year in offered_years(today) if year <= today.year]
    value = request.GET.get("year", "")
    if value:
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise Http404(_("There is no such year."))
        year = int(value)
        if not FIRST_YEAR <= year <= today.year:
            raise Http404(_("There is no such year."))
    else:
        year = today.year
    start, end = statistics.year_period(year)
    report = statistics.letter_statistics(start, end, as_of=today)
    return render(
        request,
        "letters/public/statistics.html",
        {"year": year, "years": years, "report": report, "today": today},
    )
