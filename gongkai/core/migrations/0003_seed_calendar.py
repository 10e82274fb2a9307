"""Seed the working-day calendar from the installed ``chinesecalendar`` package.

Every year the package knows becomes a ``CalendarYear`` (source ``package``) with its holidays
and swapped working days. Later package releases are picked up by ``manage.py seed_calendar``,
which leaves years imported or entered by the administrator alone.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from gongkai.core.calendar import seed_from_package

    seed_from_package(apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay"))


def unseed(apps, schema_editor):
    calendar_year = apps.get_model("core", "CalendarYear")
    calendar_day = apps.get_model("core", "CalendarDay")
    for year in calendar_year.objects.filter(source="package").values_list("year", flat=True):
        calendar_day.objects.filter(date__year=year).delete()
    calendar_year.objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [migrations.RunPython(seed, unseed, elidable=False)]
