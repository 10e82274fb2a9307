"""The throughput benchmark's minimal view exists only when GONGKAI_BENCH_VIEWS is on."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import clear_url_caches

import gongkai.urls


@pytest.fixture
def reload_urls(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """After the test: the setting as it was and the URLconf rebuilt from it."""
    original = settings.GONGKAI_BENCH_VIEWS
    yield
    settings.GONGKAI_BENCH_VIEWS = original
    importlib.reload(gongkai.urls)
    clear_url_caches()


def _routes(settings: object, on: bool) -> None:
    settings.GONGKAI_BENCH_VIEWS = on  # type: ignore[attr-defined]
    importlib.reload(gongkai.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_minimal_view_is_not_routed_by_default(client: Client, settings, reload_urls) -> None:
    _routes(settings, on=False)
    assert client.get("/bench/minimal").status_code == 404


@pytest.mark.django_db
def test_minimal_view_answers_a_fixed_string_when_switched_on(
    client: Client, settings, reload_urls
) -> None:
    _routes(settings, on=True)
    response = client.get("/bench/minimal")
    assert response.status_code == 200
    assert response.content == b"ok\n"
