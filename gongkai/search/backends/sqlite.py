"""SQLite FTS5 over pre-segmented text, ranked by bm25 (title above metadata above body)."""

# SQL here is built from constants and placeholders only; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import DatabaseError, connection

from gongkai.search.backends.base import EngineProblem, Sql, tolerant_read
from gongkai.search.backends.database import DatabaseBackend
from gongkai.search.models import SearchEntry

FTS_TABLE = "search_fts"
# Tokens are already cut and joined by spaces; the tokenizer only splits on separators and keeps
# inner dots (pm2.5, v1.2), so a token in the index is the token the segmenter made.
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, meta, body, tokenize=\"unicode61 remove_diacritics 0 tokenchars '.'\")"
)
DROP_SQL = f"DROP TABLE IF EXISTS {FTS_TABLE}"
WEIGHTS = (10.0, 4.0, 1.0)  # title, meta, body


def match_expression(tokens: Sequence[str], *, any_word: bool = False) -> str:
    """An FTS5 MATCH expression requiring every token (or any, with ``any_word``): each one a
    quoted string.

    Inside double quotes FTS5 reads no operator (AND, NEAR, *, ^, :, -); a quote is doubled.
    """
    joiner = " OR " if any_word else " "
    return joiner.join('"' + token.replace('"', '""') + '"' for token in tokens)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


class SqliteBackend(DatabaseBackend):
    name = "sqlite"
    vendors = ("sqlite",)

    def write(self, entry_ids: Sequence[int]) -> None:
        if not entry_ids:
            return
        ids = list(entry_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({_placeholders(len(ids))})", ids
            )
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, meta, body) "
                "SELECT id, title_tokens, meta_tokens, body_tokens FROM search_searchentry "
                f"WHERE id IN ({_placeholders(len(ids))})",
                ids,
            )

    def delete(self, entry_ids: Sequence[int]) -> None:
        if not entry_ids:
            return
        ids = list(entry_ids)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({_placeholders(len(ids))})", ids
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:  # faster than deleting a million rows one by one
            cursor.execute(DROP_SQL)
            cursor.execute(CREATE_SQL)

    def rebuilt(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, meta, body) "
                "SELECT id, title_tokens, meta_tokens, body_tokens FROM search_searchentry"
            )

    def problems(self, *, stale_before: datetime.datetime) -> list[EngineProblem]:
        """The FTS5 table is there and holds a row for every entry (the table is filled only
        by this engine: entries written while another engine was configured are not in it)."""
        try:
            with tolerant_read(), connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
                held = int(cursor.fetchone()[0])
        except DatabaseError as error:
            return [EngineProblem("engine_unavailable", f"FTS5 table: {type(error).__name__}")]
        entries = SearchEntry.objects.count()
        if held != entries:
            return [EngineProblem("engine_behind", f"FTS5 holds {held} of {entries} entries")]
        return []

    def match_sql(self, tokens: Sequence[str], *, any_word: bool = False) -> Sql:
        return (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            [match_expression(tokens, any_word=any_word)],
        )

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
        within_sql, within_params = within
        weights = ", ".join(str(weight) for weight in WEIGHTS)
        sql = (
            "SELECT e.id FROM search_searchentry e LEFT JOIN ("
            f"SELECT rowid AS rid, bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s) m ON m.rid = e.id "
            f"WHERE e.id IN ({within_sql}) "
            "ORDER BY CASE WHEN e.doc_number_key = %s OR e.index_number = %s THEN 0 ELSE 1 END, "
            "COALESCE(m.score, 0) ASC, e.published_at DESC, e.id DESC LIMIT %s OFFSET %s"
        )
        params = [
            match_expression(tokens, any_word=any_word),
            *within_params,
            exact_key,
            exact_index,
            limit,
            offset,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
