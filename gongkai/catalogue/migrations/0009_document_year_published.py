"""PostgreSQL only: a covering index of what the annual report counts of a year's documents —
published, interpretations, policies still lacking one (issue 10, docs/performance.md).

The year's documents are found by ``published_at``; ``document_agency_published`` (0007) leads
with the agency, which serves SQLite's plan for one agency's report, but PostgreSQL counting a
province's year (198,878 of 1,000,000 documents, a thousand agencies) read every document's row
instead — 1.6 GB carrying their text, 0.50 s on a quiet machine. From this index it reads the
year's entries alone and needs no row (an index-only scan): 0.26 s. Its cost is one more small
entry a document, written when its publication, agency, state, manner, kind or need of an
interpretation changes. SQLite has no ``INCLUDE`` and its plan needs none, so none is made
there."""

from django.db import migrations

from gongkai.core.migration_operations import PostgreSQLIndex


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0008_document_register_gate")]

    operations = [
        PostgreSQLIndex(
            name="document_year_published",
            sql=(
                "CREATE INDEX IF NOT EXISTS document_year_published "
                "ON catalogue_document (published_at) "
                "INCLUDE (id, agency_id, state, manner, kind, needs_interpretation)"
            ),
        )
    ]
