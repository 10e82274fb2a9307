"""The one public interface of search: ``search(SearchQuery) -> SearchResult``.

The index proposes, the database disposes. The backend matches tokens (segmented by
``gongkai.core.text`` exactly as the documents were); every candidate is then checked in the
same SQL against the public selectors — ``published_documents()`` for documents and
interpretations, published records of active lists for list records — so that an unpublished,
withdrawn or personal record never appears, even while the index lags behind.

A bounded number of queries a page: the count, one page of ranked ids, the page's rows, and one
aggregate per facet over the whole (gated) result set.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.docnumbers import doc_number_key
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import published_documents
from gongkai.core.text import normalize, segment
from gongkai.search.backends import get_backend
from gongkai.search.indexing import public_records
from gongkai.search.models import SearchEntry

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200  # characters of a query that are read; the rest is ignored
MAX_TOKENS = 32
MAX_PAGE = 500
SORTS = ("relevance", "date")
FILTER_NAMES = ("agency", "statutory_item", "topic", "genre", "year", "validity", "type")
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
    page: int = 1
    num_pages: int = 1

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


def _public_gate() -> Q:
    documents = published_documents().order_by().values("pk")
    records = public_records().order_by().values("pk")
    return Q(source=SearchEntry.Source.DOCUMENT, object_id__in=documents) | Q(
        source=SearchEntry.Source.RECORD, object_id__in=records
    )


def _filtered(
    entries: QuerySet[SearchEntry], query: SearchQuery, *, skip: str = ""
) -> QuerySet[SearchEntry]:
    if query.agency and skip != "agency":
        entries = entries.filter(agency__slug=query.agency)
    if query.statutory_item and skip != "statutory_item":
        entries = entries.filter(statutory_item__code=query.statutory_item)
    if query.topic and skip != "topic":
        entries = entries.filter(Q(topic__code=query.topic) | Q(topic__parent__code=query.topic))
    if query.genre and skip != "genre":
        entries = entries.filter(genre__code=query.genre)
    if query.year is not None and skip != "year":
        entries = entries.filter(year=query.year)
    if query.validity and skip != "validity":
        entries = entries.filter(validity=query.validity)
    if query.type and skip != "type":
        entries = entries.filter(kind=query.type)
    return entries


def _fold(text: str) -> str:
    """``text`` folded like ``normalize`` but one character for one, keeping positions."""
    return "".join((unicodedata.normalize("NFKC", char) or char)[0].lower()[0] for char in text)


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


def _facets(entries: QuerySet[SearchEntry], query: SearchQuery) -> list[Facet]:
    """Counts per value of each facet over the whole result set, each under every filter but
    its own (so a chosen agency still shows the others): one aggregate query a facet."""

    def base(name: str) -> QuerySet[SearchEntry]:
        return _filtered(entries, query, skip=name).order_by()

    def selected(name: str, value: object) -> bool:
        return str(getattr(query, name) or "") == str(value)

    def values(name: str, rows: Any, code: str, label: str) -> Facet:
        return Facet(
            name,
            FACET_LABELS[name],
            [
                FacetValue(str(r[code]), str(r[label]), r["count"], selected(name, r[code]))
                for r in rows
            ],
        )

    facets = [
        values(
            "agency",
            base("agency")
            .filter(agency__isnull=False)
            .values("agency__slug", "agency__name")
            .annotate(count=Count("id"))
            .order_by("-count", "agency__name")[:50],
            "agency__slug",
            "agency__name",
        ),
        values(
            "statutory_item",
            base("statutory_item")
            .filter(statutory_item__isnull=False)
            .values("statutory_item__code", "statutory_item__name", "statutory_item__sort_order")
            .annotate(count=Count("id"))
            .order_by("statutory_item__sort_order", "statutory_item__code"),
            "statutory_item__code",
            "statutory_item__name",
        ),
        values(
            "topic",
            base("topic")
            .filter(topic__isnull=False)
            .annotate(
                top_code=Coalesce("topic__parent__code", "topic__code"),
                top_name=Coalesce("topic__parent__name", "topic__name"),
                top_order=Coalesce("topic__parent__sort_order", "topic__sort_order"),
            )
            .values("top_code", "top_name", "top_order")
            .annotate(count=Count("id"))
            .order_by("top_order", "top_code"),
            "top_code",
            "top_name",
        ),
        values(
            "genre",
            base("genre")
            .filter(genre__isnull=False)
            .values("genre__code", "genre__name", "genre__sort_order")
            .annotate(count=Count("id"))
            .order_by("genre__sort_order", "genre__code"),
            "genre__code",
            "genre__name",
        ),
        values(
            "year",
            base("year")
            .filter(year__isnull=False)
            .values("year")
            .annotate(count=Count("id"))
            .order_by("-year"),
            "year",
            "year",
        ),
    ]
    validity = {
        r["validity"]: r["n"]
        for r in base("validity").exclude(validity="").values("validity").annotate(n=Count("id"))
    }
    facets.append(
        Facet(
            "validity",
            FACET_LABELS["validity"],
            [
                FacetValue(value, str(label), validity[value], selected("validity", value))
                for value, label in Document.Validity.choices
                if validity.get(value)
            ],
        )
    )
    kinds = {r["kind"]: r["n"] for r in base("type").values("kind").annotate(n=Count("id"))}
    facets.append(
        Facet(
            "type",
            FACET_LABELS["type"],
            [
                FacetValue(value, str(label), kinds[value], selected("type", value))
                for value, label in SearchEntry.Kind.choices
                if kinds.get(value)
            ],
        )
    )
    return facets


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


def _exact(exact_key: str, exact_index: str) -> Q:
    """Entries whose 文号 (any bracket form) or index number is the whole query."""
    condition = Q(index_number=exact_index) & ~Q(index_number="")
    if exact_key:
        condition |= Q(doc_number_key=exact_key) & ~Q(doc_number_key="")
    return condition


def search(query: SearchQuery) -> SearchResult:
    """Search everything public for ``query``; any input gives a result, never an error."""
    tokens = query_tokens(query.q) if query.q else []
    if not query.q and not query.filters:
        return SearchResult(query=query, searched=False)
    backend = get_backend()
    exact_key = doc_number_key(query.q) if query.q else ""
    exact_index = query.q if query.q else ""

    entries = SearchEntry.objects.filter(_public_gate())
    if query.q:
        matched = _exact(exact_key, exact_index)
        if tokens:
            match_sql, match_params = backend.match_sql(tokens)
            matched |= Q(pk__in=RawSQL(match_sql, match_params))  # noqa: S611 - parameters
        entries = entries.filter(matched)
    results = _filtered(entries, query)

    total = results.count()
    num_pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(query.page, num_pages)
    offset = (page - 1) * PAGE_SIZE
    if total == 0:
        ids: list[int] = []
    elif tokens and query.sort == "relevance":
        within = results.order_by().values("id").query.sql_with_params()
        ids = backend.ranked_ids(
            tokens,
            within=(within[0], list(within[1])),
            exact_key=exact_key or None,
            exact_index=exact_index or None,
            limit=PAGE_SIZE,
            offset=offset,
        )
    else:
        ordered = results
        if query.q and query.sort == "relevance":
            ordered = ordered.annotate(
                exact=Case(
                    When(_exact(exact_key, exact_index), then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ).order_by("exact", "-published_at", "-id")
        else:
            ordered = ordered.order_by("-published_at", "-id")
        ids = list(ordered.values_list("id", flat=True)[offset : offset + PAGE_SIZE])

    rows = SearchEntry.objects.select_related("agency").in_bulk(ids)
    pattern = _pattern(tokens)
    hits = [
        _hit(
            rows[pk],
            pattern,
            exact=bool(query.q)
            and rows[pk].source == SearchEntry.Source.DOCUMENT
            and (
                (bool(exact_key) and rows[pk].doc_number_key == exact_key)
                or rows[pk].index_number == exact_index
            ),
        )
        for pk in ids
        if pk in rows
    ]
    return SearchResult(
        query=replace(query, page=page),
        searched=True,
        total=total,
        hits=hits,
        facets=_facets(entries, query),
        suggestions=_suggestions(query, tokens) if total == 0 else [],
        tokens=tokens,
        page=page,
        num_pages=num_pages,
    )
