"""PostgreSQL only: a covering index of the letters a year's figures count — received by its
end and not closed before its start (issue 10, docs/performance.md).

For a province's government-wide report PostgreSQL found those letters (104,365 of 500,000) by
reading every letter's row, text included (260 MB, about 0.2 s); from this index it reads the
three small columns it needs without a row (an index-only scan, about 0.05 s). Its cost is one
small entry a letter, written when the letter is received or closed. SQLite has no
``INCLUDE``: its own index of these columns is 0008's."""

from django.db import migrations

from gongkai.core.migration_operations import PostgreSQLIndex


class Migration(migrations.Migration):
    dependencies = [("interaction", "0006_letter_event_counted")]

    operations = [
        PostgreSQLIndex(
            name="letter_received_closed",
            sql=(
                "CREATE INDEX IF NOT EXISTS letter_received_closed "
                "ON interaction_letter (received_on) "
                "INCLUDE (id, closed_on)"
            ),
        )
    ]
