"""Install the statistics forms the platform ships (statistics/data/forms.json): those whose
code is missing; forms an installation has changed are left as they are
(docs/decisions/0022-statistics-forms-as-data.md)."""

from django.db import migrations


def install(apps, schema_editor):
    from gongkai.reports.statistics.definitions import install_definitions, read_definitions

    install_definitions(
        read_definitions(),
        form_model=apps.get_model("reports", "StatisticsForm"),
        field_model=apps.get_model("reports", "StatisticsField"),
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
