"""PostgreSQL only: a covering index of what the normative register's public gate and the
annual report's table 二 read of each registered document (issue 10, docs/performance.md).

PostgreSQL joins a province's 89,550 registrations to their documents by reading every
document's row — 1,000,000 rows carrying their text, 1.6 GB — whatever form the query takes:
its planner prices 89,550 lookups by key above one pass over the table. With this index the
pass reads the index instead (73 MB). SQLite looks each registration's document up by its
row id; its own index of these columns, in its own shape, is 0010's."""

from django.db import migrations

from gongkai.core.migration_operations import PostgreSQLIndex


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0007_document_agency_published")]

    operations = [
        PostgreSQLIndex(
            name="document_register_gate",
            sql=(
                "CREATE INDEX IF NOT EXISTS document_register_gate "
                "ON catalogue_document (id) "
                "INCLUDE (agency_id, state, manner, validity, repeal_date)"
            ),
        )
    ]
