# The annual report's count of a year's public documents, read from the index alone (issue 10).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_seed_record_types"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                fields=["agency", "state", "published_at", "manner", "kind", "needs_interpretation"],
                name="document_agency_published",
            ),
        ),
    ]
