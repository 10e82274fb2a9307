"""Health endpoints for a load balancer, and what the site does while its database cannot be
reached (issue 9, "Health" and "Faults"): a 503 page in the interface's language with nothing
half-written."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import OutgoingMail
from gongkai.core.views import server_error
from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest, RequestEvent
from tests.info_requests.conftest import application_data

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(after: int = 0, only: str = ""):
    """Every query (after the first ``after`` ones; only those starting with ``only``) fails
    as when the server cannot be reached."""
    seen = {"count": 0}

    def refuse(execute, sql, params, many, context):
        if only and not sql.lstrip().upper().startswith(only):
            return execute(sql, params, many, context)
        seen["count"] += 1
        if seen["count"] > after:
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def test_liveness_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health_live"))
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readiness_reports_each_dependency(client):
    response = client.get(reverse("health_ready"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database:default"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["outbox"]["ok"] is True


def test_not_ready_while_the_database_is_down(client):
    with database_down():
        response = client.get(reverse("health_ready"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database:default"] == {
        "ok": False,
        "critical": True,
        "ms": checks["database:default"]["ms"],
        "detail": "OperationalError",
    }


def test_not_ready_while_the_cache_fails(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda key, default=None: None)
    response = client.get(reverse("health_ready"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_a_stuck_outbox_is_reported_but_keeps_the_server_ready(client):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    OutgoingMail.objects.create(
        created_at=long_ago,
        recipient="someone@example.com",
        subject="s",
        body="b",
        next_attempt_at=long_ago,
    )
    response = client.get(reverse("health_ready"))
    assert response.status_code == 200
    outbox = response.json()["checks"]["outbox"]
    assert outbox["ok"] is False and outbox["critical"] is False
    assert outbox["detail"].startswith("1 notices waiting")
    assert "someone@example.com" not in response.content.decode()


def test_pages_answer_503_in_chinese_while_the_database_is_down():
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    text = response.content.decode()
    assert "503" in text
    assert "网站暂时无法访问" in text


def test_the_503_page_follows_the_interface_language():
    client = Client(raise_request_exception=False)
    client.cookies["gongkai_language"] = "en"
    with database_down():
        response = client.get("/")
    assert response.status_code == 503
    assert "The site is briefly unavailable" in response.content.decode()


def test_a_bug_is_still_a_500_and_an_outage_a_503(rf):
    request = rf.get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        assert server_error(request).status_code == 503


def test_an_application_cut_off_mid_write_leaves_nothing_half_written(agency):
    before = (InfoRequest.objects.count(), RequestEvent.objects.count())
    with database_down(after=1, only="INSERT"), pytest.raises(OperationalError):
        services.submit_request(application_data(), agency=agency, submission_key="cut-off")
    assert (InfoRequest.objects.count(), RequestEvent.objects.count()) == before
