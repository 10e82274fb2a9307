"""The office's statistics page as read for a member of staff: the filter form and the trends
it asks for (the page, and the CSV/XLSX export built by the task queue, decision 0041).
Counts and agency names only: no personal data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import agencies_visible_to
from gongkai.reports.statistics import exports, selectors
from gongkai.reports.statistics.forms import StatisticsFilterForm

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

FILTERS = ("year", "agency")
YEARS_OFFERED = 10
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def filter_form(user: UserLike, query: Mapping[str, Any]) -> StatisticsFilterForm:
    """The filter form for ``query`` (the page's GET parameters, or an export's), validated
    when bound: the last ten years, the agencies the user sees that ever joined the disclosure
    system (a body that never did has no records)."""
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_OFFERED, -1))
    agencies = (
        agencies_visible_to(user)
        .filter(membership_changes__isnull=False)
        .distinct()
        .order_by("sort_order", "id")
    )
    form = StatisticsFilterForm(
        query or None, years=years, agencies=agencies, initial={"year": this_year}
    )
    if form.is_bound:
        form.is_valid()
    return form


def read_trends(
    user: UserLike, query: Mapping[str, Any]
) -> tuple[StatisticsFilterForm, selectors.Trends]:
    """The filter form for ``query`` and the trends it asks for: this year and every agency
    of the form when the form is empty or invalid (the page shows the form's errors)."""
    form = filter_form(user, query)
    year = timezone.localdate().year
    offered = cast(forms.ModelChoiceField, form.fields["agency"]).queryset
    chosen: list[Agency] = list(cast("QuerySet[Agency]", offered))
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
        if form.cleaned_data.get("agency"):
            chosen = [form.cleaned_data["agency"]]
    return form, selectors.trends(year, chosen)


@dataclass(frozen=True)
class TrendsFile:
    filename: str
    content_type: str
    content: bytes


def trends_file(data: selectors.Trends, extension: str) -> TrendsFile:
    """The statistics page's tables as the file of ``extension`` (``csv`` or ``xlsx``)."""
    content = (
        exports.trends_to_csv(data).encode("utf-8-sig")
        if extension == "csv"
        else exports.trends_to_xlsx(data)
    )
    return TrendsFile(
        filename=f"statistics-{data.year}.{extension}",
        content_type=FORMATS[extension],
        content=content,
    )
