"""The in-database backends' shared half: counting, filtering and facets in SQL, gated.

SQLite FTS5 and PostgreSQL text search differ only in how tokens are matched and ranked
(``match_sql`` and ``ranked_ids``). Everything else is one ORM query set over ``SearchEntry``
in which every entry is checked against the public selectors, so the totals and the facet
counts, not only the hits, count public objects only.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from gongkai.search.backends.base import EngineAnswer, EngineRequest, Filters, SearchBackend, Sql
from gongkai.search.models import SearchEntry

logger = logging.getLogger(__name__)


def repair(entry_ids: list[int]) -> None:
    """Entries the index offered that the public may no longer see: index their objects again
    (which removes them, and queues the change for an engine outside the database)."""
    from gongkai.search.indexing import reindex_entries

    try:
        reindex_entries(entry_ids)
    except Exception:  # a read must not fail for a repair; the rebuild job heals it too
        logger.exception("search index repair failed")


def public_entry_ids(entry_ids: Iterable[int]) -> set[int]:
    """Of these entries, those whose object the public may see now, checked against the
    public selectors by key: one query for the sources among them, then one for each —
    documents, list records, each registered source (``search.sources``) — (an OR of them
    would make PostgreSQL hash every public document first). An entry of a source nobody
    registers is not public."""
    from gongkai.catalogue.selectors.public import public_document_rows
    from gongkai.search.indexing import public_records
    from gongkai.search.sources import registered_sources

    ids = list(entry_ids)
    if not ids:
        return set()
    present = set(
        SearchEntry.objects.filter(pk__in=ids)
        .order_by()
        .values_list("source", flat=True)
        .distinct()
    )
    gates: dict[str, QuerySet[Any]] = {}
    if SearchEntry.Source.DOCUMENT in present:
        gates[SearchEntry.Source.DOCUMENT] = public_document_rows()
    if SearchEntry.Source.RECORD in present:
        gates[SearchEntry.Source.RECORD] = public_records()
    for name, source in registered_sources().items():
        if name in present:
            gates[name] = source.public()
    public: set[int] = set()
    for name, gate in gates.items():
        public.update(
            SearchEntry.objects.filter(
                Exists(gate.filter(pk=OuterRef("object_id"))), pk__in=ids, source=name
            ).values_list("id", flat=True)
        )
    return public


def filtered(entries: QuerySet[SearchEntry], filters: Filters) -> QuerySet[SearchEntry]:
    if filters.agency is not None:
        entries = entries.filter(agency_id=filters.agency)
    if filters.statutory_item is not None:
        entries = entries.filter(statutory_item_id=filters.statutory_item)
    if filters.topic is not None:
        entries = entries.filter(Q(topic_id=filters.topic) | Q(topic__parent_id=filters.topic))
    if filters.genre is not None:
        entries = entries.filter(genre_id=filters.genre)
    if filters.year is not None:
        entries = entries.filter(year=filters.year)
    if filters.validity:
        entries = entries.filter(validity=filters.validity)
    if filters.type:
        entries = entries.filter(kind=filters.type)
    return entries


def exact_condition(exact_key: str, exact_index: str) -> Q:
    """Entries whose 文号 (any bracket form) or index number is the whole query."""
    condition = Q(pk__in=[])
    if exact_index:
        condition |= Q(index_number=exact_index) & ~Q(index_number="")
    if exact_key:
        condition |= Q(doc_number_key=exact_key) & ~Q(doc_number_key="")
    return condition


# The column each facet counts, as an expression over SearchEntry.
FACET_COLUMNS: dict[str, Any] = {
    "agency": F("agency_id"),
    "statutory_item": F("statutory_item_id"),
    "topic": Coalesce("topic__parent_id", "topic_id"),
    "genre": F("genre_id"),
    "year": F("year"),
    "validity": F("validity"),
    "type": F("kind"),
}


def facet_counts(entries: QuerySet[SearchEntry], filters: Filters) -> dict[str, dict[object, int]]:
    """Counts per value of each facet, each under every filter but its own: one aggregate
    query a facet."""
    counts: dict[str, dict[object, int]] = {}
    for name, column in FACET_COLUMNS.items():
        rows = (
            filtered(entries, filters.without(name))
            .order_by()
            .annotate(facet_value=column)
            .values("facet_value")
            .annotate(n=Count("id"))
        )
        counts[name] = {
            row["facet_value"]: row["n"] for row in rows if row["facet_value"] not in (None, "")
        }
    return counts


# Up to this many matches, totals and facets are counted over entries checked one by one
# against the public selectors; beyond, over the index (the page is always checked).
EXACT_LIMIT = 500


class DatabaseBackend(SearchBackend):
    """A backend whose full-text structure lives in the database next to ``SearchEntry``."""

    @abstractmethod
    def match_sql(self, tokens: Sequence[str], *, any_word: bool = False) -> Sql:
        """A ``SELECT`` of the ids of the entries holding every token (or any of them)."""

    @abstractmethod
    def ranked_ids(
        self,
        tokens: Sequence[str],
        *,
        within: Sql,
        exact_key: str | None,
        exact_index: str | None,
        limit: int,
        offset: int,
        any_word: bool = False,
    ) -> list[int]:
        """The ids of the entries of ``within`` in order of relevance, one page.

        An entry whose 文号 key or index number is the exact one comes first; then the best
        match (title above metadata above body); then the most recent.
        """

    def answer(self, request: EngineRequest) -> EngineAnswer:
        """As the embedded engine does: up to ``EXACT_LIMIT`` matches, every count is over
        entries checked against the public selectors; beyond, the counts are the index's and
        the page's entries are checked — one found lagging is re-indexed and the whole answer
        computed again."""
        answer, lagging = self._answer(request)
        if lagging:
            repair(lagging)
            answer, _lagging = self._answer(request)
        return answer

    def _matched_sql(self, request: EngineRequest) -> Sql:
        """One ``SELECT`` of the ids matching the words or the exact 文号/index number: a
        union the database can start from (an OR beside it would scan every entry)."""
        parts: list[str] = []
        params: list[Any] = []
        if request.tokens:
            match_sql, match_params = self.match_sql(request.tokens, any_word=request.any_word)
            parts.append(match_sql)
            params.extend(match_params)
        table = SearchEntry._meta.db_table
        for column, value in (
            ("index_number", request.exact_index),
            ("doc_number_key", request.exact_key),
        ):
            if value:
                parts.append(f"SELECT id FROM {table} WHERE {column} = %s")  # noqa: S608
                params.append(value)
        return " UNION ".join(parts), params

    def _answer(self, request: EngineRequest) -> tuple[EngineAnswer, list[int]]:
        entries = SearchEntry.objects.all()
        exact = exact_condition(request.exact_key, request.exact_index)
        if request.tokens or request.exact_index:
            matched_sql, matched_params = self._matched_sql(request)
            entries = entries.filter(pk__in=RawSQL(matched_sql, matched_params))  # noqa: S611
        # Few matches: check each against the public selectors, by key, and count only those.
        first = list(entries.order_by().values_list("id", flat=True)[: EXACT_LIMIT + 1])
        gated = len(first) <= EXACT_LIMIT
        if gated:
            entries = SearchEntry.objects.filter(pk__in=public_entry_ids(first))
        results = filtered(entries, request.filters)

        total = results.count()
        if total == 0 or request.offset >= total:
            ids: list[int] = []
        elif request.tokens and request.sort == "relevance":
            within = results.order_by().values("id").query.sql_with_params()
            ids = self.ranked_ids(
                request.tokens,
                within=(within[0], list(within[1])),
                exact_key=request.exact_key or None,
                exact_index=request.exact_index or None,
                limit=request.limit,
                offset=request.offset,
                any_word=request.any_word,
            )
        else:
            ordered = results
            if request.exact_index and request.sort == "relevance":
                ordered = ordered.annotate(
                    exact=Case(
                        When(exact, then=Value(0)), default=Value(1), output_field=IntegerField()
                    )
                ).order_by("exact", "-published_at", "-id")
            else:
                ordered = ordered.order_by("-published_at", "-id")
            window = ordered.values_list("id", flat=True)
            ids = list(window[request.offset : request.offset + request.limit])
        exact_ids = frozenset(
            SearchEntry.objects.filter(exact, pk__in=ids).values_list("id", flat=True)
            if request.exact_index and ids
            else ()
        )
        lagging: list[int] = []
        if not gated and ids:
            public = public_entry_ids(ids)
            lagging = [pk for pk in ids if pk not in public]
        answer = EngineAnswer(
            total=total,
            ids=ids,
            facets=facet_counts(entries, request.filters) if request.facets else {},
            exact_ids=exact_ids,
        )
        return answer, lagging

    def direct(self, tokens: Sequence[str], *, facets: bool, limit: int = 20) -> int:
        """The match, a count, the ranked first page and (with ``facets``) one aggregate a
        facet, over the full-text structure alone."""
        match_sql, match_params = self.match_sql(tokens)
        matched = SearchEntry.objects.filter(pk__in=RawSQL(match_sql, match_params))  # noqa: S611
        total = matched.count()
        within = matched.order_by().values("id").query.sql_with_params()
        self.ranked_ids(
            tokens,
            within=(within[0], list(within[1])),
            exact_key=None,
            exact_index=None,
            limit=limit,
            offset=0,
        )
        if facets:
            facet_counts(matched, Filters())
        return total
