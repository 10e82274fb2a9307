"""Fixtures for citizens' accounts: accounts in each state, a signed-in browser, an agency on
the application form, and helpers that read the links out of the mails in the outbox."""

from __future__ import annotations

import re
import secrets

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from gongkai.citizens.models import CitizenAccount
from gongkai.core.models import OutgoingMail
from gongkai.info_requests import services as request_services
from gongkai.info_requests.models import InfoRequest
from tests.catalogue.public_helpers import join
from tests.info_requests.conftest import VALID_ID, application_data, at

PASSWORD = "Blue-lantern-river-2026"
SIGN_IN = reverse("citizens:sign_in")
SIGN_UP = reverse("citizens:sign_up")
MY_APPLICATIONS = reverse("citizens:applications")

__all__ = ["VALID_ID", "application_data", "at"]


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The pages in English, so that the tests read the English messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The failure and mail counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen_factory(db):
    """``citizen_factory(email=…, verified=True, password=PASSWORD, name=…)``."""
    counter = iter(range(1, 10_000))

    def make(
        *, email: str | None = None, verified: bool = True, password: str = PASSWORD, **extra
    ) -> CitizenAccount:
        n = next(counter)
        now = timezone.now()
        return CitizenAccount.objects.create(
            email=email or f"citizen{n}@example.cn",
            display_name=extra.pop("display_name", f"市民{n}"),
            password=make_password(password),
            created_at=now,
            email_verified_at=now if verified else None,
            **extra,
        )

    return make


@pytest.fixture
def citizen(citizen_factory):
    return citizen_factory(email="li.hua@example.cn", display_name="李华")


@pytest.fixture
def other_citizen(citizen_factory):
    return citizen_factory(email="zhao.lei@example.cn", display_name="赵雷")


def sign_in(client, account: CitizenAccount, password: str = PASSWORD):
    response = client.post(SIGN_IN, {"email": account.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def signed_in(client, citizen):
    """The test client, signed in as ``citizen``."""
    sign_in(client, citizen)
    return client


@pytest.fixture
def member(agency):
    """The agency asked, a member of the disclosure system (so it is on the form)."""
    return join(agency)


def submitted(agency, day, *, citizen=None, **overrides) -> tuple[InfoRequest, str]:
    """An application made online on ``day`` (optionally by a signed-in citizen), with its code."""
    with at(day):
        request, code = request_services.submit_request(
            application_data(**overrides),
            agency=agency,
            submission_key=secrets.token_urlsafe(16),
            citizen=citizen,
        )
    assert code is not None
    return request, code


def mails(topic: str, to: str | None = None) -> list[OutgoingMail]:
    rows = OutgoingMail.objects.filter(topic=f"citizens.{topic}").order_by("id")
    if to is not None:
        rows = rows.filter(recipient=to)
    return list(rows)


def link_in(mail: OutgoingMail, name: str) -> str:
    """The path of the ``citizens:<name>`` link in a mail (its token included)."""
    prefix = reverse(f"citizens:{name}", args=["TOKEN"]).replace("TOKEN/", "")
    match = re.search(re.escape(prefix) + r"([^/\s]+)/", mail.body)
    assert match, f"no {name} link in the mail"
    return prefix + match.group(1) + "/"
