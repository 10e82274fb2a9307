"""The pre-configured structured-list types: power list, procurement, housing, land notices."""

from django.db import migrations


def seed(apps, schema_editor):
    from gongkai.catalogue.data.record_types import seed_record_types

    seed_record_types(
        *(
            apps.get_model("catalogue", name)
            for name in ("RecordType", "RecordField", "Column", "StatutoryItem")
        )
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_attachment_pending_change")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
