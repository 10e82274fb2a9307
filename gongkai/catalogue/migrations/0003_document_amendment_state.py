from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_seed_taxonomies"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="amendment_state",
            field=models.CharField(
                blank=True,
                choices=[
                    ("draft", "draft"),
                    ("submitted", "in confidentiality review"),
                    ("approved", "approved"),
                    ("published", "published"),
                    ("withdrawn", "withdrawn"),
                ],
                db_index=True,
                max_length=16,
                verbose_name="amendment state",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("amendment_state", ""),
                    models.Q(
                        ("amendment_state__in", ["draft", "submitted", "approved"]),
                        ("state", "published"),
                    ),
                    _connector="OR",
                ),
                name="document_amendment_of_published",
            ),
        ),
    ]
