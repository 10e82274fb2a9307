"""SQLite only: the counterpart of ``document_register_gate`` (0008, PostgreSQL's covering
index of what the normative register's public gate and table 二 read of each registered
document; issue 10, docs/performance.md "The full province on SQLite").

SQLite looks each of a province's 89,550 registrations' documents up by row id, but the
columns it needs (validity, repeal date, manner, state, agency) come after the text in the
row, so each look-up reads the document's page and, for a long text, its overflow pages. With
this index it reads the six columns from the index instead. SQLite has no ``INCLUDE``: the
columns go into the key, the agency last — before the validity, SQLite would try each of the
report's 1,000 agencies in turn for every registration."""

from django.db import migrations

from gongkai.core.migration_operations import SQLiteIndex


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0009_document_year_published")]

    operations = [
        SQLiteIndex(
            name="document_register_gate",
            sql=(
                "CREATE INDEX IF NOT EXISTS document_register_gate ON catalogue_document "
                "(id, validity, repeal_date, state, manner, agency_id)"
            ),
        )
    ]
