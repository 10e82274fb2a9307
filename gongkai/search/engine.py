"""The one public interface of search: ``search(SearchQuery) -> SearchResult``.

The index proposes, the database disposes. The backend matches tokens (segmented by
``gongkai.core.text`` exactly as the documents were); every candidate is then checked in the
same SQL against the public selectors — ``published_documents()`` for documents and
interpretations, published records of active lists for list records — so that an unpublished,
withdrawn or personal record never appears, even while the index lags behind.

The backend (``gongkai.search.backends``) matches, ranks, counts and computes the facets; this
module resolves the visitor's filters, labels the facets, checks and loads the page's rows and
cuts the highlighted snippets: a bounded number of queries a page whatever the backend.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DatabaseError, connection
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.docnumbers import doc_number_key, is_doc_number
from gongkai.catalogue.models import Document, Genre, StatutoryItem, Topic
from gongkai.core.text import fold_for_matching, normalize, segment
from gongkai.search.backends import get_backend
from gongkai.search.backends.base import EngineRequest, Filters, tolerant_read
from gongkai.search.backends.database import public_entry_ids
from gongkai.search.models import SearchEntry

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200  # characters of a query that are read; the rest is ignored
MAX_TOKENS = 32
MAX_PAGE = 500
SORTS = ("relevance", "date")
FILTER_NAMES = ("agency", "statutory_item", "topic", "genre", "year", "validity", "type")
AGENCY_FACET_SIZE = 50
# The any-word fallback leaves out one-character tokens (的, 和, 及 …): alone they match nearly
# everything and say nothing.
FALLBACK_MIN_LENGTH = 2
SNIPPET_LENGTH = 160
_SNIPPET_SCAN = 20_000


# --------------------------------------------------------------------------- the query


@dataclass(frozen=True)
class SearchQuery:
    """What the visitor asked: the words, the filters (codes and slugs), the sort and page."""

    q: str = ""
    agency: str = ""
    statutory_item: str = ""
    topic: str = ""
    genre: str = ""
    year: int | None = None
    validity: str = ""
    type: str = ""
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchQuery:
        """A query from GET parameters; anything malformed is ignored or cut, never an error."""

        def text(name: str, limit: int = 80) -> str:
            value = params.get(name)
            if value is None:
                return ""
            return normalize(str(value))[: limit * 2].strip()[:limit]

        raw_q = params.get("q")
        q = "" if raw_q is None else str(raw_q)[: MAX_QUERY_LENGTH * 4]
        q = normalize(q).strip()[:MAX_QUERY_LENGTH]
        year_text = text("year")
        year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2999 else None
        page_text = text("page")
        page = int(page_text) if page_text.isdigit() and len(page_text) < 6 else 1
        sort = text("sort")
        validity = text("validity")
        kind = text("type")
        return cls(
            q=q,
            agency=text("agency"),
            statutory_item=text("statutory_item"),
            topic=text("topic"),
            genre=text("genre"),
            year=year,
            validity=validity if validity in Document.Validity.values else "",
            type=kind if kind in SearchEntry.Kind.values else "",
            sort=sort if sort in SORTS else "relevance",
            page=min(max(page, 1), MAX_PAGE),
        )

    @property
    def filters(self) -> dict[str, str]:
        """The filters that are set, as GET parameters."""
        found = {}
        for name in FILTER_NAMES:
            value = getattr(self, name)
            if value not in ("", None):
                found[name] = str(value)
        return found

    def as_params(self) -> dict[str, str]:
        params = {"q": self.q} if self.q else {}
        params.update(self.filters)
        if self.sort != "relevance":
            params["sort"] = self.sort
        if self.page != 1:
            params["page"] = str(self.page)
        return params

    def toggled(self, name: str, value: str) -> SearchQuery:
        """This query with filter ``name`` set to ``value`` (or cleared when it is), page 1."""
        current = getattr(self, name)
        new_value: Any
        if str(current) == value or value == "":
            new_value = None if name == "year" else ""
        else:
            new_value = int(value) if name == "year" else value
        changes: dict[str, Any] = {name: new_value, "page": 1}
        return replace(self, **changes)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str | Promise
    title: str
    title_html: SafeString  # escaped, matched words in <mark>
    snippet_html: SafeString  # escaped, matched words in <mark>
    url: str
    agency: str
    published_at: Any
    doc_number: str
    index_number: str
    exact: bool  # the query is this document's 文号 or index number


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str | Promise
    values: list[FacetValue] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestion:
    label: str | Promise
    query: SearchQuery


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    searched: bool  # false when there was nothing to search for (no words, no filter)
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    relaxed: bool = False  # nothing held every word: these hits hold some of them
    page: int = 1
    num_pages: int = 1
    fallback: bool = False  # answered without the index, which is missing or stale (status)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


# --------------------------------------------------------------------------- helpers


def query_tokens(q: str) -> list[str]:
    """The distinct tokens of the query, cut as documents are (search mode), in order."""
    tokens: list[str] = []
    for token in segment(q[:MAX_QUERY_LENGTH]):
        if token not in tokens:
            tokens.append(token)
        if len(tokens) >= MAX_TOKENS:
            break
    return tokens


def _fold(text: str) -> str:
    """``text`` folded like ``normalize`` but one character for one, keeping positions:
    full-width forms to ASCII, capitals to small letters (``fold_for_matching``, in C)."""
    return fold_for_matching(text)


def _pattern(tokens: Sequence[str]) -> re.Pattern[str] | None:
    words = sorted({token for token in tokens if token}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words))


def highlight(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """``text`` escaped, with every match of ``pattern`` wrapped in ``<mark>``."""
    if pattern is None:
        return mark_safe(escape(text))
    folded = _fold(text)
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(folded):
        if match.start() == match.end():
            continue
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def snippet(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    """About 160 characters of ``text`` around its first match, highlighted."""
    text = " ".join(text.split())
    start = 0
    if pattern is not None:
        match = pattern.search(_fold(text[:_SNIPPET_SCAN]))
        if match is not None:
            start = max(0, match.start() - SNIPPET_LENGTH // 4)
    piece = text[start : start + SNIPPET_LENGTH]
    html = highlight(piece, pattern)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_LENGTH < len(text) else ""
    return mark_safe(prefix + html + suffix)


def _hit(entry: SearchEntry, pattern: re.Pattern[str] | None, exact: bool) -> Hit:
    return Hit(
        kind=entry.kind,
        kind_label=entry.get_kind_display(),
        title=entry.title,
        title_html=highlight(entry.title, pattern),
        snippet_html=snippet(entry.snippet_text, pattern),
        url=entry.url,
        agency=entry.agency.name if entry.agency else "",
        published_at=entry.published_at,
        doc_number=entry.doc_number,
        index_number=entry.index_number,
        exact=exact,
    )


def _resolve(query: SearchQuery) -> Filters | None:
    """The query's filters as ids; ``None`` when one names nothing that exists."""
    found: dict[str, Any] = {}
    lookups: list[tuple[str, Any, str]] = [
        ("agency", Agency, "slug"),
        ("statutory_item", StatutoryItem, "code"),
        ("topic", Topic, "code"),
        ("genre", Genre, "code"),
    ]
    for name, model, key in lookups:
        value = getattr(query, name)
        if value:
            pk = model.objects.filter(**{key: value}).values_list("pk", flat=True).first()
            if pk is None:
                return None
            found[name] = pk
    return Filters(year=query.year, validity=query.validity, type=query.type, **found)


def _facets(counts: dict[str, dict[object, int]], query: SearchQuery) -> list[Facet]:
    """The backend's counts (keyed by ids and raw values) as labelled facets, in order."""

    def selected(name: str, value: object) -> bool:
        return str(getattr(query, name) or "") == str(value)

    def labelled(name: str, rows: Any, counted: dict[object, int]) -> Facet:
        values = [
            FacetValue(str(code), str(label), counted[pk], selected(name, code))
            for pk, code, label in rows
            if counted.get(pk)
        ]
        return Facet(name, FACET_LABELS[name], values)

    agencies = counts.get("agency", {})
    top_agencies = sorted(agencies, key=lambda pk: -agencies[pk])[:AGENCY_FACET_SIZE]
    agency_rows = sorted(
        Agency.objects.filter(pk__in=[_as_int(pk) for pk in top_agencies]).values_list(
            "pk", "slug", "name"
        ),
        key=lambda row: (-agencies[row[0]], row[2]),
    )
    facets = [labelled("agency", agency_rows, agencies)]
    for name, model in (("statutory_item", StatutoryItem), ("topic", Topic), ("genre", Genre)):
        counted = counts.get(name, {})
        rows = (
            model.objects.filter(pk__in=[_as_int(pk) for pk in counted])
            .order_by("sort_order", "code")
            .values_list("pk", "code", "name")
        )
        facets.append(labelled(name, rows, counted))
    years = counts.get("year", {})
    facets.append(
        labelled("year", [(y, y, y) for y in sorted(years, key=_as_int, reverse=True)], years)
    )
    facets.append(
        labelled("validity", _choices(Document.Validity.choices), counts.get("validity", {}))
    )
    facets.append(labelled("type", _choices(SearchEntry.Kind.choices), counts.get("type", {})))
    return facets


def _as_int(value: object) -> int:
    return int(str(value))


def _choices(choices: Sequence[tuple[str, Any]]) -> list[tuple[str, str, Any]]:
    return [(value, value, label) for value, label in choices]


FACET_LABELS: dict[str, str | Promise] = {
    "agency": _("Agency"),
    "statutory_item": _("Statutory item"),
    "topic": _("Topic"),
    "genre": _("Genre"),
    "year": _("Year"),
    "validity": _("Validity"),
    "type": _("Content type"),
}


def _suggestions(query: SearchQuery, tokens: list[str]) -> list[Suggestion]:
    """With no result: the same words without one filter, without all, and the single words."""
    suggestions: list[Suggestion] = []
    filters = query.filters
    if filters:
        for name in filters:
            suggestions.append(
                Suggestion(
                    _("without the filter “%(name)s”") % {"name": FACET_LABELS[name]},
                    query.toggled(name, ""),
                )
            )
        if len(filters) > 1:
            empty: dict[str, Any] = {n: (None if n == "year" else "") for n in filters}
            suggestions.append(Suggestion(_("without any filter"), replace(query, page=1, **empty)))
    if len(tokens) > 1:
        for token in tokens[:10]:
            suggestions.append(Suggestion(token, SearchQuery(q=token)))
    return suggestions


# --------------------------------------------------------------------------- search


_INDEX_NUMBER_RE = re.compile(r"^[0-9a-z]{6,}/\d{4}-\d+$", re.IGNORECASE)


def _is_a_number(q: str) -> bool:
    return is_doc_number(q) or bool(_INDEX_NUMBER_RE.match(q.strip()))


def search(query: SearchQuery, *, facets: bool = True) -> SearchResult:
    """Search everything public for ``query``; any input gives a result, never an error.

    ``facets=False`` skips the facet counts (for API clients that do not show them). While
    the index is missing or stale (``status``), or when its engine fails, the answer comes
    from a slower query of the public records themselves (``fallback``), marked ``fallback``.
    """
    tokens = query_tokens(query.q) if query.q else []
    if not query.q and not query.filters:
        return SearchResult(query=query, searched=False)
    filters = _resolve(query)
    if filters is None:  # a filter that names nothing: nothing matches it
        return SearchResult(
            query=replace(query, page=1),
            searched=True,
            suggestions=_suggestions(query, tokens),
            tokens=tokens,
        )
    from gongkai.search import fallback, status

    if not status.index_status().ok:
        return fallback.search_without_index(query, tokens, filters, facets=facets)
    try:
        with tolerant_read():
            return _search_index(query, tokens, filters, facets=facets)
    except Exception as error:
        if not _database_answers():
            raise  # an outage, not the index: the 503 page
        status.note_engine_failure(error)
        return fallback.search_without_index(query, tokens, filters, facets=facets)


def _database_answers() -> bool:
    try:
        with tolerant_read(), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _search_index(
    query: SearchQuery, tokens: list[str], filters: Filters, *, facets: bool
) -> SearchResult:
    """The answer of the index: the engine matches, the database disposes."""
    backend = get_backend()
    page = query.page
    request = EngineRequest(
        tokens=tuple(tokens),
        exact_key=doc_number_key(query.q) if query.q else "",
        exact_index=query.q[:64] if query.q else "",
        filters=filters,
        sort=query.sort,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        facets=facets,
    )
    answer = backend.answer(request)
    relaxed = False
    words = tuple(token for token in tokens if len(token) >= FALLBACK_MIN_LENGTH)
    if answer.total == 0 and len(tokens) > 1 and words and not _is_a_number(query.q):
        # Nothing holds every word: what holds any of them (not for a 文号 or an index
        # number that matches nothing: its pieces, 2019 say, would match at random).
        relaxed_answer = backend.answer(replace(request, tokens=words, any_word=True))
        if relaxed_answer.total:
            request, answer, relaxed = (
                replace(request, tokens=words, any_word=True),
                relaxed_answer,
                True,
            )
    num_pages = max(1, math.ceil(answer.total / PAGE_SIZE))
    if page > num_pages:  # past the end: show the last page
        page = num_pages
        answer = backend.answer(replace(request, offset=(page - 1) * PAGE_SIZE))

    # The database disposes: only entries whose object is public now are shown.
    rows = (
        SearchEntry.objects.filter(pk__in=public_entry_ids(answer.ids))
        .select_related("agency")
        .defer("title_tokens", "meta_tokens", "body_tokens")
        .in_bulk(answer.ids)
    )
    pattern = _pattern(request.tokens)
    hits = [
        _hit(rows[pk], pattern, exact=pk in answer.exact_ids and rows[pk].source == "document")
        for pk in answer.ids
        if pk in rows
    ]
    return SearchResult(
        query=replace(query, page=page),
        searched=True,
        total=answer.total,
        hits=hits,
        facets=_facets(answer.facets, query) if facets else [],
        suggestions=_suggestions(query, tokens) if answer.total == 0 or relaxed else [],
        tokens=tokens,
        relaxed=relaxed,
        page=page,
        num_pages=num_pages,
    )
