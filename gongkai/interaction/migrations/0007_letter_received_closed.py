"""PostgreSQL only: a covering index of the letters a year's figures count — received by its
end and not closed before its start (issue 10, docs/performance.md).

For a province's government-wide report PostgreSQL found those letters (104,365 of 500,000) by
reading every letter's row, text included (260 MB, about 0.2 s); from this index it reads the
three small columns it needs without a row (an index-only scan, about 0.05 s). Its cost is one
small entry a letter, written when the letter is received or closed. SQLite has no
``INCLUDE``, and an agency's report finds its letters by the agency, so none is made there."""

from django.db import migrations

INDEX = "letter_received_closed"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON interaction_letter (received_on) "
            "INCLUDE (id, closed_on)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("interaction", "0006_letter_event_counted")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
