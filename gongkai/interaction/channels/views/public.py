"""The public page of the hotline, the archive and walk-in services, the other channels and
the responses to public opinion: a year's totals and the year's hotline sessions.

Only figures and what was said on air are shown — never the staff's internal notes, nor where
an opinion matter was found: the page reads the totals of ``channels.selectors`` and the
sessions' public fields.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongkai.interaction.channels import selectors

FIRST_YEAR = 1990


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """``?year=`` (the latest year with records by default)."""
    today = timezone.localdate()
    years = [year for year in selectors.years_with_records() if year <= today.year]
    value = request.GET.get("year", "")
    if value:
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise Http404(_("There is no such year."))
        year = int(value)
        if not FIRST_YEAR <= year <= today.year:
            raise Http404(_("There is no such year."))
    else:
        year = years[0] if years else today.year
    summary = selectors.year_summary(year)
    return render(
        request,
        "interaction/channels/public/index.html",
        {
            "year": year,
            "years": years,
            "summary": summary,
            "sessions": selectors.sessions_of_year(year),
        },
    )
