"""``search_searchentry.vector`` becomes a plain column (PostgreSQL only), filled by the
PostgreSQL engine alone: as a generated column it was computed for every entry even when
another engine (Tantivy) serves the searches. ``DROP EXPRESSION`` keeps the values there."""

from django.db import migrations

from gongkai.search.backends import postgres


def plain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgres.PLAIN_SQL)


def generated(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in postgres.GENERATED_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_pending")]

    operations = [migrations.RunPython(plain, generated)]
