"""Queries the statistics pages, jobs and exports share.

The statistics page's figures (:func:`trends`) are counted from the records through the other
apps' selectors — one aggregate query per measure, whatever the number of agencies or months.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import members_on
from gongkai.reports.statistics import metrics
from gongkai.reports.statistics.models import StatisticsForm, StatisticsSubmission
from gongkai.reports.statistics.periods import Period
from gongkai.reports.statistics.workflow import EDITABLE_STATES, WAITING_STATES

State = StatisticsSubmission.State


def active_forms() -> QuerySet[StatisticsForm]:
    return StatisticsForm.objects.filter(active=True).prefetch_related("fields")


def submitting_agencies(form: StatisticsForm, period: Period) -> QuerySet[Agency]:
    """The agencies that submit ``form`` for ``period``: members on the period's last day,
    of the form's kinds unless every member submits."""
    rows = members_on(period.end)
    if not form.all_members:
        rows = rows.filter(kind__in=list(form.agency_kinds or []))
    return rows.order_by("sort_order", "id")


def waiting_for_check(rows: QuerySet[StatisticsSubmission]) -> QuerySet[StatisticsSubmission]:
    """Submitted or resubmitted: the office's queue, oldest due first."""
    return (
        rows.filter(state__in=WAITING_STATES)
        .select_related("form", "agency")
        .order_by("due_on", "agency__sort_order", "id")
    )


def open_submissions() -> QuerySet[StatisticsSubmission]:
    """Not yet (re)submitted: drafts and returned submissions."""
    return StatisticsSubmission.objects.filter(state__in=EDITABLE_STATES).select_related(
        "form", "agency"
    )


def due_for_reminder(today: datetime.date) -> QuerySet[StatisticsSubmission]:
    """Open submissions within their form's reminder days of the due day, not yet reminded."""
    rows = open_submissions().filter(due_on__gte=today).exclude(events__code="reminded")
    return rows.order_by("due_on", "id")


def due_for_overdue_notice(today: datetime.date) -> QuerySet[StatisticsSubmission]:
    """Open submissions past their due day that have had no overdue notice yet."""
    return (
        open_submissions().filter(due_on__lt=today).exclude(events__code="overdue").order_by("id")
    )


@dataclass
class OverviewRow:
    agency: Agency
    submission: StatisticsSubmission | None


def overview(form: StatisticsForm, period: Period) -> list[OverviewRow]:
    """Who must submit ``form`` for ``period`` and how far each is (one row an agency,
    including agencies with a submission that are no longer members): two queries."""
    submissions = {
        row.agency_id: row
        for row in StatisticsSubmission.objects.filter(
            form=form, period_key=period.key
        ).select_related("agency")
    }
    agencies = list(submitting_agencies(form, period))
    known = {agency.pk for agency in agencies}
    agencies += [row.agency for row in submissions.values() if row.agency_id not in known]
    return [
        OverviewRow(agency=agency, submission=submissions.get(agency.pk)) for agency in agencies
    ]


# --------------------------------------------------------------------------- the statistics page

TREND_MEASURES: tuple[tuple[str, str | Promise], ...] = (
    ("documents_published", _("Documents published")),
    ("requests_received", _("Applications received")),
    ("requests_answered", _("Applications answered")),
    ("letters_received", _("Letters received")),
    ("letters_replied", _("Letters replied")),
)
YEARS_SHOWN = 5


@dataclass
class Trends:
    """The statistics page's figures for one year (and, for the years row, the years before).

    ``by_month[key]`` is 12 numbers, ``by_agency[agency id][key]`` the year's total of an
    agency, ``by_year[year][key]`` a year's total; every figure is over ``agencies``."""

    year: int
    agencies: list[Agency]
    measures: list[tuple[str, str | Promise]]
    by_month: dict[str, list[int]] = field(default_factory=dict)
    by_agency: dict[int, dict[str, int]] = field(default_factory=dict)
    by_year: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted(self.by_year)

    def year_total(self, key: str) -> int:
        return sum(self.by_month[key])


def trends(year: int, agencies: Iterable[Agency]) -> Trends:
    """Counts of ``agencies`` by month of ``year``, by agency for ``year`` and by year for the
    five years up to ``year``: one query a measure (no query per agency or month)."""
    agency_list = list(agencies)
    ids = [agency.pk for agency in agency_list]
    result = Trends(year=year, agencies=agency_list, measures=list(TREND_MEASURES))
    first_year = year - YEARS_SHOWN + 1
    for year_shown in range(first_year, year + 1):
        result.by_year[year_shown] = {}
    for agency_id in ids:
        result.by_agency[agency_id] = {}
    for key, _label in TREND_MEASURES:
        metric = metrics.metric(key)
        if metric is None:  # pragma: no cover - the measures are registered metrics
            raise LookupError(key)
        counts = metric.counts(
            datetime.date(first_year, 1, 1), datetime.date(year, 12, 31), agency_ids=ids
        )
        months = [0] * 12
        for year_shown in result.by_year:
            result.by_year[year_shown][key] = 0
        for agency_id in ids:
            result.by_agency[agency_id][key] = 0
        for (agency_id, month), count in counts.items():
            if agency_id not in result.by_agency:
                continue
            result.by_year[month.year][key] += count
            if month.year == year:
                months[month.month - 1] += count
                result.by_agency[agency_id][key] += count
        result.by_month[key] = months
    return result


def chart_data(data: Trends) -> dict[str, object]:
    """What the page's charts draw (written as a JSON element, read by statistics-charts.js)."""
    return {
        "months": {
            "title": str(_("By month, %(year)d") % {"year": data.year}),
            "categories": [f"{month}" for month in range(1, 13)],
            "series": [
                {"name": str(label), "values": data.by_month[key]} for key, label in data.measures
            ],
        },
        "years": {
            "title": str(_("By year")),
            "categories": [str(year) for year in data.years],
            "series": [
                {"name": str(label), "values": [data.by_year[y][key] for y in data.years]}
                for key, label in data.measures
            ],
        },
    }
