"""The full-text structure of the database in use: an FTS5 table on SQLite, a generated
``tsvector`` column with a GIN index on PostgreSQL. Neither is known to Django's model state:
the backends in ``gongkai.search.backends`` own them."""

from django.db import migrations

from gongkai.search.backends import postgres, sqlite


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(sqlite.CREATE_SQL)
    elif vendor == "postgresql":
        for statement in postgres.ADD_SQL:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(sqlite.DROP_SQL)
    elif vendor == "postgresql":
        for statement in postgres.DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
