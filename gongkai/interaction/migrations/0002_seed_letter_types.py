"""The default letter types of a new installation (REGULATION.md §1)."""

from django.db import migrations

from gongkai.interaction.letters.defaults import seed


class Migration(migrations.Migration):
    dependencies = [("interaction", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
