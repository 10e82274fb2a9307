"""``PostgreSQLIndex`` (gongkai.core.migration_operations): an index made on PostgreSQL only,
by its own statement, and undone by ``DROP INDEX``; nothing on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

from gongkai.core.migration_operations import PostgreSQLIndex

pytestmark = pytest.mark.django_db

MADE = {
    "catalogue_document": {"document_register_gate", "document_year_published"},
    "interaction_letter": {"letter_received_closed"},
}


def indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_the_migrations_made_their_indexes_on_postgresql_only():
    for table, names in MADE.items():
        found = names & indexes(table)
        assert found == (names if connection.vendor == "postgresql" else set()), table


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_an_index_is_made_and_undone():
    operation = PostgreSQLIndex(
        name="test_index_made_and_undone",
        sql="CREATE INDEX test_index_made_and_undone ON catalogue_document (published_at) "
        "INCLUDE (id)",
    )
    with connection.schema_editor() as editor:
        operation.database_forwards("catalogue", editor, None, None)
    assert "test_index_made_and_undone" in indexes("catalogue_document")
    with connection.schema_editor() as editor:
        operation.database_backwards("catalogue", editor, None, None)
    assert "test_index_made_and_undone" not in indexes("catalogue_document")
    assert operation.deconstruct() == (
        "PostgreSQLIndex",
        [],
        {"name": operation.name, "sql": operation.sql},
    )
