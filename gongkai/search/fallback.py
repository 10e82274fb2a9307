"""Search without the index: the public records themselves, queried with ``LIKE``.

While the index is missing or stale (``status``), or when the engine fails during a search,
``engine.search`` answers through this module instead. It starts from the same public
selectors the index is built from and the engine checks every hit against —
``published_documents()``, the published records of active lists, each registered source's
gate — so nothing unpublished can be found, and nothing published is missing however far the
index has fallen behind. The answer has the shape of the engine's (``SearchResult``: hits with
highlighted titles and snippets, facets, suggestions, pages), marked ``fallback``.

It is slower: every query token is looked for (``icontains``) in the public title, summary,
body, 文号, index number, keywords, the agency's and the taxonomies' names and the public
attachments' text of every public document — a scan, not an index — and the registered
sources' public texts are matched in Python. Ranking is simple: the exact 文号 or index number
first, then documents whose title holds every word, then the newest. Of each kind the newest
``FALLBACK_LIMIT`` matches are considered (counted, faceted and paged): enough for a person
looking for something, not for a common word in a million documents.
"""

from __future__ import annotations

import datetime
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import reduce

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.catalogue.docnumbers import doc_number_key
from gongkai.catalogue.models import Attachment, DocumentVersion
from gongkai.catalogue.selectors.public import public_versions_of, published_documents
from gongkai.core.html import html_to_text
from gongkai.core.text import fold_for_matching
from gongkai.search.backends.base import FACET_NAMES, Filters
from gongkai.search.engine import (
    FALLBACK_MIN_LENGTH,
    PAGE_SIZE,
    Hit,
    SearchQuery,
    SearchResult,
    _facets,
    _is_a_number,
    _pattern,
    _suggestions,
    highlight,
    snippet,
)
from gongkai.search.indexing import public_records
from gongkai.search.models import SearchEntry
from gongkai.search.sources import IndexItem, registered_sources

FALLBACK_LIMIT = 2_000  # matches of each kind considered, newest first

Kind = SearchEntry.Kind
_FACET_ATTRIBUTES = {
    "agency": "agency_id",
    "statutory_item": "statutory_item_id",
    "genre": "genre_id",
    "year": "year",
    "validity": "validity",
    "type": "kind",
}


@dataclass
class Match:
    """One public object that holds the words: what filtering, facets and ordering need."""

    source: str
    pk: int
    kind: str
    agency_id: int | None
    published_at: datetime.datetime | None
    title: str
    statutory_item_id: int | None = None
    topic_id: int | None = None
    topic_parent: int | None = None
    genre_id: int | None = None
    validity: str = ""
    exact: bool = False
    item: IndexItem | None = None  # a registered source's object, as the index would hold it

    @property
    def year(self) -> int | None:
        return timezone.localtime(self.published_at).year if self.published_at else None

    def value(self, name: str) -> object:
        """The raw value of facet ``name`` (as the engines count it)."""
        if name == "topic":
            return self.topic_parent or self.topic_id
        return getattr(self, _FACET_ATTRIBUTES[name])

    def passes(self, filters: Filters) -> bool:
        for name in filters.names:
            wanted = getattr(filters, name)
            if name == "topic":
                if wanted not in (self.topic_id, self.topic_parent):
                    return False
            elif self.value(name) != wanted:
                return False
        return True


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Wanted:
    """What the objects must hold: every token (or any, ``any_word``); with no token, the
    exact number alone, or everything (``everything``: a search by filters alone)."""

    tokens: tuple[str, ...]
    any_word: bool = False
    everything: bool = False

    def condition(self, per_token: Callable[[str], Q], exact: Q | None = None) -> Q:
        if not self.tokens:
            return Q() if self.everything else (exact or Q(pk__in=[]))
        parts = [per_token(token) for token in self.tokens]
        combined = reduce(operator.or_ if self.any_word else operator.and_, parts)
        return combined | exact if exact is not None else combined

    def held_by(self, text: str) -> bool:
        if not self.tokens:
            return self.everything
        found = (token in text for token in self.tokens)
        return any(found) if self.any_word else all(found)


def _document_condition(token: str) -> Q:
    # An attachment of a public document as published: not one an amendment is adding
    # (the rule of ``catalogue.selectors.public._public_attachment_rows``).
    attachment = Attachment.objects.filter(document=OuterRef("pk"), text__icontains=token).exclude(
        pending_change=Attachment.PendingChange.ADDED
    )
    return (
        Q(public_title__icontains=token)
        | Q(public_summary__icontains=token)
        | Q(public_body__icontains=token)
        | Q(public_doc_number__icontains=token)
        | Q(public_keywords__icontains=token)
        | Q(index_number__icontains=token)
        | Q(agency__name__icontains=token)
        | Q(statutory_item__name__icontains=token)
        | Q(topic__name__icontains=token)
        | Q(genre__name__icontains=token)
        | Q(Exists(attachment))
    )


def _documents(wanted: Wanted, exact_key: str, exact_index: str) -> list[Match]:
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    documents = published_documents().annotate(
        public_body=Subquery(latest.values("body")[:1]),
        public_keywords=Subquery(
            latest.annotate(value=KT("metadata__keywords")).values("value")[:1]
        ),
    )
    exact = Q(index_number=exact_index) if exact_index else None
    rows = (
        documents.filter(wanted.condition(_document_condition, exact))
        .order_by("-published_at", "-id")
        .values(
            "pk", "kind", "agency_id", "published_at", "public_title", "public_doc_number",
            "index_number", "statutory_item_id", "topic_id", "topic__parent_id", "genre_id",
            "validity",
        )[:FALLBACK_LIMIT]
    )  # fmt: skip
    return [
        Match(
            source=SearchEntry.Source.DOCUMENT,
            pk=row["pk"],
            kind=row["kind"],
            agency_id=row["agency_id"],
            published_at=row["published_at"],
            title=row["public_title"] or "",
            statutory_item_id=row["statutory_item_id"],
            topic_id=row["topic_id"],
            topic_parent=row["topic__parent_id"],
            genre_id=row["genre_id"],
            validity=row["validity"],
            exact=bool(
                (exact_index and row["index_number"] == exact_index)
                or (exact_key and doc_number_key(row["public_doc_number"] or "") == exact_key)
            ),
        )
        for row in rows
    ]


def _record_condition(token: str) -> Q:
    return (
        Q(search_text__icontains=token)
        | Q(record_type__name__icontains=token)
        | Q(agency__name__icontains=token)
    )


def _records(wanted: Wanted) -> list[Match]:
    rows = (
        public_records()
        .filter(wanted.condition(_record_condition))
        .order_by("-published_at", "-id")
        .values("pk", "agency_id", "published_at", "record_type__name")[:FALLBACK_LIMIT]
    )
    return [
        Match(
            source=SearchEntry.Source.RECORD,
            pk=row["pk"],
            kind=Kind.RECORD,
            agency_id=row["agency_id"],
            published_at=row["published_at"],
            title=row["record_type__name"],
        )
        for row in rows
    ]


def _registered(wanted: Wanted) -> list[Match]:
    """The registered sources' public objects holding the words, matched in Python on what
    the index would hold of them (they are few: public Q&A, consultations on drafts)."""
    if not wanted.tokens and not wanted.everything:
        return []
    matches: list[Match] = []
    for name, source in sorted(registered_sources().items()):
        found: list[Match] = []
        for row in source.loaded().iterator(chunk_size=500):
            item = source.item(row)
            text = fold_for_matching("\n".join((item.title, item.meta, item.body)))
            if wanted.held_by(text):
                found.append(
                    Match(
                        source=name,
                        pk=row.pk,
                        kind=item.kind,
                        agency_id=item.agency_id,
                        published_at=item.published_at,
                        title=item.title,
                        item=item,
                    )
                )
        found.sort(key=_newest, reverse=True)
        matches.extend(found[:FALLBACK_LIMIT])
    return matches


def _newest(match: Match) -> tuple[float, int]:
    return (match.published_at.timestamp() if match.published_at else 0.0, match.pk)


def _matches(query: SearchQuery, tokens: Sequence[str], *, any_word: bool) -> list[Match]:
    wanted = Wanted(tuple(tokens), any_word=any_word, everything=not query.q)
    exact_key = doc_number_key(query.q) if query.q else ""
    exact_index = query.q[:64] if query.q else ""
    return [*_documents(wanted, exact_key, exact_index), *_records(wanted), *_registered(wanted)]


# --------------------------------------------------------------------------- the answer


def _order(matches: list[Match], query: SearchQuery, tokens: Sequence[str]) -> list[Match]:
    if query.sort == "date":
        return sorted(matches, key=_newest, reverse=True)

    def title_holds_all(match: Match) -> bool:
        title = fold_for_matching(match.title)
        return bool(tokens) and all(token in title for token in tokens)

    return sorted(
        matches,
        key=lambda m: (not m.exact, not title_holds_all(m), *(-part for part in _newest(m))),
    )


def _facet_counts(matches: Iterable[Match], filters: Filters) -> dict[str, dict[object, int]]:
    """Counts per value of each facet, each under every filter but its own."""
    counts: dict[str, dict[object, int]] = {}
    rows = list(matches)
    for name in FACET_NAMES:
        scope = filters.without(name)
        counted: dict[object, int] = {}
        for match in rows:
            value = match.value(name)
            if value not in (None, "") and match.passes(scope):
                counted[value] = counted.get(value, 0) + 1
        counts[name] = counted
    return counts


def _hits(page: list[Match], tokens: Sequence[str]) -> list[Hit]:
    """The page's matches as hits: their public title, text and address, loaded in a few
    queries."""
    pattern = _pattern(tokens)
    documents = {
        document.pk: document
        for document in published_documents().filter(
            pk__in=[m.pk for m in page if m.source == SearchEntry.Source.DOCUMENT]
        )
    }
    versions = public_versions_of(documents)
    records = {
        record.pk: record
        for record in public_records().filter(
            pk__in=[m.pk for m in page if m.source == SearchEntry.Source.RECORD]
        )
    }
    agencies = dict(
        Agency.objects.filter(pk__in={m.agency_id for m in page if m.agency_id}).values_list(
            "pk", "name"
        )
    )
    hits: list[Hit] = []
    for match in page:
        doc_number = index_number = ""
        if match.source == SearchEntry.Source.DOCUMENT:
            document = documents.get(match.pk)
            if document is None:  # withdrawn between the two queries
                continue
            version = versions.get(match.pk)
            title = getattr(document, "public_title", "") or document.title
            text = "\n".join(
                part
                for part in (
                    version.summary if version else "",
                    html_to_text(version.body) if version else "",
                )
                if part
            )
            url = reverse("catalogue:document", args=[match.pk])
            doc_number = getattr(document, "public_doc_number", "") or ""
            index_number = document.index_number or ""
        elif match.source == SearchEntry.Source.RECORD:
            record = records.get(match.pk)
            if record is None:
                continue
            lines = [line for line in record.search_text.split("\n") if line.strip()]
            detail = lines[1] if len(lines) > 1 else ""
            title = f"{record.record_type.name}：{detail}" if detail else record.record_type.name
            text = record.search_text
            url = reverse("catalogue:list_record", args=[record.record_type.code, record.pk])
        elif match.item is not None:
            item = match.item
            title, text, url = item.title, item.snippet or item.body, item.url
        else:  # pragma: no cover - a registered source's match always carries its item
            continue
        hits.append(
            Hit(
                kind=match.kind,
                kind_label=Kind(match.kind).label if match.kind in Kind.values else match.kind,
                title=title,
                title_html=highlight(title, pattern),
                snippet_html=snippet(text, pattern),
                url=url,
                agency=agencies.get(match.agency_id, "") if match.agency_id else "",
                published_at=match.published_at,
                doc_number=doc_number,
                index_number=index_number,
                exact=match.exact,
            )
        )
    return hits


def search_without_index(
    query: SearchQuery, tokens: list[str], filters: Filters, *, facets: bool = True
) -> SearchResult:
    """``engine.search`` answered from the public records (see the module's docstring)."""
    matches = _matches(query, tokens, any_word=False)
    chosen = [m for m in matches if m.passes(filters)]
    relaxed = False
    words = [token for token in tokens if len(token) >= FALLBACK_MIN_LENGTH]
    if not chosen and len(tokens) > 1 and words and not _is_a_number(query.q):
        wider = _matches(query, words, any_word=True)
        wider_chosen = [m for m in wider if m.passes(filters)]
        if wider_chosen:
            matches, chosen, relaxed, tokens = wider, wider_chosen, True, words
    ordered = _order(chosen, query, tokens)
    num_pages = max(1, math.ceil(len(ordered) / PAGE_SIZE))
    page = min(query.page, num_pages)
    shown = ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return SearchResult(
        query=replace(query, page=page),
        searched=True,
        total=len(ordered),
        hits=_hits(shown, tokens),
        facets=_facets(_facet_counts(matches, filters), query) if facets else [],
        suggestions=_suggestions(query, list(tokens)) if not ordered or relaxed else [],
        tokens=list(tokens),
        relaxed=relaxed,
        page=page,
        num_pages=num_pages,
        fallback=True,
    )
