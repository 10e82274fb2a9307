"""Writing the index: one object at a time, read through the public selectors.

What is indexed is exactly what the public may read: a document's latest published version,
its public metadata and attachments; a list record's ``search_text`` (which never holds a
personal field); for a registered source (``sources``: public Q&A, consultations on drafts),
the :class:`~gongkai.search.sources.IndexItem` its app builds from an object of its public
gate. An object that is not public (any more) is removed from the index, so re-indexing one
object after any change is always right, and a full rebuild gives the same rows as the
incremental updates.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import tzinfo
from functools import lru_cache, partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import (
    CharField,
    DateField,
    Field,
    ForeignKey,
    IntegerField,
    TextField,
)
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from gongkai.catalogue.docnumbers import doc_number_key
from gongkai.catalogue.models import Attachment, Document, DocumentVersion, ListRecord
from gongkai.catalogue.selectors.public import (
    public_attachments,
    public_attachments_of,
    public_document_rows,
    public_metadata,
    public_version,
    public_versions_of,
    published_documents,
)
from gongkai.core.bulk_insert import insert_rows
from gongkai.core.text import segment_for_index
from gongkai.search.backends import get_backend
from gongkai.search.backends.base import EngineFeed
from gongkai.search.cutting import SNIPPET_TEXT_LIMIT, Texts, cut_many, text_values
from gongkai.search.cutting import join_lines as _join
from gongkai.search.models import SearchEntry
from gongkai.search.sources import IndexItem, IndexSource, get_source, registered_sources

if TYPE_CHECKING:
    from gongkai.catalogue.bulk_import import WrittenDocument


def public_records() -> Any:
    """Published records of active lists: the records anyone outside may see."""
    return ListRecord.objects.filter(
        state=ListRecord.State.PUBLISHED, record_type__active=True
    ).select_related("record_type", "agency")


_URL_SENTINEL = 987654321


@lru_cache(maxsize=8)
def _document_url_pattern(prefix: str, urlconf: str | None) -> str:
    """``reverse("catalogue:document", args=[pk])`` with ``{}`` for the pk: the pattern is not
    resolved a million times in a rebuild."""
    return reverse("catalogue:document", args=[_URL_SENTINEL]).replace(str(_URL_SENTINEL), "{}")


def _year(moment: Any, zone: tzinfo | None = None) -> int | None:
    return timezone.localtime(moment, zone).year if moment is not None else None


@dataclass(frozen=True)
class _Place:
    """What the rows of a batch of documents share: the address pattern and the time zone of
    their year, each looked up in the context (asgiref's locals) once, not once a document."""

    url: str
    zone: tzinfo

    @classmethod
    def current(cls) -> _Place:
        return cls(
            _document_url_pattern(get_script_prefix(), get_urlconf()),
            timezone.get_current_timezone(),
        )


def document_values(
    document: Document,
    version: DocumentVersion | None,
    attachments: Iterable[Attachment],
    interprets: Sequence[str] = (),
) -> dict[str, Any]:
    """The index row of a public document (loaded through ``published_documents``), from its
    public version and public attachments; for an interpretation, ``interprets`` holds the
    titles and 文号 of the public policies it explains, so a search for a policy finds its
    interpretation too."""
    fields, texts = document_parts(document, version, attachments, interprets)
    return {**fields, **text_values(texts)}


def document_parts(
    document: Document,
    version: DocumentVersion | None,
    attachments: Iterable[Attachment],
    interprets: Sequence[str] = (),
    place: _Place | None = None,
) -> tuple[dict[str, Any], Texts]:
    """The cheap half of a document's index row (facets, numbers, address) and its texts
    (``place``: the batch's, when there is one)."""
    place = place or _Place.current()
    metadata = public_metadata(document, version)
    title = version.title if version is not None else document.title
    summary = version.summary if version is not None else ""
    body_html = version.body if version is not None else ""
    attachment_texts = tuple(a.text for a in attachments if a.text)
    doc_number = metadata.get("doc_number") or ""
    labels = [
        document.agency.name,
        document.statutory_item.name if document.statutory_item else "",
        document.topic.name if document.topic else "",
        document.genre.name if document.genre else "",
    ]
    meta = _join(
        summary,
        doc_number,
        document.index_number or "",
        metadata.get("keywords") or "",
        metadata.get("source") or "",
        *labels,
        *interprets,
    )
    fields = {
        "kind": document.kind,
        "agency_id": document.agency_id,
        "statutory_item_id": document.statutory_item_id,
        "topic_id": document.topic_id,
        "genre_id": document.genre_id,
        "year": _year(document.published_at, place.zone),
        "validity": document.validity,
        "published_at": document.published_at,
        "url": place.url.format(document.pk),
        "title": title[:300],
        "doc_number": doc_number[:64],
        "doc_number_key": doc_number_key(doc_number)[:64] if doc_number else "",
        "index_number": (document.index_number or "")[:64],
    }
    return fields, (title, meta, summary, body_html, attachment_texts)


def record_values(record: ListRecord) -> dict[str, Any]:
    """The index row of a published list record: its type, agency and ``search_text`` only."""
    lines = [line for line in record.search_text.split("\n") if line.strip()]
    detail = lines[1] if len(lines) > 1 else ""
    title = f"{record.record_type.name}：{detail}" if detail else record.record_type.name
    return {
        "kind": SearchEntry.Kind.RECORD,
        "agency_id": record.agency_id,
        "statutory_item_id": None,
        "topic_id": None,
        "genre_id": None,
        "year": _year(record.published_at),
        "validity": "",
        "published_at": record.published_at,
        "url": reverse("catalogue:list_record", args=[record.record_type.code, record.pk]),
        "title": title[:300],
        "doc_number": "",
        "doc_number_key": "",
        "index_number": "",
        "snippet_text": record.search_text[:SNIPPET_TEXT_LIMIT],
        "title_tokens": segment_for_index(record.record_type.name),
        "meta_tokens": segment_for_index(record.agency.name),
        "body_tokens": segment_for_index(record.search_text),
    }


def item_values(item: IndexItem) -> dict[str, Any]:
    """The index row of an object of a registered source."""
    return {
        "kind": item.kind,
        "agency_id": item.agency_id,
        "statutory_item_id": None,
        "topic_id": None,
        "genre_id": None,
        "year": _year(item.published_at),
        "validity": "",
        "published_at": item.published_at,
        "url": item.url[:300],
        "title": item.title[:300],
        "doc_number": "",
        "doc_number_key": "",
        "index_number": "",
        "snippet_text": (item.snippet or item.body)[:SNIPPET_TEXT_LIMIT],
        "title_tokens": segment_for_index(item.title),
        "meta_tokens": segment_for_index(item.meta),
        "body_tokens": segment_for_index(item.body),
    }


def _save(source: str, object_id: int, values: dict[str, Any] | None) -> None:
    backend = get_backend()
    with transaction.atomic():
        if values is None:
            ids = list(
                SearchEntry.objects.filter(source=source, object_id=object_id).values_list(
                    "id", flat=True
                )
            )
            backend.delete(ids)
            SearchEntry.objects.filter(id__in=ids).delete()
            return
        entry, _created = SearchEntry.objects.update_or_create(
            source=source, object_id=object_id, defaults=values
        )
        backend.write([entry.pk])


def _indexable_documents() -> Any:
    return published_documents().select_related("statutory_item", "topic", "genre")


def _among(name: str, ids: Sequence[int]) -> dict[str, Any]:
    """A filter keeping ``name`` among these ids: a range when they are consecutive (a bulk
    import's batches are), which the ORM prepares as two values, not one for each id."""
    if len(ids) > 2 and list(ids) == list(range(ids[0], ids[0] + len(ids))):
        return {f"{name}__gte": ids[0], f"{name}__lte": ids[-1]}
    return {f"{name}__in": ids}


def interpreted_policies(document_ids: Sequence[int]) -> dict[int, list[str]]:
    """For each of these documents, the public title and 文号 of each public policy it
    interprets (三同步), in one or two queries."""
    through = Document.interprets.through
    links = list(
        through.objects.filter(**_among("from_document_id", list(document_ids))).values_list(
            "from_document_id", "to_document_id"
        )
    )
    if not links:
        return {}
    policies = {
        policy.pk: [getattr(policy, "public_title", ""), getattr(policy, "public_doc_number", "")]
        for policy in published_documents().filter(pk__in={target for _s, target in links})
    }
    found: dict[int, list[str]] = {}
    for source, target in links:
        if target in policies:
            found.setdefault(source, []).extend(policies[target])
    return found


def index_document(document_id: int) -> None:
    """Index the document as the public sees it now, or remove it when it is not public."""
    document = _indexable_documents().filter(pk=document_id).first()
    values = None
    if document is not None:
        values = document_values(
            document,
            public_version(document),
            public_attachments(document),
            interpreted_policies([document_id]).get(document_id, ()),
        )
    _save(SearchEntry.Source.DOCUMENT, document_id, values)


def index_documents(
    document_ids: Sequence[int],
    *,
    workers: int | None = None,
    written: dict[int, WrittenDocument] | None = None,
) -> int:
    """Index many documents at once — a bulk import's — as :func:`index_document` would one by
    one: their old entries removed, the rows built :data:`REBUILD_BATCH` documents at a time
    (the text cut in ``workers`` processes from :data:`BULK_POOL_THRESHOLD` documents, as a
    rebuild does) and handed to the engine in one transaction a :data:`BULK_TRANSACTION`
    documents, so that the embedded index applies them in a few large commits instead of one a
    batch or, worse, one a document (issue 10: a commit a document made a 100,000-row import
    run for hours), while SQLite's write lock is held a few seconds at a time, not for the
    whole import (other writers wait at most the busy timeout). Documents that are not public
    get no entry.

    ``written`` holds what the caller (a bulk import, right after its commit) wrote of the
    documents, by id: those documents' rows are built from it instead of being read back — the
    public gate is still asked, in one query a batch, and a document missing from ``written``
    is read as usual. Returns how many entries were written."""
    ids = sorted(set(document_ids))
    workers = default_workers() if workers is None else max(1, workers)
    pooled = workers > 1 and len(ids) >= BULK_POOL_THRESHOLD
    total = 0
    # One pool for the whole import, its batches cut ahead while this process writes the
    # entries and the engine applies each transaction's.
    chunks = [
        ids[start : start + BULK_TRANSACTION] for start in range(0, len(ids), BULK_TRANSACTION)
    ]
    backend = get_backend()
    with _pool(workers if pooled else 0) as pool:
        rows_of = _document_rows(
            [_batches(chunk) for chunk in chunks], pool, workers, written or {}
        )
        for chunk in chunks:
            # An engine outside the database takes the entries from the rows built here
            # (``feeding``), not read back after the commit.
            with backend.feeding() as feed, transaction.atomic():
                _remove_entries(chunk, feed)
                for _batch in _batches(chunk):
                    rows = next(rows_of)
                    _insert(SearchEntry.Source.DOCUMENT, rows, feed=feed)
                    total += len(rows)
    return total


def _batches(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + REBUILD_BATCH] for start in range(0, len(ids), REBUILD_BATCH)]


def _remove_entries(document_ids: list[int], feed: EngineFeed | None = None) -> None:
    """Remove the index entries of these documents (and tell the engine, or its ``feed``)."""
    backend = feed or get_backend()
    for start in range(0, len(document_ids), REBUILD_BATCH):
        stale = SearchEntry.objects.filter(
            source=SearchEntry.Source.DOCUMENT,
            **_among("object_id", document_ids[start : start + REBUILD_BATCH]),
        )
        stale_ids = list(stale.values_list("id", flat=True))
        if stale_ids:
            backend.delete(stale_ids)
            SearchEntry.objects.filter(id__in=stale_ids).delete()


def _written_batch(
    document_ids: list[int],
    written: dict[int, WrittenDocument],
    related: dict[str, dict[int, Any]],
) -> list[tuple[int, dict[str, Any], Texts]]:
    """:func:`_document_batch` for documents the caller has just written: the same parts,
    built from its objects; only the public gate and the interpretation links are read."""
    public = set(
        public_document_rows().filter(**_among("pk", document_ids)).values_list("pk", flat=True)
    )
    missing = [pk for pk in document_ids if pk in public and pk not in written]
    parts = {}
    if missing:  # four queries (or their making) for nothing, twenty times an import
        parts = {pk: (fields, texts) for pk, fields, texts in _document_batch(missing, related)}
    interprets = interpreted_policies(document_ids)
    _attach_related([written[pk][0] for pk in document_ids if pk in written], related)
    place = _Place.current()
    for pk in document_ids:
        if pk in public and pk not in parts:
            document, version, attachments = written[pk]
            parts[pk] = document_parts(
                document,
                version,
                [a for a in attachments if a.pending_change != Attachment.PendingChange.ADDED],
                interprets.get(pk, ()),
                place,
            )
    return [(pk, *parts[pk]) for pk in document_ids if pk in parts]


def index_document_and_interpretations(document_id: int) -> None:
    """Index the document and the interpretations of it (whose rows hold its title)."""
    index_document(document_id)
    for interpretation_id in Document.objects.filter(interprets=document_id).values_list(
        "pk", flat=True
    ):
        index_document(interpretation_id)


def index_record(record_id: int) -> None:
    """Index the list record when it is published, or remove it."""
    record = public_records().filter(pk=record_id).first()
    _save(SearchEntry.Source.RECORD, record_id, record_values(record) if record else None)


def index_object(source: str, object_id: int) -> None:
    """Index the object of a registered source when its gate holds it, or remove it."""
    registered = get_source(source)
    found = None
    if registered is not None:
        found = registered.loaded().filter(pk=object_id).first()
    values = item_values(registered.item(found)) if registered and found is not None else None
    _save(source, object_id, values)


def _targets(agency: str | None) -> tuple[list[int], list[int], list[tuple[str, list[int]]]]:
    documents = published_documents().order_by("pk")
    records = public_records().order_by("pk")
    if agency:
        documents = documents.filter(agency__slug=agency)
        records = records.filter(agency__slug=agency)
    others = []
    for name, source in sorted(registered_sources().items()):
        rows = source.public().order_by("pk")
        if agency:
            rows = rows.filter(**{f"{source.agency_path}__slug": agency})
        others.append((name, list(rows.values_list("pk", flat=True))))
    return (
        list(documents.values_list("pk", flat=True)),
        list(records.values_list("pk", flat=True)),
        others,
    )


REBUILD_BATCH = 500


def _field(name: str) -> Field[Any, Any]:
    names = {field.attname: field for field in SearchEntry._meta.concrete_fields}
    field = names[name]
    if not isinstance(field, Field):  # pragma: no cover - the names are the model's own
        raise TypeError(name)
    return field


_NATIVE_FIELDS = (CharField, TextField, IntegerField, ForeignKey)


def _converter(field: Field[Any, Any]) -> Callable[[Any], Any]:
    """``field``'s conversion of a value for the database, done once for each distinct one."""
    known: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            known[value] = result = field.get_db_prep_save(value, connection)
            return result

    return convert


def _insert(
    source: str,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    write: bool = True,
    feed: EngineFeed | None = None,
) -> None:
    """Add many new entries (the index holds none of them) in one plain ``executemany``, without
    the ORM's per-object work, and hand them to the engine — or to its ``feed``, with their
    values — unless a full rebuild loads the engine once at the end."""
    if not rows:
        return
    names = ("source", "object_id", *SearchEntry.INDEXED_FIELDS)
    fields = [_field(name) for name in names]
    columns = [connection.ops.quote_name(str(field.column)) for field in fields]
    # Text, numbers and foreign keys go in as they are, taken in one C call (``itemgetter``);
    # only the other values (the publication time) need the field's conversion for the
    # database, each distinct one converted once (a catalogue has a few thousand days).
    take = itemgetter(*SearchEntry.INDEXED_FIELDS)
    converted = [
        (position, _converter(field))
        for position, field in enumerate(fields)
        if not isinstance(field, _NATIVE_FIELDS) or isinstance(field, DateField)
    ]
    params = []
    for pk, values in rows:
        row = [source, pk, *take(values)]
        for position, convert in converted:
            value = row[position]
            if value is not None:
                row[position] = convert(value)
        params.append(row)
    table = SearchEntry._meta.db_table
    with connection.cursor() as cursor:
        insert_rows(cursor, table, columns, params)
    if write:
        # The new entries' ids, read back by their unique (source, object id): bulk_create
        # would return them but spends most of a bulk import's indexing time building and
        # compiling a model instance a row (and, on SQLite, a statement every 45 rows).
        object_ids = [pk for pk, _values in rows]
        entry_of: dict[int, int] = {}
        for start in range(0, len(object_ids), REBUILD_BATCH):
            entry_of.update(
                SearchEntry.objects.filter(
                    source=source, **_among("object_id", object_ids[start : start + REBUILD_BATCH])
                ).values_list("object_id", "id")
            )
        if feed is not None:
            feed.write([(entry_of[pk], values) for pk, values in rows])
        else:
            get_backend().write(sorted(entry_of.values()))


def _document_batch(
    document_ids: list[int], related: dict[str, dict[int, Any]] | None = None
) -> list[tuple[int, dict[str, Any], Texts]]:
    """The cheap halves of many documents' rows, in a few queries.

    The documents are read without ``published_documents()``'s annotations (four subqueries a
    row, which the row does not use) and without their own body, manner reason and summary
    (the row takes the version's): half the reading time of a rebuild. Their agency and
    taxonomy terms are not joined into every row but read once each (``related`` keeps them
    from one batch to the next): a province has a thousand agencies and a few hundred terms,
    and building four related objects a document was most of a bulk import's reading time.
    """
    documents = list(
        public_document_rows()
        .filter(**_among("pk", document_ids))
        .defer("body", "manner_reason", "summary")
        .order_by("pk")
    )
    _attach_related(documents, {} if related is None else related)
    versions = public_versions_of(document_ids)
    attachments = public_attachments_of(document_ids)
    interprets = interpreted_policies(document_ids)
    place = _Place.current()
    return [
        (
            document.pk,
            *document_parts(
                document,
                versions.get(document.pk),
                attachments.get(document.pk, []),
                interprets.get(document.pk, ()),
                place,
            ),
        )
        for document in documents
    ]


_RELATED = ("agency", "statutory_item", "topic", "genre")


def _attach_related(documents: list[Document], cache: dict[str, dict[int, Any]]) -> None:
    """Set each document's agency and taxonomy terms from ``cache`` (name -> pk -> object),
    reading the missing ones in one query a name."""
    for name in _RELATED:
        field = Document._meta.get_field(name)
        if not isinstance(field, ForeignKey):  # pragma: no cover - the names are the model's
            raise TypeError(name)
        known = cache.setdefault(name, {})
        wanted = {getattr(document, field.attname) for document in documents} - {None}
        missing = wanted - known.keys()
        if missing:
            known.update(field.related_model._default_manager.in_bulk(missing))
        for document in documents:
            value = getattr(document, field.attname)
            field.set_cached_value(document, None if value is None else known[value])


def _cut(parts: list[tuple[int, dict[str, Any], Texts]]) -> list[tuple[int, dict[str, Any]]]:
    return [(pk, {**fields, **text_values(texts)}) for pk, fields, texts in parts]


def _index_documents(document_ids: list[int], *, write: bool = True) -> None:
    _insert(SearchEntry.Source.DOCUMENT, _cut(_document_batch(document_ids)), write=write)


def _index_records(record_ids: list[int], *, write: bool = True) -> None:
    records = public_records().filter(pk__in=record_ids).order_by("pk")
    _insert(
        SearchEntry.Source.RECORD,
        [(record.pk, record_values(record)) for record in records],
        write=write,
    )


def _index_source(source: IndexSource, object_ids: list[int], *, write: bool = True) -> None:
    rows = source.loaded().filter(pk__in=object_ids).order_by("pk")
    _insert(
        source.source,
        [(row.pk, item_values(source.item(row))) for row in rows],
        write=write,
    )


def reindex_entries(entry_ids: list[int]) -> None:
    """Index again the objects behind these entries (removing those no longer public)."""
    for source, object_id in SearchEntry.objects.filter(id__in=entry_ids).values_list(
        "source", "object_id"
    ):
        if source == SearchEntry.Source.DOCUMENT:
            index_document(object_id)
        elif source == SearchEntry.Source.RECORD:
            index_record(object_id)
        else:
            index_object(source, object_id)


@contextmanager
def _plain_delete() -> Iterator[None]:
    """On SQLite, empty the index rows without ``secure_delete`` (Debian's SQLite turns it on:
    every freed page is overwritten with zeros, which made emptying a million entries take
    three minutes). The rows are public data derived from the catalogue; the setting is put
    back at once for everything else."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA secure_delete = 0")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA secure_delete = {previous:d}")


# A full rebuild of at least this many documents cuts their text in worker processes.
POOL_THRESHOLD = 20_000
# So does the indexing of a bulk import of at least this many (starting the workers takes
# about half a second; cutting a document's text about 0.6 ms).
BULK_POOL_THRESHOLD = 2_000
# ... and commits its entries this many documents at a time (about ten seconds of work at the
# rate measured here: the longest a bulk import keeps SQLite's other writers waiting).
BULK_TRANSACTION = 10_000


def default_workers() -> int:
    """Worker processes for a large rebuild: one per CPU (the main process reads the database
    and writes the entries between their turns)."""
    return max(1, os.cpu_count() or 1)


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """``workers`` processes to cut text in (``None`` for 0).

    They are started by *spawn*: fresh interpreters that import only
    ``gongkai.search.cutting`` and receive plain strings, so they hold no database connection
    and inherit no thread of this process (a forked copy of a process with threads is not safe).
    """
    if workers < 1:
        yield None
        return
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        yield pool


# Batches whose text is being cut ahead of the one being written, a worker: enough to keep the
# workers busy while this process writes a transaction's entries and the engine commits them.
LOOKAHEAD = 4


def _document_rows(
    batches: Iterable[Iterable[list[int]]],
    pool: ProcessPoolExecutor | None,
    workers: int,
    written: dict[int, WrittenDocument],
) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """The rows of each batch of document ids (given in groups: the caller's transactions),
    their text cut here or, with a ``pool``, by its ``workers`` while this process reads the
    next batches and the caller writes the previous ones."""
    related: dict[str, dict[int, Any]] = {}  # agencies and terms, read once for all batches

    def parts_of(batch: list[int]) -> list[tuple[int, dict[str, Any], Texts]]:
        if written:
            return _written_batch(batch, written, related)
        return _document_batch(batch, related)

    flat = (batch for group in batches for batch in group)
    if pool is None:
        for batch in flat:
            yield _cut(parts_of(batch))
        return
    in_flight: deque[tuple[list[tuple[int, dict[str, Any], Texts]], list[Future[Any]]]]
    in_flight = deque()
    for batch in flat:
        parts = parts_of(batch)
        step = -(-len(parts) // workers) or 1
        futures = [
            pool.submit(cut_many, [texts for _pk, _fields, texts in parts[i : i + step]])
            for i in range(0, len(parts), step)
        ]
        in_flight.append((parts, futures))
        if len(in_flight) > workers * LOOKAHEAD:
            yield _rows_of(*in_flight.popleft())
    while in_flight:
        yield _rows_of(*in_flight.popleft())


def _rows_of(
    parts: list[tuple[int, dict[str, Any], Texts]], futures: list[Future[Any]]
) -> list[tuple[int, dict[str, Any]]]:
    values = [value for future in futures for value in future.result()]
    return [
        (pk, {**fields, **cut}) for (pk, fields, _texts), cut in zip(parts, values, strict=True)
    ]


def rebuild_index(
    *,
    agency: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Empty the index (of ``agency``, by slug, when given) and index everything public again.

    Works in batches (a few queries for each ``REBUILD_BATCH`` objects) with the same row
    builders as the one-object updates, so both give identical rows. A full rebuild hands the
    entries to the engine once, at the end (``SearchBackend.rebuilt``), and, from
    ``POOL_THRESHOLD`` documents, cuts their text in ``workers`` processes (default: one per
    CPU; 1 keeps everything in this process). Returns the number of objects indexed.
    """
    backend = get_backend()
    full = not agency
    with transaction.atomic():
        if full:
            backend.clear()
            with _plain_delete():
                SearchEntry.objects.all().delete()
        else:
            stale = SearchEntry.objects.filter(agency__slug=agency)
            ids = list(stale.values_list("id", flat=True))
            for start in range(0, len(ids), REBUILD_BATCH):
                backend.delete(ids[start : start + REBUILD_BATCH])
            stale.delete()
    document_ids, record_ids, others = _targets(agency)
    total = len(document_ids) + len(record_ids) + sum(len(ids) for _name, ids in others)
    workers = default_workers() if workers is None else max(1, workers)
    pooled = full and workers > 1 and len(document_ids) >= POOL_THRESHOLD
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    if pooled:
        with _pool(workers) as pool:
            batches = _batches(document_ids)
            rows_of = _document_rows([batches], pool, workers, {})
            for batch, rows in zip(batches, rows_of, strict=True):
                with transaction.atomic():
                    _insert(SearchEntry.Source.DOCUMENT, rows, write=False)
                step(len(batch))
        document_ids = []
    work: list[tuple[Callable[..., None], list[int]]] = [
        (_index_documents, document_ids[i : i + REBUILD_BATCH])
        for i in range(0, len(document_ids), REBUILD_BATCH)
    ] + [
        (_index_records, record_ids[i : i + REBUILD_BATCH])
        for i in range(0, len(record_ids), REBUILD_BATCH)
    ]
    sources = registered_sources()
    for name, ids in others:
        work += [
            (partial(_index_source, sources[name]), ids[i : i + REBUILD_BATCH])
            for i in range(0, len(ids), REBUILD_BATCH)
        ]
    for index_batch, batch in work:
        with transaction.atomic():
            index_batch(batch, write=not full)
        step(len(batch))
    if full:
        backend.rebuilt()
        with connection.cursor() as cursor:  # fresh statistics for the planner
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
    from gongkai.search.status import forget_status

    forget_status()  # the next search checks the index again
    return total
