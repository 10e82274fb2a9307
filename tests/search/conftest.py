"""Search fixtures: the catalogue's fixtures (documents published through the services) and a
helper that runs the index updates a commit would run."""

from __future__ import annotations

import pytest

from tests.catalogue.conftest import (  # noqa: F401 - fixtures
    _media_root,
    document_factory,
    editor,
    publish,
    published_document,
    reviewer,
)


@pytest.fixture(autouse=True, params=["tantivy", "tantivy-counting", "database"])
def search_backend(request, settings, monkeypatch):
    """Every search test runs on the embedded engine and on the database's own full-text
    search (FTS5 or PostgreSQL, whichever database the suite runs on). ``tantivy-counting``
    is the embedded engine as it answers a common word: the engine counts the matches and the
    facets, the database checks the page's hits."""
    if request.param == "tantivy-counting":
        monkeypatch.setattr("gongkai.search.backends.tantivy.EXACT_LIMIT", 0)
    settings.GONGKAI_SEARCH_BACKEND = request.param.removesuffix("-counting")
    return request.param


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """A context manager: what happens inside is committed, as far as the index is concerned."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def fallback_catalogue(request, indexed):
    """For the fallback tests: two public documents in the index, and a draft and a withdrawn
    document holding the sentinel name."""
    from gongkai.catalogue import services
    from tests.catalogue.lists_support import SENTINEL_NAME
    from tests.search.fallback_support import POLICY

    make_public = request.getfixturevalue("published_document")
    draft = request.getfixturevalue("document_factory")

    with indexed():
        make_public(title=POLICY, body="<p>城乡居民最低生活保障标准提高。</p>")
        make_public(title="环保督察整改情况公示", body="<p>生态环境保护。</p>")
        draft(title=f"草稿 低保 {SENTINEL_NAME}")
        gone = make_public(title=f"低保对象名单 {SENTINEL_NAME}")
        services.withdraw_document(
            gone, actor=request.getfixturevalue("reviewer"), reason="含个人信息"
        )
