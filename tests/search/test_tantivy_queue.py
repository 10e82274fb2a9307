"""The embedded engine's queue: the index catches up before it answers, fills a new directory
by itself, survives a writer held by another process, and repairs an entry that fails the
public check."""

from __future__ import annotations

import pytest

from gongkai.search.engine import SearchQuery, search
from gongkai.search.models import SearchEntry, SearchPending

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    return [hit.title for hit in search(SearchQuery(q=q)).hits]


@pytest.fixture
def search_backend(settings):
    """The queue belongs to the embedded engine: these tests run on it alone."""
    settings.GONGKAI_SEARCH_BACKEND = "tantivy"
    return "tantivy"


def test_the_engine_catches_up_with_the_queue_before_answering(
    published_document, indexed, monkeypatch
):
    from gongkai.search.backends.tantivy import TantivyBackend

    # The entry is written and queued, but the catch-up after the commit never ran (the
    # process died, say): the entry stays queued.
    with monkeypatch.context() as patch:
        patch.setattr(TantivyBackend, "refresh", lambda self: None)
        with indexed():
            published_document(title="防汛抗旱应急预案")
    assert SearchPending.objects.exists()

    assert titles("防汛") == ["防汛抗旱应急预案"]
    assert not SearchPending.objects.exists()


def test_a_new_index_directory_fills_itself_from_the_database(
    published_document, indexed, settings, tmp_path
):
    with indexed():
        published_document(title="森林防火禁火令")
    SearchPending.objects.all().delete()
    settings.GONGKAI_SEARCH_INDEX_DIR = tmp_path / "elsewhere"  # a new machine, say

    assert titles("防火") == ["森林防火禁火令"]


def test_a_writer_held_elsewhere_delays_the_index_but_never_breaks_a_search(
    published_document, indexed
):
    from gongkai.search.backends import tantivy as engine

    with indexed():
        published_document(title="春季植树造林通知")
    held = engine._open().writer(engine.SYNC_HEAP, 1)  # another process is writing
    try:
        with indexed():
            published_document(title="秋季森林防火通知")
        assert titles("造林") == ["春季植树造林通知"]
        assert titles("防火") == []  # not in the index yet; the queue keeps it
        assert SearchPending.objects.exists()
    finally:
        held.wait_merging_threads()
    assert titles("防火") == ["秋季森林防火通知"]


def test_a_lagging_index_is_repaired_when_a_hit_fails_the_check(
    published_document, indexed, reviewer, monkeypatch
):
    from gongkai.catalogue import services
    from gongkai.search.backends import tantivy as engine

    monkeypatch.setattr(engine, "EXACT_LIMIT", 0)  # count in the engine, as for a common word
    with indexed():
        kept = published_document(title="粮食安全工作方案")
        gone = published_document(title="粮食收购公告")
    services.withdraw_document(gone, actor=reviewer, reason="错误")  # no index update ran

    result = search(SearchQuery(q="粮食"))
    assert [hit.title for hit in result.hits] == [kept.title]
    assert result.total == 1
    assert not SearchEntry.objects.filter(object_id=gone.pk).exists()  # repaired


def test_a_queue_nobody_applies_makes_the_index_stale_and_search_falls_back(
    published_document, indexed
):
    """Issue 9, "Faults": the writer is held for long (a stuck process): once the oldest
    queued entry is older than the grace period, the index is stale and search answers from
    the published records, finding what the index still lacks."""
    import datetime

    from django.utils import timezone

    from gongkai.search import status
    from gongkai.search.backends import tantivy as engine

    with indexed():
        published_document(title="春季植树造林通知")
    held = engine._open().writer(engine.SYNC_HEAP, 1)
    try:
        with indexed():
            published_document(title="秋季森林防火通知")
        assert titles("防火") == []  # queued a moment ago: the index is only behind
        SearchPending.objects.update(queued_at=timezone.now() - datetime.timedelta(hours=1))
        status.forget_status()

        result = search(SearchQuery(q="防火"))
        assert result.fallback and [hit.title for hit in result.hits] == ["秋季森林防火通知"]
        assert [p.code for p in status.index_status().problems] == ["queue_stuck"]
    finally:
        held.wait_merging_threads()
    status.forget_status()
    assert titles("防火") == ["秋季森林防火通知"]
    assert not search(SearchQuery(q="防火")).fallback
