"""The index follows every change that shows in a hit (attachments, interpretation links), and
the fallback to any word when nothing holds them all; on both engines."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalogue.models import Attachment, Document
from gongkai.search.engine import SearchQuery, search

pytestmark = pytest.mark.django_db


def titles(q: str, **filters) -> list[str]:
    return [hit.title for hit in search(SearchQuery(q=q, **filters)).hits]


def test_an_attachment_s_text_is_found_once_it_changes(published_document, indexed):
    with indexed():
        document = published_document(title="年度部门预算公开", body="<p>预算。</p>")
    assert titles("三公经费") == []

    with indexed():
        attachment = Attachment.objects.create(
            document=document, file="attachments/00/budget.pdf", original_name="预算表.pdf",
            content_type="application/pdf", size=10, sha256="0" * 64,
            text="因公出国（境）费、公务接待费等三公经费支出情况",
        )  # fmt: skip
    assert titles("三公经费") == ["年度部门预算公开"]

    with indexed():
        attachment.delete()
    assert titles("三公经费") == []


def test_an_interpretation_is_found_by_the_policy_it_explains(published_document, indexed):
    with indexed():
        policy = published_document(title="城乡居民最低生活保障办法")
        explainer = published_document(
            title="一图读懂", body="<p>图解。</p>", kind=Document.Kind.INTERPRETATION
        )
    assert titles("最低生活保障") == ["城乡居民最低生活保障办法"]

    with indexed():
        explainer.interprets.add(policy)
    assert sorted(titles("最低生活保障")) == ["一图读懂", "城乡居民最低生活保障办法"]

    with indexed():
        policy.interpretations.clear()
    assert titles("最低生活保障") == ["城乡居民最低生活保障办法"]


def test_when_no_document_holds_every_word_the_hits_hold_some(published_document, indexed, client):
    with indexed():
        published_document(title="2014年安全生产工作通知", body="<p>安全生产50条。</p>")

    result = search(SearchQuery(q="安全生产 短信平台"))
    assert result.relaxed
    assert [hit.title for hit in result.hits] == ["2014年安全生产工作通知"]
    assert "安全生产" in [str(s.label) for s in result.suggestions]
    page = client.get(reverse("search:results"), {"q": "安全生产 短信平台"}).content.decode()
    assert "search-relaxed" in page and 'class="search-hit"' in page
    answer = client.get("/api/v1/search", {"q": "安全生产 短信平台", "facets": "0"}).json()
    assert answer["relaxed"] is True and answer["facets"] == []

    exact = search(SearchQuery(q="安全生产 工作"))
    assert not exact.relaxed and exact.total == 1
    # A document number or an index number that matches nothing has no fallback: its pieces
    # (2014, 50) would match at random.
    for number in ("安政办发〔2014〕50号", "11370303MB2800028Q/2014-00050"):
        assert search(SearchQuery(q=f"{number}")).total == 0, number


def test_only_the_postgresql_engine_computes_the_tsvector(
    published_document, indexed, search_backend
):
    """``search_searchentry.vector`` is a plain column on PostgreSQL (migration 0004): the
    database engine fills it for each entry it writes and after a rebuild; Tantivy leaves it
    empty, so that its rebuild does not pay for a ``tsvector`` it never reads."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the tsvector column is PostgreSQL's")

    def filled() -> list[bool]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT vector IS NOT NULL FROM search_searchentry ORDER BY id")
            return [row[0] for row in cursor.fetchall()]

    with indexed():
        published_document(title="城乡低保标准")
    database_engine = search_backend == "database"
    assert filled() == [database_engine]
    call_command("rebuild_index")
    assert filled() == [database_engine]
    assert titles("低保") == ["城乡低保标准"]


def test_a_full_rebuild_puts_secure_delete_back(published_document, indexed):
    """The rebuild empties the index without SQLite's secure_delete, and restores it."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("an SQLite setting")
    with indexed():
        published_document(title="城乡低保标准")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = 1")
        call_command("rebuild_index")
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
    assert titles("低保") == ["城乡低保标准"]
