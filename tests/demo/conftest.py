"""The demonstration district, loaded ONCE for every test of this package.

``manage.py load_demo`` runs some 180,000 queries. Each capability's demonstration tests used to
load the parts they read in a module-scoped fixture, and with pytest-xdist spreading a module's
tests over both workers many loads ran twice: together they were most of the suite's time. Here
the whole demonstration is loaded once, as ``make demo`` loads it, on 2026-11-27 at 10:00 in
Beijing (a Friday, the day the supervision stories are told from), inside a transaction that is
rolled back when the package's last test has run; each test runs in a savepoint of it, and at
that same moment.

Under pytest-xdist the package is one unit of work, given to one worker before the other tests
(``pytest_xdist_make_scheduler`` in ``tests/conftest.py``), so the demonstration is loaded once.
"""

from __future__ import annotations

import datetime
import io
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

NOW = datetime.datetime(2026, 11, 27, 2, tzinfo=datetime.UTC)  # 10:00 in Beijing
TODAY = datetime.date(2026, 11, 27)
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the suite's tests


@dataclass(frozen=True)
class Loaded:
    output: str  # what load_demo printed
    seconds: float


@dataclass(frozen=True)
class Reloaded:
    output: str  # what the second load_demo printed
    before: dict[str, list[tuple[object, ...]]]  # every row of every model, by model label
    after: dict[str, list[tuple[object, ...]]]


@pytest.fixture(scope="package")
def demo_index_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("demo-search-index")


@pytest.fixture(scope="package")
def district(django_db_setup, django_db_blocker, demo_index_dir):
    """The whole demonstration, loaded by ``load_demo`` once for the package."""
    from gongkai.search.backends.tantivy import forget_indexes

    with (
        django_db_blocker.unblock(),
        override_settings(
            DEMO_MODE=True, PASSWORD_HASHERS=FAST_HASHING, GONGKAI_SEARCH_INDEX_DIR=demo_index_dir
        ),
        time_machine.travel(NOW, tick=False),
        translation.override("en"),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            started = time.monotonic()
            call_command("load_demo", stdout=out)
            yield Loaded(output=out.getvalue(), seconds=time.monotonic() - started)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            forget_indexes()


# Rebuilt whole by the search loader on every load: compared without their row ids.
REBUILT = {"search.SearchEntry"}


def every_row() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every model (and of every many-to-many table), ordered by key."""
    rows: dict[str, list[tuple[object, ...]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        label = model._meta.label
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if not (label in REBUILT and field.primary_key)
        ]
        if label in REBUILT:
            rows[label] = sorted(
                model._base_manager.values_list(*fields), key=lambda row: tuple(map(str, row))
            )
        else:
            pk = model._meta.pk.attname
            rows[label] = list(model._base_manager.order_by(pk).values_list(*fields))
    return rows


@pytest.fixture(scope="package")
def reloaded(district, django_db_blocker):
    """``load_demo`` run a second time over the first, with every row before and after."""
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_MODE=True, PASSWORD_HASHERS=FAST_HASHING),
        time_machine.travel(NOW, tick=False),
        translation.override("en"),
    ):
        before = every_row()
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        return Reloaded(output=out.getvalue(), before=before, after=every_row())


@pytest.fixture(autouse=True)
def _own_search_index(settings, demo_index_dir):
    """The demonstration's own index (the suite's fixture of this name gives each test an empty
    one): the search loader built it, and the tests here only read it."""
    settings.GONGKAI_SEARCH_INDEX_DIR = demo_index_dir


@pytest.fixture(autouse=True)
def _at_the_demonstrations_moment():
    with time_machine.travel(NOW, tick=False):
        yield


def assert_unchanged(reloaded: Reloaded, app_label: str) -> None:
    """Every row of every model of ``app_label`` is as the first load left it."""
    labels = [label for label in reloaded.before if label.split(".")[0] == app_label]
    assert labels, app_label
    for label in labels:
        assert reloaded.after[label] == reloaded.before[label], label
