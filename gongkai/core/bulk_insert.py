"""Many rows into one table: ``COPY`` on PostgreSQL, one ``executemany`` elsewhere.

Django's PostgreSQL cursors bind parameters on the client (psycopg's ``ClientCursor``), so an
``executemany`` of an INSERT sends every row as its own statement with its values written into
the text: the server parses and plans each one again. For a bulk import (four tables of a
hundred thousand rows, and the search index's two) that was most of the server's CPU and about
half of the import's wall time (issue 10, docs/performance.md "Bulk import"). ``COPY … FROM
STDIN`` sends the rows as one stream that the server reads without a statement a row; the rows
stored are the same (each value is written in its type's text form and read by the column's
type as an INSERT's literal is, columns left out take their defaults, the table's triggers —
the foreign-key checks among them — and indexes are maintained as for an INSERT).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gongkai.core.page_cache import changes_public_data, public_data_written


def insert_rows(
    cursor: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT ``rows`` (values in the order of ``columns``, names already quoted) into
    ``table`` with the Django ``cursor`` given; nothing is returned."""
    if not rows:
        return
    names = ", ".join(columns)
    if cursor.db.vendor == "postgresql":
        if cursor.db.in_atomic_block and _has_lz4(cursor):
            # Long texts (a document's body, its version's, the index entry's tokens) are
            # compressed as they are stored: LZ4 takes about half of pglz's CPU (the server's
            # default) for the same values read back. For this transaction only.
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
        # The psycopg cursor under Django's wrapper: ``COPY`` is not an ``execute``.
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # Not seen by the execute wrappers: tell the public page cache (decision 0033) as
        # ``watch_writes`` would have for the INSERT.
        if changes_public_data(f"INSERT INTO {table}"):
            public_data_written(cursor.db)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _has_lz4(cursor: Any) -> bool:
    """Whether this PostgreSQL server was built with LZ4 (asked once a connection)."""
    known = getattr(cursor.db, "_gongkai_lz4", None)
    if known is None:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        known = cursor.db._gongkai_lz4 = bool(row and row[0])
    return bool(known)
