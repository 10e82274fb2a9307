"""SQLite only: the counterpart of ``letter_received_closed`` (0007, PostgreSQL's covering
index of the letters a year's figures count — received by its end and not closed before its
start; issue 10, docs/performance.md "The full province on SQLite").

For the government-wide report SQLite read every letter's row, text included, to find them;
from this index (the letter's id is its row id, in every SQLite index) it reads the two dates
and the id only. SQLite has no ``INCLUDE``: the closing date goes into the key."""

from django.db import migrations

from gongkai.core.migration_operations import SQLiteIndex


class Migration(migrations.Migration):
    dependencies = [("interaction", "0007_letter_received_closed")]

    operations = [
        SQLiteIndex(
            name="letter_received_closed",
            sql=(
                "CREATE INDEX IF NOT EXISTS letter_received_closed "
                "ON interaction_letter (received_on, closed_on)"
            ),
        )
    ]
