"""The public scorecards (成绩单): a year's ranking and each member agency's scorecard.

Only published scorecards reach the public, read from the rows stored when the office
published them — never recomputed, so a later change to the records does not alter them. A
year whose scorecards were corrected shows the latest version and says so. Hand scores show
their points; the assessor's comment, the evidence and the records behind the figures stay in
the workbench, and no accountability record is shown.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.agencies.models import Agency
from gongkai.supervision.assessment import selectors
from gongkai.supervision.assessment.models import IndicatorScheme, Score


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _year_context(scheme: IndicatorScheme) -> dict[str, Any]:
    nodes = selectors.indicator_tree(scheme)
    groups = [node.indicator for node in nodes if node.depth == 0]
    ranking = list(selectors.published_ranking(scheme))
    points: dict[tuple[int, int], Decimal] = {
        (scorecard_id, indicator_id): value
        for scorecard_id, indicator_id, value in Score.objects.filter(
            scorecard__scheme=scheme, indicator__in=groups
        ).values_list("scorecard_id", "indicator_id", "points")
    }
    rows = [
        {
            "scorecard": scorecard,
            "groups": [points.get((scorecard.pk, group.pk)) for group in groups],
        }
        for scorecard in ranking
    ]
    chart = {
        "kind": "ranking",
        "labels": [row.agency.display_name for row in ranking],
        "values": [_float(row.total) for row in ranking],
        "max": _float(selectors.max_total(nodes)),
    }
    return {
        "scheme": scheme,
        "groups": groups,
        "rows": rows,
        "chart_data": chart,
        "max_total": selectors.max_total(nodes),
        "earlier": selectors.earlier_publications(scheme),
    }


def _render_year(request: HttpRequest, year: int | None) -> HttpResponse:
    years = selectors.published_years()
    context: dict[str, Any] = {"years": years, "year": year}
    if year is not None:
        scheme = selectors.published_scheme(year)
        if scheme is None:
            raise Http404(_("No scorecards were published for this year."))
        context.update(_year_context(scheme))
    return render(request, "assessment/public/year.html", context)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The latest year's published scorecards (or a page saying none are published yet)."""
    years = selectors.published_years()
    return _render_year(request, years[0] if years else None)


@require_safe
def year_page(request: HttpRequest, year: int) -> HttpResponse:
    return _render_year(request, year)


@require_safe
def agency_page(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    scheme = selectors.published_scheme(year)
    agency = Agency.objects.filter(slug=slug).first()
    card = selectors.published_card(scheme, agency) if scheme and agency else None
    if scheme is None or agency is None or card is None:
        raise Http404(_("No scorecard was published for this agency and year."))
    chart = {
        "kind": "card",
        "labels": [f"{line.indicator.code} {line.indicator.name}" for line in card.top_lines],
        "values": [_float(line.points) for line in card.top_lines],
        "max": [_float(line.max_points) for line in card.top_lines],
    }
    return render(
        request,
        "assessment/public/agency.html",
        {
            "scheme": scheme,
            "agency": agency,
            "card": card,
            "chart_data": chart,
            "ranked": scheme.scorecards.count(),
            "earlier": selectors.earlier_publications(scheme),
        },
    )
