"""The letters' statistics pages: the workbench's (filters, tables by agency, type and month,
an XLSX export) and the public one (a year's figures per month and per agency).

Both read :func:`gongkai.interaction.letters.statistics.letter_statistics` as of today, and
show only counts and rates: no letter, no writer, no member of staff. In the workbench, the
disclosure office reads every agency and the government's totals; an agency's handlers and
reviewers read their own agencies — asking for another agency's figures is refused (403).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from gongkai.agencies.models import Agency
from gongkai.core.models import User
from gongkai.interaction.letters import permissions, statistics
from gongkai.interaction.letters.exports import export_xlsx
from gongkai.interaction.letters.forms_staff import StatisticsFilterForm
from gongkai.interaction.letters.models import LetterType
from gongkai.interaction.letters.statistics import Report, Row
from gongkai.workbench.views import refuse_action, staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_YEAR = 1990


def _offered_years(today: datetime.date) -> list[int]:
    """The years with letters, and this one, latest first."""
    return sorted({*statistics.years_with_letters(), today.year}, reverse=True)


# --------------------------------------------------------------------------- the workbench


@dataclass(frozen=True)
class StaffStatistics:
    """What the staff page and the export show for the filters chosen."""

    report: Report  # the period chosen: the year, or one of its months
    months: list[Row]  # the months of the year
    year: int
    month: int | None
    agency: Agency | None
    letter_type: LetterType | None


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
    user = cast(User, request.user)
    visible = permissions.statistics_agencies_for(user)
    raw = request.GET.get("agency", "")
    if visible is not None and raw and not (raw.isdigit() and int(raw) in visible):
        return (
            StatisticsFilterForm(years=[], agencies=Agency.objects.none()),
            None,
            _refuse(request),
        )
    agencies: QuerySet[Agency] = (
        Agency.objects.all() if visible is None else Agency.objects.filter(pk__in=visible)
    )
    today = timezone.localdate()
    years = _offered_years(today)
    form = StatisticsFilterForm(request.GET or None, years=years, agencies=agencies)
    if form.is_bound and not form.is_valid():
        return form, None, None
    data: dict[str, Any] = form.cleaned_data if form.is_bound else {}
    year = data.get("year") or years[0]
    month = data.get("month")
    agency = data.get("agency")
    letter_type = data.get("letter_type")
    year_start, year_end = statistics.year_period(year)
    facts = statistics.load_facts(year_start, year_end, as_of=today)

    def read(start: datetime.date, end: datetime.date) -> Report:
        return statistics.letter_statistics(
            start,
            end,
            as_of=today,
            agencies=visible,
            agency_id=agency.pk if agency else None,
            type_id=letter_type.pk if letter_type else None,
            facts=facts,
        )

    whole_year = read(year_start, year_end)
    report = read(*statistics.year_period(year, month)) if month is not None else whole_year
    return (
        form,
        StaffStatistics(
            report=report,
            months=whole_year.by_month,
            year=year,
            month=month,
            agency=agency,
            letter_type=letter_type,
        ),
        None,
    )


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
    export_url = reverse("letters_staff:statistics_export")
    if request.GET:
        export_url += "?" + request.GET.urlencode()
    return render(
        request,
        "letters/staff/statistics.html",
        {
            "form": form,
            "result": result,
            "office": permissions.statistics_agencies_for(request.user) is None,
            "export_url": export_url,
        },
        status=200 if result is not None else 400,
    )


@require_GET
@statistics_staff_required
def staff_export(request: HttpRequest) -> HttpResponse:
    """The same statistics as an XLSX file (see ``letters.exports``)."""
    form, result, refused = _staff_statistics(request)
    if refused is not None:
        return refused
    if result is None:
        return render(
            request,
            "letters/staff/statistics.html",
            {"form": form, "result": None, "export_url": ""},
            status=400,
        )
    name = f"letters-{result.year}"
    if result.month is not None:
        name += f"-{result.month:02d}"
    response = HttpResponse(export_xlsx(result.report, result.months), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- the public page


@require_safe
def public_page(request: HttpRequest) -> HttpResponse:
    """``?year=`` (this year by default): the year's figures per month and per agency."""
    today = timezone.localdate()
    years = [year for year in _offered_years(today) if year <= today.year]
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
