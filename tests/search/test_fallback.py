"""Search without a usable index (issue 9, "Faults"): with the index missing or stale, search
answers from a slower query of the published records, with the same page, and the office is
warned (workbench banner, readiness detail, log). On every engine (``conftest``)."""

from __future__ import annotations

import shutil

import pytest
from django.db import connection
from django.urls import reverse

from gongkai.search import status
from gongkai.search.engine import SearchQuery, search
from gongkai.search.indexing import rebuild_index
from gongkai.search.models import SearchEntry
from tests.catalogue.lists_support import SENTINEL_NAME
from tests.search.fallback_support import LATE, POLICY, found
from tests.search.interaction_support import LetterDesk

pytestmark = pytest.mark.django_db


def break_engine(search_backend: str) -> None:
    """Break the engine's own structure, as a lost disk or a half-done upgrade would."""
    from gongkai.search.backends.tantivy import forget_indexes, index_path

    if search_backend.startswith("tantivy"):
        forget_indexes()
        shutil.rmtree(index_path())
        index_path().mkdir(parents=True)
        (index_path() / "meta.json").write_text("{not json")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE search_fts")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # before altering a table
            cursor.execute("ALTER TABLE search_searchentry DROP COLUMN vector")


def test_a_missing_index_falls_back_to_the_published_records(
    fallback_catalogue, search_backend, client
):
    """Issue 9, "Faults": the engine's index is broken (corrupt directory, dropped table or
    column) → the published records are searched instead, with the same page and API; the
    index counts as missing; nothing unpublished is found."""
    assert found("低保") == (False, [POLICY])
    status.forget_status()
    break_engine(search_backend)

    assert found("低保") == (True, [POLICY])
    assert status.index_status().state == status.MISSING
    assert found(SENTINEL_NAME) == (True, [])
    assert found("草稿") == (True, [])
    client.cookies["gongkai_language"] = "en"
    page = client.get(reverse("search:results"), {"q": "最低生活保障"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="search-hit"' in html and "<mark>最低生活保障</mark>" in html
    assert "search-fallback" in html
    answer = client.get("/api/v1/search", {"q": "城乡"}).json()
    assert answer["fallback"] is True and [h["title"] for h in answer["hits"]] == [POLICY]
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in answer["facets"]}
    assert facets["type"] == {"document": 1}


def test_an_empty_index_is_missing_and_a_rebuild_brings_it_back(fallback_catalogue, settings):
    settings.GONGKAI_SEARCH_STALE_SECONDS = 0  # the documents were published a moment ago
    SearchEntry.objects.all().delete()
    assert found("低保") == (True, [POLICY])
    assert status.index_status().problems[0].code == "index_empty"

    rebuild_index()
    assert found("低保") == (False, [POLICY])
    assert status.index_status().ok


def test_a_stale_index_falls_back_and_a_fresh_publication_is_not_staleness(
    fallback_catalogue, published_document, settings
):
    """Issue 9, "Faults": a document published without its index update (the process died
    after the commit) is found all the same once the grace period is over; within it, the
    index is not stale (its update may be running)."""
    published_document(title=LATE, body="<p>森林防火。</p>")  # the commit's update never ran
    assert found("防火") == (False, [])  # within the grace period: the index is trusted

    settings.GONGKAI_SEARCH_STALE_SECONDS = 0
    status.forget_status()
    assert found("防火") == (True, [LATE])
    assert "latest_not_indexed" in {p.code for p in status.index_status().problems}
    assert status.index_status().state == status.STALE

    # An older document's entry lost as well: fewer entries than public documents.
    SearchEntry.objects.filter(title="环保督察整改情况公示").delete()
    status.forget_status()
    assert found("环保") == (True, ["环保督察整改情况公示"])
    assert "entries_missing" in {p.code for p in status.index_status().problems}


def test_a_failing_engine_falls_back_and_the_index_counts_as_missing(
    fallback_catalogue, monkeypatch, search_backend
):
    from gongkai.search.backends import BACKENDS

    def fail(self, request):
        raise RuntimeError("engine failure")

    for backend in BACKENDS.values():
        monkeypatch.setattr(backend, "answer", fail)
    assert found("低保") == (True, [POLICY])
    assert [p.code for p in status.index_status().problems] == ["engine_error"]


def test_registered_sources_lists_and_filters_are_searched_too(
    agency, reviewer, staff_role_factory, agency_factory, indexed, published_document
):
    desk = LetterDesk(agency, reviewer, staff_role_factory, agency_factory)
    with indexed():
        desk.publish(
            desk.replied(
                subject="华光路路灯",
                content="华光路的路灯坏了，请尽快维修。",
                reply="您好，华光路的路灯已经修复。",
            )
        )
        published_document(title="华光路改造公告", body="<p>道路改造。</p>")
    SearchEntry.objects.all().delete()

    fallback, titles = found("华光路")
    assert fallback and sorted(titles) == ["华光路改造公告", "华光路路灯"]
    assert found("华光路", type="qa") == (True, ["华光路路灯"])
    result = search(SearchQuery(q="华光路", type="qa"))
    types = {v.value: v.count for f in result.facets if f.name == "type" for v in f.values}
    assert types == {"qa": 1, "document": 1}  # drill sideways, as the engines count
