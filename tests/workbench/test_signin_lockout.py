"""Lockout after repeated failed sign-ins (issue 9, "Staff sign-in"; django-axes, decision
0025): per account and per client address, not escaped by a forged X-Forwarded-For, and not
locking out everyone behind a trusted proxy."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture
def staff(user_factory, staff_role_factory):
    """A member of staff with a role (only they may sign in to the workbench)."""

    def make(username: str):
        return staff_role_factory(user=user_factory(username=username)).user

    return make


def attempt(client, username: str, password: str, **headers):
    return client.post(
        reverse("workbench:login"), {"username": username, "password": password}, **headers
    )


def test_an_account_is_locked_after_five_failures_even_for_the_right_password(
    client, staff, password
):
    staff("wang.wu")
    for _ in range(LIMIT - 1):
        assert attempt(client, "wang.wu", "wrong-guess").status_code == 200
    assert attempt(client, "wang.wu", "wrong-guess").status_code == 429  # the fifth
    locked = attempt(client, "wang.wu", password)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "锁定" in locked.content.decode()


def test_an_address_is_locked_after_failures_on_many_accounts(client, staff, password):
    staff("zhao.liu")
    for n in range(LIMIT):
        attempt(client, f"guess-{n}", "wrong-guess")
    assert attempt(client, "zhao.liu", password).status_code == 429


def test_a_forged_forwarded_header_does_not_escape_the_address_lockout(
    client, staff, password, settings
):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 0
    staff("sun.qi")
    for n in range(LIMIT):
        attempt(client, f"guess-{n}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = attempt(client, "sun.qi", password, HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_one_client_does_not_lock_out_the_others(
    client, staff, password, settings
):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    staff("zhou.ba")
    for n in range(LIMIT):
        attempt(client, f"guess-{n}", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert attempt(client, "x", "y", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    other = attempt(client, "zhou.ba", password, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302
    assert other["Location"] == reverse("workbench:home")


def test_a_successful_sign_in_clears_the_count(client, staff, password):
    staff("wu.jiu")
    for _ in range(LIMIT - 1):
        attempt(client, "wu.jiu", "wrong-guess")
    assert attempt(client, "wu.jiu", password).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        attempt(client, "wu.jiu", "wrong-guess")
    assert attempt(client, "wu.jiu", password).status_code == 302
