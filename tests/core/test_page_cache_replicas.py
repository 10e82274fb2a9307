"""The public page cache with read replicas (decisions 0033, 0034): a page drawn from a replica
soon after a change may show what the change replaced, so it is answered but not stored.

``replica_1`` mirrors ``default`` (tests/conftest.py); see tests/core/test_db_router.py.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from gongkai.core import page_cache
from gongkai.core.db_router import forget_unreachable
from tests.catalogue.public_helpers import join, make_document
from tests.conftest import TEST_REPLICA

replica_requests = pytest.mark.django_db(transaction=True, databases=["default", TEST_REPLICA])
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cache_on(settings):
    settings.GONGKAI_PAGE_CACHE = True
    settings.GONGKAI_PAGE_CACHE_SECONDS = 300
    settings.DATABASE_REPLICA_PIN_SECONDS = 10


@pytest.fixture
def replicas(settings, cache_on):
    settings.DATABASE_ROUTERS = ["gongkai.core.db_router.ReplicaRouter"]
    forget_unreachable()
    yield
    forget_unreachable()


@pytest.fixture
def document_url(agency):
    join(agency)
    return reverse("catalogue:document", args=[make_document(agency).pk])


@replica_requests
def test_a_page_read_from_a_replica_just_after_a_change_is_not_stored(replicas, document_url):
    with time_machine.travel(NOW, tick=False) as clock:
        page_cache.invalidate_public_pages()  # a change committed just now
        clock.shift(9)
        first = client_get(document_url)
        assert first.status_code == 200
        assert "X-Cache" not in first  # answered, not stored
        assert "X-Cache" not in client_get(document_url)  # so rendered again

        clock.shift(1)  # the replica has had DATABASE_REPLICA_PIN_SECONDS to catch up
        assert client_get(document_url)["X-Cache"] == "MISS"
        assert client_get(document_url)["X-Cache"] == "HIT"


@replica_requests
def test_a_page_read_from_the_primary_just_after_a_change_is_stored(cache_on, document_url):
    with time_machine.travel(NOW, tick=False):
        page_cache.invalidate_public_pages()
        assert client_get(document_url)["X-Cache"] == "MISS"
        assert client_get(document_url)["X-Cache"] == "HIT"


def client_get(url: str) -> HttpResponse:
    """A new anonymous visitor each time: no cookie that could keep it on the primary."""
    return Client().get(url)
