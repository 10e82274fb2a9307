"""The public page cache (decision 0033) and the catalogue: a document's publication, withdrawal
and amendment, made through the services and committed, reach the pages the cache holds at
once; a view of a page answered from the cache is still counted."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from gongkai.catalogue import services
from gongkai.catalogue.models import PageVisit
from tests.catalogue.public_helpers import join

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings, agency):
    settings.GONGKAI_PAGE_CACHE = True
    join(agency)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``committed(service, *args, **kwargs)``: call a service as a request would, its
    transaction committed (the test's own transaction is never committed)."""

    def run(service, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return service(*args, **kwargs)

    return run


def assert_cached(client, url: str) -> None:
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT", url


def test_a_publication_reaches_the_cached_catalogue_and_home_page(
    client, agency, document_factory, publish, committed
):
    catalogue = reverse("catalogue:index")
    assert_cached(client, catalogue)
    assert_cached(client, "/")
    draft = document_factory(title="关于缓存测试的通知")
    committed(publish, draft)
    assert client.get("/")["X-Cache"] == "MISS"  # every page, not only those that show it
    response = client.get(catalogue)
    assert response["X-Cache"] == "MISS"
    assert "关于缓存测试的通知" in response.content.decode()


def test_a_withdrawal_takes_the_cached_document_page_down_at_once(
    client, document_factory, publish, reviewer, committed
):
    document = publish(document_factory(title="将被撤回的文件"))
    url = reverse("catalogue:document", args=[document.pk])
    assert_cached(client, url)
    committed(services.withdraw_document, document, actor=reviewer, reason="误发")
    response = client.get(url)
    assert response.status_code == 404
    assert "将被撤回的文件" not in response.content.decode()


def test_an_amendment_replaces_the_cached_version(
    client, document_factory, publish, editor, committed
):
    document = publish(document_factory(title="修订前的标题"))
    url = reverse("catalogue:document", args=[document.pk])
    assert_cached(client, url)
    assert "修订前的标题" in client.get(url).content.decode()
    committed(services.start_amendment, document, actor=editor)
    committed(services.update_document, document, actor=editor, title="修订后的标题")
    assert client.get(url)["X-Cache"] == "MISS"  # the working copy is not public…
    assert_cached(client, url)
    assert "修订前的标题" in client.get(url).content.decode()  # …the public version is
    committed(publish, document)
    response = client.get(url)
    assert response["X-Cache"] == "MISS"
    assert "修订后的标题" in response.content.decode()


def test_a_view_answered_from_the_cache_is_still_counted(client, document_factory, publish):
    document = publish(document_factory())
    url = reverse("catalogue:document", args=[document.pk])
    responses = [client.get(url) for _ in range(3)]
    assert [r["X-Cache"] for r in responses] == ["MISS", "HIT", "HIT"]
    assert PageVisit.objects.get(path=url).count == 3
    client.head(url)  # HEAD is not a view
    assert PageVisit.objects.get(path=url).count == 3
