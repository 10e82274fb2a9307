"""PostgreSQL full-text search over pre-segmented text with the ``simple`` configuration.

``search_searchentry.vector`` (title A, metadata B, body C) has a GIN index (migrations 0002
and 0004). It is a plain column that only this engine fills, when it writes an entry or after a
full rebuild: with another engine in use, PostgreSQL computes no ``tsvector`` at all (as a
generated column it cost the Tantivy rebuild three quarters of its time). Each query token
becomes ``phraseto_tsquery('simple', token)``: the
token goes in as a parameter and is parsed the same way as the document text, so ``pm2.5``
and ``2014年`` match themselves and no character of the query is an operator.
"""

# SQL here is built from constants and placeholders only; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import DatabaseError, connection

from gongkai.search.backends.base import EngineProblem, Sql, tolerant_read
from gongkai.search.backends.database import DatabaseBackend

VECTOR_SQL = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(title_tokens, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(meta_tokens, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(body_tokens, '')), 'C')"
)
CREATE_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS search_entry_vector ON search_searchentry USING gin (vector)"
)
# Migration 0002 made the column generated; 0004 turns it into a plain one (keeping its values).
ADD_SQL = [
    "ALTER TABLE search_searchentry ADD COLUMN IF NOT EXISTS vector tsvector GENERATED ALWAYS AS ("
    f"{VECTOR_SQL}) STORED",
    CREATE_INDEX_SQL,
]
PLAIN_SQL = "ALTER TABLE search_searchentry ALTER COLUMN vector DROP EXPRESSION IF EXISTS"
GENERATED_SQL = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
    *ADD_SQL,
]
DROP_SQL = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
]


def tsquery_sql(tokens: Sequence[str], *, any_word: bool = False) -> Sql:
    """A tsquery requiring every token (or any, with ``any_word``), tokens as parameters."""
    parts = ["phraseto_tsquery('simple'::regconfig, %s)"] * len(tokens)
    operator = " || " if any_word else " && "
    return "(" + operator.join(parts) + ")", list(tokens)


class PostgresBackend(DatabaseBackend):
    name = "postgres"
    vendors = ("postgresql",)

    def write(self, entry_ids: Sequence[int]) -> None:
        """Compute the vector of these (new or rewritten) entries."""
        if not entry_ids:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE search_searchentry SET vector = {VECTOR_SQL} WHERE id = ANY(%s)",
                [list(entry_ids)],
            )

    def delete(self, entry_ids: Sequence[int]) -> None:
        return None  # the vector goes with its row

    def clear(self) -> None:
        """Before a full rebuild: drop the GIN index (building it once at the end is much
        faster than updating it a million times)."""
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS search_entry_vector")

    def rebuilt(self) -> None:
        with connection.cursor() as cursor:
            # Inside an outer transaction, the entries' deferred foreign-key checks must run
            # before PostgreSQL builds an index on their table.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"UPDATE search_searchentry SET vector = {VECTOR_SQL}")
            cursor.execute(CREATE_INDEX_SQL)

    def problems(self, *, stale_before: datetime.datetime) -> list[EngineProblem]:
        """The ``vector`` column is there and computed for every entry (only this engine
        fills it: entries written while another engine was configured have none)."""
        try:
            with tolerant_read(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM search_searchentry WHERE vector IS NULL")
                without = int(cursor.fetchone()[0])
        except DatabaseError as error:
            return [EngineProblem("engine_unavailable", f"vector column: {type(error).__name__}")]
        if without:
            return [EngineProblem("engine_behind", f"{without} entries without a text vector")]
        return []

    def match_sql(self, tokens: Sequence[str], *, any_word: bool = False) -> Sql:
        query, params = tsquery_sql(tokens, any_word=any_word)
        return f"SELECT id FROM search_searchentry WHERE vector @@ {query}", params

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
        query, query_params = tsquery_sql(tokens, any_word=any_word)
        sql = (
            f"SELECT e.id FROM search_searchentry e WHERE e.id IN ({within_sql}) "
            "ORDER BY CASE WHEN e.doc_number_key = %s OR e.index_number = %s THEN 0 ELSE 1 END, "
            f"ts_rank_cd(e.vector, {query}) DESC, e.published_at DESC NULLS LAST, e.id DESC "
            "LIMIT %s OFFSET %s"
        )
        params = [*within_params, exact_key, exact_index, *query_params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
