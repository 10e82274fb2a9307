"""What pages share (gongkai.core.shared_cache): a value is kept until public data next changes,
never inside a transaction, never when switched off, never when built from a lagging replica."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.template import Context, Template
from django.utils import translation

from gongkai.core import db_router, shared_cache
from gongkai.core.page_cache import invalidate_public_pages

# Outside the test's own transaction: the cache serves nothing inside one.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _shared_cache_on(settings):
    settings.GONGKAI_SHARED_CACHE = True
    shared_cache.forget()
    yield
    shared_cache.forget()


class Builds:
    """A value builder that counts its calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        self.count += 1
        return self.count


def test_a_value_is_kept_until_public_data_changes():
    build = Builds()
    assert shared_cache.until_public_change("test.value", build) == 1
    assert shared_cache.until_public_change("test.value", build) == 1
    invalidate_public_pages()  # what a committed write to a public table does
    assert shared_cache.until_public_change("test.value", build) == 2
    assert build.count == 2


def test_a_committed_write_to_a_public_table_makes_the_value_stale(agency_factory):
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    agency_factory(name="新设的单位")  # committed at once (autocommit)
    assert shared_cache.until_public_change("test.value", build) == 2


def test_nothing_is_kept_when_switched_off(settings):
    settings.GONGKAI_SHARED_CACHE = False
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    shared_cache.until_public_change("test.value", build)
    assert build.count == 2


def test_a_transaction_reads_the_database_not_the_kept_value():
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    with transaction.atomic():  # it may have written what the kept value predates
        assert shared_cache.until_public_change("test.value", build) == 2
    assert shared_cache.until_public_change("test.value", build) == 1  # kept, unchanged


def test_a_value_read_from_a_lagging_replica_is_not_kept(monkeypatch):
    monkeypatch.setattr(db_router, "read_from_replica", lambda: True)
    invalidate_public_pages()  # just changed: a replica may not have it yet
    build = Builds()
    shared_cache.until_public_change("test.value", build)
    shared_cache.until_public_change("test.value", build)
    assert build.count == 2


def test_a_fragment_is_kept_per_language_and_per_value_it_varies_on():
    template = Template(
        "{% load i18n shared_cache %}"
        '{% shared_fragment "test.fragment" mode %}{% translate "Home" %} {{ n }}'
        "{% endshared_fragment %}"
    )
    with translation.override("en"):
        assert template.render(Context({"mode": 1, "n": 1})) == "Home 1"
        assert template.render(Context({"mode": 1, "n": 2})) == "Home 1"  # kept
        assert template.render(Context({"mode": 2, "n": 3})) == "Home 3"  # varies on mode
    with translation.override("zh-hans"):
        assert template.render(Context({"mode": 1, "n": 4})) == "首页 4"
    invalidate_public_pages()
    with translation.override("en"):
        assert template.render(Context({"mode": 1, "n": 5})) == "Home 5"
