"""The embedded search engine: a Tantivy index in a local directory, derived from ``SearchEntry``.

Why (docs/decisions/0012): at a million documents an in-database engine must score and count
every match of a common word — seconds on this machine — where Tantivy's inverted index with
columnar facet fields answers the whole request, counts and facets included, in tens of
milliseconds.

The database stays the source of truth. ``SearchEntry`` rows are written in the publishing
transaction as with the other backends; each write also queues the entry in ``SearchPending``,
in the same transaction. Whoever holds the index's writer lock (one process at a time; the
others skip) applies queued entries in order and deletes them from the queue only after the
index has committed, so a crash at any point leaves them queued, and applying one twice does
no harm. Every search first catches up with the queue, so the index is as fresh as the
database's ``SearchEntry`` rows. A new, empty index directory queues every entry, so a new
machine fills its index by itself; ``rebuild_index`` rebuilds it in one pass. A bulk import's
entries are also fed to the index straight from the rows it built (``feeding``), under the
writer held across their transaction; their queue rows, written all the same, go only after
the index commit, so the queue keeps the guarantees above.

Counting: when the words match few entries (``EXACT_LIMIT``), all of them are checked against
the public selectors in the database and the total and facets are counted over public entries
only — a rare word such as a person's name can never be counted while the index lags. When
they match many, the total and facet counts are the engine's; the hits shown are always checked.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from gongkai.catalogue.models import Document, Topic
from gongkai.core.bulk_insert import insert_rows
from gongkai.search.backends.base import (
    FACET_NAMES,
    EngineAnswer,
    EngineFeed,
    EngineProblem,
    EngineRequest,
    Filters,
    SearchBackend,
)
from gongkai.search.models import SearchEntry, SearchPending

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # a new number opens a new, empty directory, filled from the queue
TOKENIZER = "gongkai_whitespace"  # documents and queries are segmented before they get here
WEIGHTS = (("title", 10.0), ("meta", 4.0), ("body", 1.0))
EXACT_LIMIT = 500  # up to this many matches, totals and facets are counted in the database
SLACK = 20  # extra hits read beyond the page, to fill it when the gate drops lagging ones
SYNC_BATCH = 2_000
COMMIT_BATCH = SYNC_BATCH * 5  # queued entries applied in one engine commit, at most
# More queued entries than this (a new directory filling itself, a mass change) and the index
# counts as stale until the queue is applied, however recent the entries are.
QUEUE_SLACK = SYNC_BATCH * 5
SYNC_HEAP = 32_000_000
REBUILD_HEAP = 256_000_000
KIND_CODES = {value: number for number, value in enumerate(SearchEntry.Kind.values, start=1)}
VALIDITY_CODES = {value: number for number, value in enumerate(Document.Validity.values, start=1)}
U64_FIELDS = (
    "entry", "agency", "statutory_item", "topic", "topic_top", "genre", "year", "validity", "kind",
)  # fmt: skip
FACET_FIELDS = {
    "agency": "agency",
    "statutory_item": "statutory_item",
    "topic": "topic_top",
    "genre": "genre",
    "year": "year",
    "validity": "validity",
    "type": "kind",
}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in U64_FIELDS:
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_integer_field("published", fast=True)
    for name, _weight in WEIGHTS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="freq")
    builder.add_text_field("doc_key", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("index_number", tokenizer_name="raw", index_option="basic")
    return builder.build()


SCHEMA = _schema()
_indexes: dict[str, tantivy.Index] = {}
_lock = threading.Lock()


def index_path() -> Path:
    root = getattr(settings, "GONGKAI_SEARCH_INDEX_DIR", None) or (
        Path(settings.BASE_DIR) / "var" / "search-index"
    )
    return Path(root) / f"v{SCHEMA_VERSION}"


def _open() -> tantivy.Index:
    path = index_path()
    key = str(path)
    with _lock:
        index = _indexes.get(key)
        if index is None:
            path.mkdir(parents=True, exist_ok=True)
            fresh = not tantivy.Index.exists(key)
            index = tantivy.Index(SCHEMA, path=key, reuse=True)
            index.register_tokenizer(
                TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
            )
            _indexes[key] = index
            if fresh:
                _queue_everything()
    return index


def _queue_everything() -> None:
    """A new index directory: queue every entry so that the next catch-up fills it."""
    table = SearchPending._meta.db_table
    entries = SearchEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (entry_id) SELECT id FROM {entries}")  # noqa: S608


def _topic_tops() -> dict[int, int]:
    return {pk: parent or pk for pk, parent in Topic.objects.values_list("pk", "parent_id")}


def _seconds(moment: datetime.datetime | None) -> int:
    return int(moment.timestamp()) if moment is not None else 0


ENTRY_COLUMNS = (
    "id", "kind", "agency_id", "statutory_item_id", "topic_id", "genre_id", "year",
    "validity", "published_at", "doc_number_key", "index_number", "title_tokens",
    "meta_tokens", "body_tokens",
)  # fmt: skip


def _document(row: Sequence[Any], tops: dict[int, int]) -> tantivy.Document:
    (pk, kind, agency, item, topic, genre, year, validity, published, key, index_number,
     title, meta, body) = row  # fmt: skip
    values: dict[str, Any] = {
        "entry": pk,
        "agency": agency or 0,
        "statutory_item": item or 0,
        "topic": topic or 0,
        "topic_top": tops.get(topic, topic) if topic else 0,
        "genre": genre or 0,
        "year": year or 0,
        "validity": VALIDITY_CODES.get(validity, 0),
        "kind": KIND_CODES.get(kind, 0),
        "published": _seconds(published),
        "title": title,
        "meta": meta,
        "body": body,
    }
    if key:
        values["doc_key"] = key
    if index_number:
        values["index_number"] = index_number
    return tantivy.Document.from_dict(values, SCHEMA)


def _entry_set(ids: Iterable[int]) -> tantivy.Query:
    return tantivy.Query.term_set_query(SCHEMA, "entry", list(ids))


class _Writer:
    """The index's single writer, or ``None`` when another process (or thread) holds it."""

    def __init__(self, index: tantivy.Index, heap: int, threads: int = 1) -> None:
        self.index = index
        try:
            self.writer: Any = index.writer(heap, threads)
        except ValueError:  # LockBusy: someone else is writing and will catch up
            self.writer = None

    def __enter__(self) -> Any:
        return self.writer

    def __exit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.wait_merging_threads()  # releases the lock
            self.writer = None
            self.index.reload()


def catch_up(limit: int | None = None) -> int:
    """Apply queued entries to the index; returns how many were applied (0 when another
    process holds the writer). ``limit`` caps the work done in one call."""
    index = _open()  # a new directory queues every entry first
    if not SearchPending.objects.exists():
        return 0
    applied = 0
    with _Writer(index, SYNC_HEAP) as writer:
        if writer is None:
            return 0
        tops = _topic_tops()
        last = 0  # the queue is read in order of id, SYNC_BATCH at a time
        done: list[int] = []  # applied, removed from the queue once the index has committed
        while limit is None or applied < limit:
            queued = list(
                SearchPending.objects.filter(id__gt=last)
                .order_by("id")
                .values_list("id", "entry_id")[:SYNC_BATCH]
            )
            if queued:
                last = queued[-1][0]
                # Deletes apply to what was added before them (Tantivy's opstamps), so an
                # entry queued twice ends up once, as of its latest row.
                entry_ids = sorted({entry_id for _pk, entry_id in queued})
                writer.delete_documents_by_query(_entry_set(entry_ids))
                rows = SearchEntry.objects.filter(id__in=entry_ids).values_list(*ENTRY_COLUMNS)
                for row in rows:
                    writer.add_document(_document(row, tops))
                done += [pk for pk, _entry in queued]
                applied += len(queued)
            # One engine commit for COMMIT_BATCH entries, not one for each SYNC_BATCH: a
            # commit costs about as much as adding two thousand entries (issue 10).
            if len(done) >= COMMIT_BATCH:
                _commit(writer, done)
                done = []
            if not queued:
                break
        if done:
            _commit(writer, done)
    return applied


def _commit(writer: Any, applied: list[int]) -> None:
    """Commit the index, then remove the entries it now holds from the queue (a crash between
    the two leaves them queued: applying one again does no harm)."""
    writer.commit()
    _dequeue(applied)


_QUEUE_CHUNK = 500  # queue rows inserted or removed by one statement


def _dequeue(queued: Sequence[int]) -> None:
    """Remove these rows (their ids) from the queue."""
    table = connection.ops.quote_name(SearchPending._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(queued), _QUEUE_CHUNK):
            chunk = queued[start : start + _QUEUE_CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608


def _enqueue(entry_ids: Sequence[int]) -> list[int]:
    """Queue these entries; returns the queue rows' ids. ``queued_at`` takes the database's
    default, its clock."""
    table = connection.ops.quote_name(SearchPending._meta.db_table)
    column = connection.ops.quote_name(str(SearchPending._meta.get_field("entry_id").column))
    queued: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(entry_ids), _QUEUE_CHUNK):
            chunk = list(entry_ids[start : start + _QUEUE_CHUNK])
            values = ", ".join(["(%s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({column}) VALUES {values} RETURNING id",  # noqa: S608
                chunk,
            )
            queued += [pk for (pk,) in cursor.fetchall()]
    return queued


def _commits_on_exit() -> bool:
    """Whether a transaction opened now commits when it ends: no atomic block is open but,
    in a test case, the test's own (which stand for the autocommit they replace, as Django's
    durable blocks treat them)."""
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


_FED_COLUMNS = ENTRY_COLUMNS[1:]  # the values a fed entry brings (its id aside)


class _Feed(EngineFeed):
    """Entries added to the index from the rows their transaction wrote, queued all the same.

    The engine never fails the caller's transaction: when it raises, the feed stops feeding
    (``broken``), what it was fed is rolled back at the end, and the queue, written in the
    transaction as always, brings the entries to the index at the next catch-up."""

    def __init__(self, index: tantivy.Index, writer: Any) -> None:
        self.index = index
        self.writer = writer
        self.tops = _topic_tops()
        self.queued: list[int] = []  # queue rows, removed once the index has committed
        self.broken = False

    def write(self, entries: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        if not entries:
            return
        ids = [pk for pk, _values in entries]
        self.queued += _enqueue(ids)
        if self.broken:
            return
        try:
            # Deletes apply to what was added before them: an id used again (SQLite reuses
            # the highest) loses its earlier document, and the new one stays.
            self.writer.delete_documents_by_query(_entry_set(ids))
            add, tops = self.writer.add_document, self.tops
            for pk, values in entries:
                add(_document((pk, *[values[name] for name in _FED_COLUMNS]), tops))
        except Exception:
            self._broke()

    def delete(self, entry_ids: Sequence[int]) -> None:
        if not entry_ids:
            return
        self.queued += _enqueue(entry_ids)
        if self.broken:
            return
        try:
            self.writer.delete_documents_by_query(_entry_set(entry_ids))
        except Exception:
            self._broke()

    def _broke(self) -> None:
        logger.exception("search index feed failed: the queue keeps the entries")
        self.broken = True

    def finish(self, *, committed: bool) -> None:
        """After the caller's transaction: commit what was fed and remove its queue rows, or
        (the transaction failed, the engine did) roll it back; then release the writer. An
        engine failure here is logged: the queue keeps the entries."""
        try:
            if committed and self.queued and not self.broken:
                self.writer.commit()
                _dequeue(self.queued)
            else:
                self.writer.rollback()
        except Exception:
            logger.exception("search index feed failed: the queue keeps the entries")
        finally:
            try:
                self.writer.wait_merging_threads()  # releases the lock
                self.index.reload()
            except Exception:
                logger.exception("search index writer could not be released")


def _feed() -> _Feed | None:
    """A feed holding the index's writer, or ``None`` when another process holds it or the
    engine cannot be opened (the caller then writes as usual)."""
    try:
        index = _open()
        writer = index.writer(SYNC_HEAP, 1)
    except ValueError:  # LockBusy: someone else is writing and will catch up
        return None
    except Exception:
        logger.exception("search index feed unavailable: the queue keeps the entries")
        return None
    try:
        return _Feed(index, writer)
    except BaseException:
        writer.wait_merging_threads()
        raise


# --------------------------------------------------------------------------- queries


def _count(found: Any) -> int:
    """The number of matches a search counted (``SearchResult.count``, missing from the stubs)."""
    return int(found.count)


def _term(field: str, value: Any) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field, value)


def _words(tokens: Sequence[str], *, any_word: bool = False) -> tantivy.Query:
    """Every token (or any, with ``any_word``), each in the title, the metadata or the body
    (weighted)."""
    should = tantivy.Occur.Should
    must = should if any_word else tantivy.Occur.Must
    clauses = []
    for token in tokens:
        fields = [
            (should, tantivy.Query.boost_query(_term(name, token), weight))
            for name, weight in WEIGHTS
        ]
        clauses.append((must, tantivy.Query.boolean_query(fields)))
    return tantivy.Query.boolean_query(clauses)


def _exact(request: EngineRequest) -> tantivy.Query | None:
    clauses = []
    if request.exact_key:
        clauses.append((tantivy.Occur.Should, _term("doc_key", request.exact_key)))
    if request.exact_index:
        clauses.append((tantivy.Occur.Should, _term("index_number", request.exact_index)))
    return tantivy.Query.boolean_query(clauses) if clauses else None


def _match(request: EngineRequest) -> tantivy.Query | None:
    """The words or the exact 文号/index number; ``None`` for a search by filters alone."""
    exact = _exact(request)
    if not request.tokens:
        return exact
    words = _words(request.tokens, any_word=request.any_word)
    if exact is None:
        return words
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, words), (tantivy.Occur.Should, exact)]
    )


def _filter_clauses(filters: Filters) -> list[tuple[Any, tantivy.Query]]:
    terms: list[tantivy.Query] = []
    for name in ("agency", "statutory_item", "genre", "year"):
        value = getattr(filters, name)
        if value is not None:
            terms.append(_term(name, value))
    if filters.topic is not None:
        terms.append(
            tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, _term("topic", filters.topic)),
                    (tantivy.Occur.Should, _term("topic_top", filters.topic)),
                ]
            )
        )
    if filters.validity:
        terms.append(_term("validity", VALIDITY_CODES.get(filters.validity, 0)))
    if filters.type:
        terms.append(_term("kind", KIND_CODES.get(filters.type, 0)))
    # Filters narrow, they do not score.
    return [(tantivy.Occur.Must, tantivy.Query.const_score_query(term, 0.0)) for term in terms]


def _combined(match: tantivy.Query | None, filters: Filters) -> tantivy.Query:
    clauses = _filter_clauses(filters)
    if match is None and not clauses:
        return tantivy.Query.all_query()
    if match is not None:
        clauses.insert(0, (tantivy.Occur.Must, match))
    return tantivy.Query.boolean_query(clauses)


def _terms(name: str, size: int = 1_000) -> dict[str, Any]:
    return {"terms": {"field": FACET_FIELDS[name], "size": size}}


def _decode(name: str, key: Any) -> object:
    value = int(key)
    if name == "type":
        return SearchEntry.Kind.values[value - 1] if 0 < value <= len(KIND_CODES) else None
    if name == "validity":
        values = Document.Validity.values
        return values[value - 1] if 0 < value <= len(values) else None
    return value or None


def _buckets(name: str, answer: dict[str, Any]) -> dict[object, int]:
    counts: dict[object, int] = {}
    for bucket in answer.get(name, {}).get("buckets", []):
        value = _decode(name, bucket["key"])
        if value is not None:
            counts[value] = int(bucket["doc_count"])
    return counts


class TantivyBackend(SearchBackend):
    name = "tantivy"
    vendors = ("sqlite", "postgresql")

    # Writes go to the queue in the caller's transaction; the index follows after the commit.
    def write(self, entry_ids: Sequence[int]) -> None:
        self._queue(entry_ids)

    def delete(self, entry_ids: Sequence[int]) -> None:
        self._queue(entry_ids)

    def _queue(self, entry_ids: Sequence[int]) -> None:
        if not entry_ids:
            return
        # One plain executemany, or COPY on PostgreSQL (a bulk import queues tens of
        # thousands): ``queued_at`` takes the database's default, its clock.
        table = connection.ops.quote_name(SearchPending._meta.db_table)
        column = connection.ops.quote_name(str(SearchPending._meta.get_field("entry_id").column))
        with connection.cursor() as cursor:
            insert_rows(cursor, table, [column], [(pk,) for pk in entry_ids])
        transaction.on_commit(self.refresh)

    @contextmanager
    def feeding(self) -> Iterator[EngineFeed | None]:
        """The entries of the transaction opened inside this block go to the index from the
        rows it wrote, not read back from the database by the catch-up after its commit
        (issue 10: reading a bulk import's entries back and building their documents again
        was a quarter of the import's own time); the queue is written as ``write`` writes it.

        The index's writer is taken before the transaction and kept until the index has
        committed what it was fed, so no other process applies anything in between: a change
        made to these entries after the database commit is queued after them, and applied
        after them by the catch-up that follows. The queue rows go only after the index
        commit, so a crash at any point leaves them queued for the next catch-up, which reads
        the entries from the database as always; a transaction that fails rolls the fed
        documents back, and an engine that fails is logged and left to the queue, as the
        catch-up leaves it. No feed (``None``: the caller writes as usual) while another
        process holds the writer, or inside an outer transaction, whose commit this block
        would not see."""
        feed = _feed() if _commits_on_exit() else None
        if feed is None:
            yield None
            return
        try:
            yield feed
        except BaseException:
            feed.finish(committed=False)
            raise
        feed.finish(committed=True)
        self.refresh()  # what other writers queued while the writer was held

    def clear(self) -> None:
        index = _open()
        SearchPending.objects.all().delete()
        if connection.vendor == "postgresql":
            # The database engine's GIN index would be updated for every entry written by the
            # rebuild, for nothing: drop it (the database engine's own rebuild makes it again).
            from gongkai.search.backends.postgres import PostgresBackend

            PostgresBackend().clear()
        with _Writer(index, SYNC_HEAP) as writer:
            if writer is None:
                raise RuntimeError("The search index is being written by another process.")
            writer.delete_all_documents()
            writer.commit()

    def rebuilt(self) -> None:
        """Load every entry in one pass (after ``clear`` and the entries' rewrite)."""
        index = _open()
        tops = _topic_tops()
        with _Writer(index, REBUILD_HEAP, threads=0) as writer:
            if writer is None:
                raise RuntimeError("The search index is being written by another process.")
            last = SearchPending.objects.order_by("-id").values_list("id", flat=True).first()
            writer.delete_all_documents()
            rows = SearchEntry.objects.order_by("id").values_list(*ENTRY_COLUMNS)
            for row in rows.iterator(chunk_size=2_000):
                writer.add_document(_document(row, tops))
            writer.commit()
            if last is not None:  # what was queued before the load is in it now
                SearchPending.objects.filter(id__lte=last).delete()

    def refresh(self) -> None:
        try:
            catch_up(limit=SYNC_BATCH * 5)
        except Exception:  # the queue keeps the entries; the next search or job retries
            logger.exception("search index catch-up failed")

    def problems(self, *, stale_before: datetime.datetime) -> list[EngineProblem]:
        """The index directory opens, its queue is being applied, and, once the queue is
        empty, it holds exactly the entries. A directory removed under this process is opened
        afresh (which queues every entry)."""
        try:
            path = index_path()
            if not path.is_dir() or not tantivy.Index.exists(str(path)):
                forget_indexes()  # opened afresh below: made, and every entry queued
            self.refresh()  # catch up (a bounded amount), as a search would
            held = int(self._searcher().num_docs)
        except Exception as error:
            return [EngineProblem("engine_unavailable", f"Tantivy index: {type(error).__name__}")]
        oldest = SearchPending.objects.order_by("id").values_list("queued_at", flat=True).first()
        if oldest is not None:
            queued = SearchPending.objects.count()
            if oldest < stale_before or queued > QUEUE_SLACK:
                since = oldest.isoformat(timespec="seconds")
                return [EngineProblem("queue_stuck", f"{queued} queued, the oldest at {since}")]
            return []
        entries = SearchEntry.objects.count()
        if held != entries:
            return [EngineProblem("engine_behind", f"Tantivy holds {held} of {entries} entries")]
        return []

    # ----------------------------------------------------------------------- answering

    def _searcher(self) -> tantivy.Searcher:
        index = _open()
        index.reload()
        return index.searcher()

    def answer(self, request: EngineRequest) -> EngineAnswer:
        answer, lagging = self._answer(request)
        if lagging:
            # The index offered entries the public may no longer see (an update was lost):
            # index their objects again, which removes them, and answer afresh.
            from gongkai.search.backends.database import repair

            repair(lagging)
            answer, _lagging = self._answer(request)
        return answer

    def _answer(self, request: EngineRequest) -> tuple[EngineAnswer, list[int]]:
        self.refresh()
        searcher = self._searcher()
        match = _match(request)
        # Tantivy releases the GIL: the facet counts are computed in another thread while
        # this one ranks (for a few matches they are ignored: the database counts those).
        facets = _executor().submit(_facet_counts, searcher, request, match)
        found = None
        if match is not None:
            found = searcher.search(match, EXACT_LIMIT + 1, count=True)
            if _count(found) <= EXACT_LIMIT:
                return self._answer_few(searcher, request, found), []
        # Without filters, the matches ranked above are the answer's: no second pass.
        reuse = found if request.filters.names == [] and request.sort == "relevance" else None
        return self._answer_many(searcher, request, match, reuse, facets)

    def _answer_few(self, searcher: Any, request: EngineRequest, found: Any) -> EngineAnswer:
        """All matches are known: check each against the database, then filter, count and
        order them here."""
        from gongkai.search.backends.database import exact_condition, public_entry_ids

        addresses = [address for _score, address in found.hits]
        entry_ids = searcher.fast_field_values("entry", addresses)
        scores = dict(zip(entry_ids, (score for score, _a in found.hits), strict=True))
        rows: list[dict[str, Any]] = [
            dict(row)
            for row in SearchEntry.objects.filter(id__in=public_entry_ids(entry_ids))
            .annotate(topic_parent=F("topic__parent_id"))
            .values(
                "id", "agency_id", "statutory_item_id", "topic_id", "topic_parent", "genre_id",
                "year", "validity", "kind", "published_at",
            )
        ]  # fmt: skip
        exact_ids = set()
        if request.exact_index:
            exact_ids = set(
                SearchEntry.objects.filter(
                    exact_condition(request.exact_key, request.exact_index),
                    id__in=[row["id"] for row in rows],
                ).values_list("id", flat=True)
            )
        values = {name: _row_value(name) for name in FACET_NAMES}

        def passes(row: dict[str, Any], filters: Filters) -> bool:
            return all(_row_matches(row, name, getattr(filters, name)) for name in filters.names)

        chosen = [row for row in rows if passes(row, request.filters)]
        facets: dict[str, dict[object, int]] = {}
        if request.facets:
            for name in FACET_NAMES:
                counts: dict[object, int] = {}
                scope = request.filters.without(name)
                for row in rows:
                    value = values[name](row)
                    if value not in (None, "") and passes(row, scope):
                        counts[value] = counts.get(value, 0) + 1
                facets[name] = counts

        def newest(row: dict[str, Any]) -> tuple[float, int]:
            return (_seconds(row["published_at"]), row["id"])

        if request.sort == "relevance" and request.tokens:
            chosen.sort(
                key=lambda row: (
                    row["id"] not in exact_ids,
                    -round(scores.get(row["id"], 0.0), 5),
                    *(-part for part in newest(row)),
                )
            )
        elif request.sort == "relevance":
            chosen.sort(key=lambda row: (row["id"] not in exact_ids, *(-p for p in newest(row))))
        else:
            chosen.sort(key=newest, reverse=True)
        page = [row["id"] for row in chosen[request.offset : request.offset + request.limit]]
        return EngineAnswer(
            total=len(chosen),
            ids=page,
            facets=facets,
            exact_ids=frozenset(exact_ids & set(page)),
        )

    def _answer_many(
        self,
        searcher: Any,
        request: EngineRequest,
        match: tantivy.Query | None,
        ranked: Any,
        facets: Future[dict[str, dict[object, int]]],
    ) -> tuple[EngineAnswer, list[int]]:
        """Many matches: the engine counts and ranks; the page's hits are checked."""
        from gongkai.search.backends.database import public_entry_ids

        query = _combined(match, request.filters)
        window = request.offset + request.limit + SLACK
        exact_ids: list[int] = []
        exact = _exact(request)
        if exact is not None and request.sort == "relevance":
            exact_found = searcher.search(_combined(exact, request.filters), 10, count=False)
            addresses = [address for _score, address in exact_found.hits]
            newest_first = sorted(
                zip(
                    searcher.fast_field_values("published", addresses),
                    searcher.fast_field_values("entry", addresses),
                    strict=True,
                ),
                reverse=True,
            )
            exact_ids = [entry for _published, entry in newest_first]
        if request.sort == "relevance" and request.tokens:
            enough = ranked is not None and window <= EXACT_LIMIT + 1
            found = ranked if enough else searcher.search(query, window, count=True)
            addresses = [address for _score, address in found.hits[:window]]
            published = searcher.fast_field_values("published", addresses)
            entries = searcher.fast_field_values("entry", addresses)
            ranked = sorted(
                zip(
                    (round(score, 5) for score, _a in found.hits[:window]),
                    published,
                    entries,
                    strict=True,
                ),
                reverse=True,
            )
            order = [entry for _score, _published, entry in ranked]
        else:
            found = searcher.search(query, window, count=True, order_by_field="published")
            addresses = [address for _key, address in found.hits]
            order = list(searcher.fast_field_values("entry", addresses))
        order = exact_ids + [entry for entry in order if entry not in exact_ids]
        candidates = order[request.offset :]
        public = public_entry_ids(candidates)
        lagging = [entry for entry in candidates if entry not in public]
        page = [entry for entry in candidates if entry in public][: request.limit]
        answer = EngineAnswer(
            total=max(_count(found) - len(lagging), len(page)),
            ids=page,
            facets=facets.result(),
            exact_ids=frozenset(exact_ids) & frozenset(page),
        )
        return answer, lagging

    def direct(self, tokens: Sequence[str], *, facets: bool, limit: int = 20) -> int:
        """Rank and count, and aggregate the facets beside (in another thread, as ``answer``
        does)."""
        searcher = self._searcher()
        query = _words(tokens)
        aggregated = None
        if facets:
            aggregated = _executor().submit(
                searcher.aggregate, query, {name: _terms(name) for name in FACET_NAMES}
            )
        found = searcher.search(query, limit, count=True)
        if aggregated is not None:
            aggregated.result()
        return _count(found)


_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gongkai-search")
    return _pool


def _facet_counts(
    searcher: Any, request: EngineRequest, match: tantivy.Query | None
) -> dict[str, dict[object, int]]:
    """The engine's facet counts: each facet under every filter but its own (one aggregation
    for the facets without a filter, one more for each facet with one)."""
    facets: dict[str, dict[object, int]] = {}
    if not request.facets:
        return facets
    shared = [name for name in FACET_NAMES if not request.filters.is_set(name)]
    query = _combined(match, request.filters)
    answer = searcher.aggregate(query, {name: _terms(name) for name in shared})
    for name in shared:
        facets[name] = _buckets(name, answer)
    for name in request.filters.names:
        own = searcher.aggregate(
            _combined(match, request.filters.without(name)), {name: _terms(name)}
        )
        facets[name] = _buckets(name, own)
    return facets


def _row_value(name: str) -> Any:
    if name == "topic":
        return lambda row: row["topic_parent"] or row["topic_id"]
    column = {
        "agency": "agency_id",
        "statutory_item": "statutory_item_id",
        "genre": "genre_id",
        "year": "year",
        "validity": "validity",
        "type": "kind",
    }[name]
    return lambda row: row[column]


def _row_matches(row: dict[str, Any], name: str, wanted: Any) -> bool:
    if name == "topic":
        return wanted in (row["topic_id"], row["topic_parent"])
    return bool(_row_value(name)(row) == wanted)


def forget_indexes() -> None:
    """Close the indexes this process opened (tests give each test its own directory)."""
    with _lock:
        _indexes.clear()
