"""The letters' statistics as the workbench reads them for a member of staff: the filter form,
the permission on agencies, the figures (the staff page and the XLSX export, decision 0041).
Counts and rates only: no letter, no writer, no member of staff."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.core.models import User
from gongkai.interaction.letters import permissions, statistics
from gongkai.interaction.letters.forms_staff import StatisticsFilterForm
from gongkai.interaction.letters.models import LetterType
from gongkai.interaction.letters.statistics import Report, Row


def offered_years(today: datetime.date) -> list[int]:
    """The years with letters, and this one, latest first."""
    return sorted({*statistics.years_with_letters(), today.year}, reverse=True)


@dataclass(frozen=True)
class StaffStatistics:
    """What the staff page and the export show for the filters chosen."""

    report: Report  # the period chosen: the year, or one of its months
    months: list[Row]  # the months of the year
    year: int
    month: int | None
    agency: Agency | None
    letter_type: LetterType | None


FILTERS = ("year", "month", "agency", "letter_type")


def filter_form(user: User, query: Mapping[str, Any]) -> tuple[StatisticsFilterForm, bool]:
    """The filter form for ``query`` (the page's GET parameters, or an export's), validated,
    and whether it is refused: it asks for an agency the user may not read."""
    visible = permissions.statistics_agencies_for(user)
    raw = str(query.get("agency", ""))
    if visible is not None and raw and not (raw.isdigit() and int(raw) in visible):
        return StatisticsFilterForm(years=[], agencies=Agency.objects.none()), True
    agencies: QuerySet[Agency] = (
        Agency.objects.all() if visible is None else Agency.objects.filter(pk__in=visible)
    )
    form = StatisticsFilterForm(
        query or None, years=offered_years(timezone.localdate()), agencies=agencies
    )
    if form.is_bound:
        form.is_valid()
    return form, False


def read_staff_statistics(
    user: User, query: Mapping[str, Any]
) -> tuple[StatisticsFilterForm, StaffStatistics | None, bool]:
    """The filter form for ``query``, the statistics it asks for (None when the form is
    invalid or refused), and whether it was refused (see :func:`filter_form`)."""
    form, refused = filter_form(user, query)
    if refused or (form.is_bound and not form.is_valid()):
        return form, None, refused
    visible = permissions.statistics_agencies_for(user)
    today = timezone.localdate()
    years = offered_years(today)
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
        False,
    )


def export_name(result: StaffStatistics) -> str:
    """``letters-<year>[-<month>].xlsx``."""
    name = f"letters-{result.year}"
    if result.month is not None:
        name += f"-{result.month:02d}"
    return f"{name}.xlsx"
