"""The public pages of monthly performance (每月公示): the list of published months and a
month's table with its charts.

Only published versions are reachable (``selectors.published_versions``): a draft or a checked
table is a 404 here. A month's address shows its newest version; each earlier version keeps its
own address, marked as replaced, with the correction note of the version that replaced it.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.supervision.monthly import selectors


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "monthly/public/index.html", {"years": selectors.published_years()})


@require_safe
def month(request: HttpRequest, year: int, month: int, version: int | None = None) -> HttpResponse:
    publication = selectors.published_version(year, month, version)
    if publication is None:
        raise Http404(_("No table of this month has been published."))
    versions = selectors.versions_of(publication, published_only=True)
    newest = versions[-1]
    table = selectors.table_of(publication)
    return render(
        request,
        "monthly/public/month.html",
        {
            "publication": publication,
            "table": table,
            "versions": versions,
            "newest": newest,
            "is_newest": publication.pk == newest.pk,
            "replaced_by": [v for v in versions if v.version > publication.version],
            "chart_data": selectors.chart_data(table),
        },
    )
