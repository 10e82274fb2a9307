"""Many rows into one table (gongkai.core.bulk_insert): ``COPY`` on PostgreSQL, ``executemany``
elsewhere — the same rows either way, and the public page cache told of the write even though
PostgreSQL's ``COPY`` is not an ``execute`` its write watcher sees (decision 0033)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from gongkai.catalogue.models import Genre, PageVisit
from gongkai.core import page_cache
from gongkai.core.bulk_insert import insert_rows

pytestmark = pytest.mark.django_db


def _quoted(*names: str) -> list[str]:
    return [connection.ops.quote_name(name) for name in names]


def _insert_genres(rows) -> None:
    with connection.cursor() as cursor:
        insert_rows(
            cursor,
            connection.ops.quote_name(Genre._meta.db_table),
            _quoted("code", "name", "sort_order"),
            rows,
        )


def test_the_rows_are_stored_as_an_insert_stores_them(django_capture_on_commit_callbacks):
    rows = [("tongzhi-x", "通知（测试）", 7), ("yijian-x", "意见 \\ \t tab", 0)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _insert_genres(rows)
    stored = Genre.objects.filter(code__in=["tongzhi-x", "yijian-x"]).order_by("code")
    assert [(g.code, g.name, g.sort_order) for g in stored] == rows


def test_a_write_to_a_public_table_moves_the_page_cache_on_after_the_commit(
    django_capture_on_commit_callbacks,
):
    before = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _insert_genres([("gonggao-x", "公告（测试）", 1)])
        assert page_cache.current_generation() == before  # not before the commit
    assert page_cache.current_generation() == before + 1


def test_a_write_to_a_private_table_leaves_the_page_cache_alone(
    django_capture_on_commit_callbacks,
):
    before = page_cache.current_generation()
    table = connection.ops.quote_name(PageVisit._meta.db_table)
    rows = [("/x/", "2026-11-28", 3)]
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        insert_rows(cursor, table, _quoted("path", "day", "count"), rows)
    assert PageVisit.objects.get(path="/x/").count == 3
    assert page_cache.current_generation() == before


def test_no_rows_write_nothing():
    before = page_cache.current_generation()
    _insert_genres([])
    assert page_cache.current_generation() == before
