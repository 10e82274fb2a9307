"""Fixtures the public page cache's tests share (test_page_cache.py, test_page_gzip.py)."""

from __future__ import annotations

import pytest

from gongkai.core import page_cache
from tests.catalogue.public_helpers import join


@pytest.fixture
def test_pages(settings, monkeypatch):
    """The site plus the pages of tests/core/urls_page_cache.py, as a public namespace."""
    settings.ROOT_URLCONF = "tests.core.urls_page_cache"
    namespaces = {*page_cache.POLICY.namespaces, "cachetest"}
    monkeypatch.setattr(page_cache.POLICY, "namespaces", namespaces)


@pytest.fixture
def member(agency):
    """The agency, a member of the government (its pages are public)."""
    return join(agency)
