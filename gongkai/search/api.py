"""Search in the JSON API: ``GET /api/v1/search`` with the parameters of the search page."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from gongkai.search.engine import SearchQuery, search

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    agency: str = ""
    statutory_item: str = ""
    topic: str = ""
    genre: str = ""
    year: str = ""
    validity: str = ""
    type: str = ""
    sort: str = "relevance"
    page: str = "1"
    facets: str = "1"  # "0" or "false": no facet counts (faster)


class HitOut(Schema):
    kind: str
    title: str
    url: str
    snippet_html: str
    agency: str
    published_at: datetime.datetime | None
    doc_number: str
    index_number: str
    exact: bool


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class SuggestionOut(Schema):
    label: str
    q: str
    params: dict[str, str]


class SearchOut(Schema):
    q: str
    tokens: list[str]
    total: int
    relaxed: bool
    fallback: bool  # answered without the index (missing or stale): simpler ranking
    page: int
    num_pages: int
    hits: list[HitOut]
    facets: list[FacetOut]
    suggestions: list[SuggestionOut]


@router.get("", response=SearchOut, summary="Search everything public", url_name="search")
def search_view(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Full-text search over published documents, interpretations and list records.

    Parameters: ``q`` (words, a 文号 or an index number), the filters ``agency`` (slug),
    ``statutory_item``, ``topic``, ``genre`` (codes), ``year``, ``validity``, ``type``
    (document, news, interpretation, record), ``sort`` (relevance or date) and ``page``
    (20 hits a page); ``facets=0`` leaves out the facet counts. Any input gives an answer; a
    malformed value is ignored. When nothing holds every word, the hits hold some of them and
    ``relaxed`` is true. ``fallback`` is true while the index is missing or stale: the answer
    then comes from a slower query of the published records, ranked more simply.
    """
    query = SearchQuery.from_params(params.dict())
    result = search(query, facets=params.facets.strip().lower() not in ("0", "false", "no"))
    return {
        "q": result.query.q,
        "tokens": result.tokens,
        "total": result.total,
        "relaxed": result.relaxed,
        "fallback": result.fallback,
        "page": result.page,
        "num_pages": result.num_pages,
        "hits": [
            {**hit.__dict__, "snippet_html": str(hit.snippet_html), "title": hit.title}
            for hit in result.hits
        ],
        "facets": [
            {"name": f.name, "label": str(f.label), "values": [v.__dict__ for v in f.values]}
            for f in result.facets
        ],
        "suggestions": [
            {"label": str(s.label), "q": s.query.q, "params": s.query.as_params()}
            for s in result.suggestions
        ],
    }
