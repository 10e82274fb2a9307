"""The search index's status and the warnings of the office (issue 9, "Faults"): a banner on
the workbench for the disclosure office and administrators, a detail in the readiness answer
and a log warning while the index is missing or stale; a database outage during a search is
an outage (503), not a broken index."""

from __future__ import annotations

import io
import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from gongkai.search import status
from gongkai.search.engine import SearchQuery, search
from gongkai.search.indexing import rebuild_index
from gongkai.search.models import SearchEntry
from tests.search.fallback_support import POLICY, found

pytestmark = pytest.mark.django_db


@pytest.fixture
def search_backend(settings):
    """The warnings do not depend on the engine: the database's own, once."""
    settings.GONGKAI_SEARCH_BACKEND = "database"
    return "database"


def test_the_office_is_warned_on_the_workbench_in_readiness_and_in_the_log(
    fallback_catalogue, client, agency, staff_role_factory, caplog, settings
):
    office = staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user
    editor = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user
    client.cookies["gongkai_language"] = "en"
    client.force_login(office)
    assert "wb-alert" not in client.get(reverse("workbench:home")).content.decode()

    settings.GONGKAI_SEARCH_STALE_SECONDS = 0  # the documents were published a moment ago
    SearchEntry.objects.all().delete()
    with caplog.at_level(logging.WARNING, logger="gongkai.search.status"):
        assert found("低保") == (True, [POLICY])
    assert "search index missing: index_empty" in caplog.text
    assert "低保" not in caplog.text  # never a query

    home = client.get(reverse("workbench:home")).content.decode()
    assert "wb-alert" in home and "The search index is missing or broken" in home
    client.force_login(editor)
    assert "wb-alert" not in client.get(reverse("workbench:home")).content.decode()

    ready = client.get(reverse("health_ready"))
    assert ready.status_code == 200  # degraded, not down
    check = ready.json()["checks"]["search"]
    assert check["ok"] is False and check["critical"] is False
    assert check["detail"].startswith("search index missing: index_empty")

    rebuild_index()
    client.force_login(office)
    assert "wb-alert" not in client.get(reverse("workbench:home")).content.decode()
    assert client.get(reverse("health_ready")).json()["checks"]["search"]["ok"] is True


def test_a_database_outage_during_a_search_is_a_503_not_a_fallback(fallback_catalogue):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    client = Client(raise_request_exception=False)
    status.index_status()
    with connection.execute_wrapper(refuse):
        response = client.get(reverse("search:results"), {"q": "低保"})
    assert response.status_code == 503
    assert status.index_status().ok  # the index was not blamed


def test_search_status_checks_now_and_fails_while_the_index_is_not_usable(
    fallback_catalogue, settings
):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("search_status", stdout=out)
    assert out.getvalue().strip() == "search index ok"

    settings.GONGKAI_SEARCH_STALE_SECONDS = 0
    SearchEntry.objects.filter(title=POLICY).delete()
    with pytest.raises(CommandError, match="search index stale"):
        call_command("search_status", stdout=out)
    assert "entries_missing" in out.getvalue()
    assert status.last_known_status() is not None and not status.last_known_status().ok


def test_any_input_gives_an_answer_without_the_index(fallback_catalogue, client, settings):
    """The fallback takes what the engine takes (operators, quotes, LIKE wildcards, control
    characters, a thousand words): an answer, never an error, nothing unpublished."""
    from tests.search.test_search import HOSTILE

    settings.GONGKAI_SEARCH_STALE_SECONDS = 0
    SearchEntry.objects.all().delete()
    public = {POLICY, "环保督察整改情况公示"}
    for q in HOSTILE:
        result = search(SearchQuery.from_params({"q": q}))  # as the page and the API read it
        assert result.fallback or not result.searched, q
        assert {hit.title for hit in result.hits} <= public, q
    for q in ('"低保', "%_\\", "\x00\x01低保\x1f\x7f"):
        assert client.get(reverse("search:results"), {"q": q}).status_code == 200
        assert client.get("/api/v1/search", {"q": q, "sort": "date"}).status_code == 200
    assert found("%") == (True, [])  # a wildcard is a character like any other
    assert found("低保", year=2001) == (True, [])
