"""The interface every search backend offers to ``gongkai.search``.

A backend owns the full-text structure derived from ``SearchEntry`` and answers one request:
the entries matching the tokens and filters, one page of them in order, the total and the facet
counts. Tokens arrive already segmented by ``gongkai.core.text`` and never reach an engine's
query language as text: they are parameters (SQL) or term objects (Tantivy).

Whatever a backend answers, ``gongkai.search.engine`` checks every entry it shows against the
database's public selectors, so a backend may lag behind publishing but can never leak.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection, transaction

Sql = tuple[str, list[Any]]

# Facet names as the engine knows them; the counts a backend returns are keyed by raw values:
# ids for agency, statutory item, topic (the top-level topic) and genre; the value itself for
# year, validity and kind ("type").
FACET_NAMES = ("agency", "statutory_item", "topic", "genre", "year", "validity", "type")


@dataclass(frozen=True)
class Filters:
    """The visitor's filters, resolved to ids and raw values (``None`` or ``""``: not set)."""

    agency: int | None = None
    statutory_item: int | None = None
    topic: int | None = None  # the topic itself or any of its sub-topics
    genre: int | None = None
    year: int | None = None
    validity: str = ""
    type: str = ""

    def without(self, name: str) -> Filters:
        cleared: dict[str, Any] = {name: "" if name in ("validity", "type") else None}
        return replace(self, **cleared)

    def is_set(self, name: str) -> bool:
        return getattr(self, name) not in (None, "")

    @property
    def names(self) -> list[str]:
        return [name for name in FACET_NAMES if self.is_set(name)]


@dataclass(frozen=True)
class EngineRequest:
    tokens: tuple[str, ...]  # every one must match; empty: no words (filters only)
    exact_key: str  # the query as a 文号 key ("" when it is not one)
    exact_index: str  # the query as an index number ("" when there are no words)
    filters: Filters
    sort: str  # "relevance" or "date"
    offset: int
    limit: int
    facets: bool
    any_word: bool = False  # match entries holding any of the tokens (the fallback)


@dataclass
class EngineAnswer:
    total: int
    ids: list[int]  # SearchEntry ids of the page, in order
    facets: dict[str, dict[object, int]] = field(default_factory=dict)
    exact_ids: frozenset[int] = frozenset()  # entries matched as the exact 文号 or index number


@dataclass(frozen=True)
class EngineProblem:
    """Why the engine cannot answer (``missing``) or answers from less than the entries hold
    (``stale``): a code (``search.status.PROBLEMS``) and a detail for operators, which never
    holds personal data or the text of a query."""

    code: str
    detail: str = ""


@contextmanager
def tolerant_read() -> Iterator[None]:
    """A read that may fail (a table or column that is not there) without breaking the
    caller's transaction: inside a savepoint when one is open. Otherwise as it is: a
    transaction of its own would take SQLite's write lock (IMMEDIATE) for a read."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


class EngineFeed(ABC):
    """The entries of one transaction handed to an engine outside the database from the rows
    the caller has just written, instead of read back from the database after the commit
    (``SearchBackend.feeding``)."""

    @abstractmethod
    def write(self, entries: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        """These entries, as (entry id, ``SearchEntry.INDEXED_FIELDS`` values), were written."""

    @abstractmethod
    def delete(self, entry_ids: Sequence[int]) -> None:
        """These entries are being removed (called before deleting them)."""


class SearchBackend(ABC):
    name: str = ""
    vendors: tuple[str, ...] = ()  # the database vendors the backend works with

    @abstractmethod
    def write(self, entry_ids: Sequence[int]) -> None:
        """Bring the full-text rows of these entries up to date with ``SearchEntry`` (called in
        the transaction that changed them)."""

    @abstractmethod
    def delete(self, entry_ids: Sequence[int]) -> None:
        """Remove the full-text rows of these entries (called before deleting the entries)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every full-text row."""

    @abstractmethod
    def answer(self, request: EngineRequest) -> EngineAnswer:
        """Match, count, rank and page ``request``; facet counts when it asks for them."""

    @abstractmethod
    def direct(self, tokens: Sequence[str], *, facets: bool, limit: int = 20) -> int:
        """The same matching, ranking and counting sent straight to the engine, without the
        public gate or anything else of our layer: for ``bench/search``. Returns the count."""

    @abstractmethod
    def problems(self, *, stale_before: datetime.datetime) -> list[EngineProblem]:
        """What keeps the engine from answering as the entries would (empty: nothing).

        Called by ``search.status`` at most once a status period, never on every search:
        it may count. ``stale_before``: work queued before it should have been done."""

    @contextmanager
    def feeding(self) -> Iterator[EngineFeed | None]:
        """A feed for the entries written by one transaction opened (and ended) inside this
        block, or ``None``: the caller then calls ``write`` and ``delete`` as usual. Only an
        engine outside the database has one; the in-database engines are written in the
        caller's transaction anyway."""
        yield None

    def refresh(self) -> None:  # noqa: B027 - optional hook
        """Catch up with entries written since the engine last looked (before a search)."""

    def rebuilt(self) -> None:  # noqa: B027 - optional hook
        """Called after a full rebuild wrote all entries afresh (and ``clear`` emptied it)."""
