"""The public search page: the form, the hits, the facets and the suggestions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from gongkai.search.engine import Facet, SearchQuery, search


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int = 0
    selected: bool = False


def _url(query: SearchQuery) -> str:
    params = query.as_params()
    base = reverse("search:results")
    return f"{base}?{urlencode(params)}" if params else base


def _facet_links(facet: Facet, query: SearchQuery) -> list[Link]:
    return [
        Link(v.label, _url(query.toggled(facet.name, v.value)), v.count, v.selected)
        for v in facet.values
    ]


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    """Search everything public; any input gives this page (status 200), never an error."""
    query = SearchQuery.from_params(request.GET)
    result = search(query)
    shown = result.query
    facets = [
        {"name": f.name, "label": f.label, "links": _facet_links(f, shown)}
        for f in result.facets
        if f.values
    ]
    context = {
        "result": result,
        "query": shown,
        "facets": facets,
        "suggestions": [Link(str(s.label), _url(s.query)) for s in result.suggestions],
        "sort_links": [
            Link(label, _url(replace(shown, sort=sort, page=1)), selected=shown.sort == sort)
            for sort, label in (("relevance", _("Relevance")), ("date", _("Newest first")))
        ],
        "previous_url": _url(replace(shown, page=result.page - 1)) if result.has_previous else "",
        "next_url": _url(replace(shown, page=result.page + 1)) if result.has_next else "",
        "clear_url": _url(SearchQuery(q=shown.q)),
    }
    return render(request, "search/results.html", context)
