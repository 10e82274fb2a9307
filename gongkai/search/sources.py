"""Public objects of other apps in the index: what they register, and the registry.

The catalogue's documents and list records are the index's own sources (``indexing``). Any other
app with public pages — public interaction's Q&A and consultations on drafts — registers an
:class:`IndexSource` from its ``AppConfig.ready``: its public gate, what the index holds of one
public object, and the models whose changes may change that. Search then keeps those entries as
it keeps documents: indexed after each commit (``signals``), included in ``rebuild_index``, and
every hit checked against the same gate before it is shown. The app's ``item`` reads only what
its public pages show; search segments it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class IndexItem:
    """What the index holds of one public object: plain text (never HTML), facets, address."""

    kind: str  # a SearchEntry.Kind value: the content-type facet
    title: str
    url: str
    agency_id: int | None
    published_at: datetime.datetime | None  # the date shown, ranked and faceted by year
    meta: str = ""  # weighted between title and body: summary, type, agency
    body: str = ""
    snippet: str = ""  # the text snippets are cut from (the body when empty)


@dataclass(frozen=True)
class Watched:
    """A model whose save or deletion may change what the index holds of a source's object;
    ``object_id`` gives that object's id from the instance (None: none)."""

    model: type[Model]
    object_id: Callable[[Any], int | None]


@dataclass(frozen=True)
class IndexSource:
    source: str  # a SearchEntry.Source value
    public: Callable[[], QuerySet[Any]]  # the app's public gate: what the public may see now
    item: Callable[[Any], IndexItem]  # one object of ``rows()``
    agency_path: str  # from the object to its agency, for ``rebuild_index --agency``
    watched: tuple[Watched, ...] = ()
    # The gate with what ``item`` reads joined in (default: the gate itself).
    rows: Callable[[], QuerySet[Any]] | None = None

    def loaded(self) -> QuerySet[Any]:
        return self.rows() if self.rows is not None else self.public()


_sources: dict[str, IndexSource] = {}


def register_source(source: IndexSource) -> None:
    """Index ``source``'s public objects from now on (called once, from an app's ``ready``)."""
    from gongkai.search import signals

    _sources[source.source] = source
    signals.watch(source)


def registered_sources() -> dict[str, IndexSource]:
    return dict(_sources)


def get_source(name: str) -> IndexSource | None:
    return _sources.get(name)
