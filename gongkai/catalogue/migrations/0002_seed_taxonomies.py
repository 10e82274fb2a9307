"""Statutory items, topics, genres, portal columns and secrecy markings of a new installation."""

from django.db import migrations

from gongkai.catalogue.data import taxonomies as data


def seed(apps, schema_editor):
    StatutoryItem = apps.get_model("catalogue", "StatutoryItem")
    Topic = apps.get_model("catalogue", "Topic")
    Genre = apps.get_model("catalogue", "Genre")
    Column = apps.get_model("catalogue", "Column")
    SensitiveTerm = apps.get_model("catalogue", "SensitiveTerm")
    for order, (code, article, number, scope, name) in enumerate(data.STATUTORY_ITEMS):
        StatutoryItem.objects.update_or_create(
            code=code,
            defaults={"article": article, "number": number, "scope": scope, "name": name,
                      "sort_order": order},
        )
    for order, (code, name, children) in enumerate(data.TOPICS):
        parent, _ = Topic.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order * 100}
        )
        for child_order, (child_code, child_name) in enumerate(children):
            Topic.objects.update_or_create(
                code=child_code,
                defaults={"name": child_name, "parent": parent,
                          "sort_order": order * 100 + child_order + 1},
            )
    for order, (code, name) in enumerate(data.GENRES):
        Genre.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, (slug, name, kind, parent_slug, home) in enumerate(data.COLUMNS):
        Column.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "sort_order": order, "on_home_page": home,
                      "parent": Column.objects.get(slug=parent_slug) if parent_slug else None},
        )
    for term in data.SECRECY_MARKINGS:
        SensitiveTerm.objects.get_or_create(term=term, kind="secrecy")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
