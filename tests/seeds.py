"""The reference data the data migrations seed, for transactional tests: the flush after each
one empties every table, including what the migrations seeded."""

from __future__ import annotations

from importlib import import_module

SEED_MIGRATIONS = [
    "gongkai.core.migrations.0003_seed_calendar",
    "gongkai.catalogue.migrations.0002_seed_taxonomies",
    "gongkai.catalogue.migrations.0006_seed_record_types",
    "gongkai.interaction.migrations.0002_seed_letter_types",
]


def reseed() -> None:
    """Run the seed migrations' functions again (they are idempotent)."""
    from django.apps import apps

    from gongkai.core.workdays import reload_calendar

    for module in SEED_MIGRATIONS:
        import_module(module).seed(apps, None)
    reload_calendar()
