"""``PostgreSQLIndex`` and ``SQLiteIndex`` (gongkai.core.migration_operations): an index made
on one database only, by its own statement, and undone by ``DROP INDEX``; nothing on the
other."""

from __future__ import annotations

import pytest
from django.db import connection

from gongkai.core.migration_operations import PostgreSQLIndex, SQLiteIndex

pytestmark = pytest.mark.django_db

MADE = {  # the databases each index is made on (in its own shape on each)
    "catalogue_document": {
        "document_register_gate": {"postgresql", "sqlite"},
        "document_year_published": {"postgresql"},
    },
    "interaction_letter": {"letter_received_closed": {"postgresql", "sqlite"}},
}


def indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_the_migrations_made_their_indexes_on_their_database_only():
    for table, made in MADE.items():
        expected = {name for name, vendors in made.items() if connection.vendor in vendors}
        assert set(made) & indexes(table) == expected, table


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the shape is SQLite's")
def test_sqlite_reads_the_register_gate_from_the_index_trying_no_agency_in_turn():
    # The agency comes after the validity: first, SQLite would probe each of a report's
    # agencies for every registration (docs/performance.md).
    columns = connection.introspection.get_constraints(connection.cursor(), "catalogue_document")[
        "document_register_gate"
    ]["columns"]
    assert columns == ["id", "validity", "repeal_date", "state", "manner", "agency_id"]


class _Editor:
    """What the operations use of a schema editor: the connection and ``execute``."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.parametrize("operation_class", [PostgreSQLIndex, SQLiteIndex])
def test_an_index_is_made_and_undone_on_its_database_only(operation_class):
    operation = operation_class(
        name="test_index_made_and_undone",
        sql="CREATE INDEX test_index_made_and_undone ON catalogue_document (published_at)",
    )
    editor = _Editor()  # SQLite's own schema editor refuses to run inside a test's transaction
    operation.database_forwards("catalogue", editor, None, None)
    made = "test_index_made_and_undone" in indexes("catalogue_document")
    assert made == (connection.vendor == operation.vendor)
    operation.database_backwards("catalogue", editor, None, None)
    assert "test_index_made_and_undone" not in indexes("catalogue_document")
    assert operation.deconstruct() == (
        operation_class.__name__,
        [],
        {"name": operation.name, "sql": operation.sql},
    )


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
