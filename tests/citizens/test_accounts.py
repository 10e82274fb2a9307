"""A citizen's account: sign up, confirm the address by mail, sign in and out, reset the
password — and never learn from the pages whether an address has an account."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.test import Client
from django.urls import reverse

from gongkai.citizens import services, tokens
from gongkai.citizens.models import CitizenAccount
from gongkai.citizens.session import SESSION_ACCOUNT
from gongkai.core.models import AuditEntry, OutgoingMail
from tests.citizens.conftest import (
    MY_APPLICATIONS,
    PASSWORD,
    SIGN_IN,
    SIGN_UP,
    link_in,
    mails,
    sign_in,
)

pytestmark = pytest.mark.django_db

REFUSED = "The e-mail address or the password is not right."
UNCONFIRMED = "Your e-mail address is not confirmed yet."
LINK_INVALID = "This link is not valid: it has expired or has already been used."
RESET = reverse("citizens:password_reset")
EMAIL = "Wang.Fang@Example.cn"


def sign_up_data(**overrides) -> dict[str, str]:
    values = {
        "email": EMAIL,
        "display_name": "王芳",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    values.update(overrides)
    return values


def signed_in_as(client) -> int | None:
    return client.session.get(SESSION_ACCOUNT)


# --------------------------------------------------------------------------- signing up


def test_sign_up_mails_a_link_that_confirms_the_address_and_then_sign_in_works(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGN_UP, sign_up_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:sign_up_done")
    assert "Check your mailbox" in client.get(response["Location"]).content.decode()

    account = CitizenAccount.objects.get()
    assert account.email == "wang.fang@example.cn"  # normalised
    assert account.display_name == "王芳"
    assert account.email_verified_at is None
    assert check_password(PASSWORD, account.password)
    assert PASSWORD not in account.password

    # The mail went through the outbox, after the commit.
    [queued] = mails("verify")
    assert queued.recipient == "wang.fang@example.cn"
    assert queued.sent_at is not None
    [sent] = mail.outbox
    assert sent.to == ["wang.fang@example.cn"]
    link = link_in(queued, "verify")
    assert link in sent.body

    # Not confirmed yet: sign-in is refused.
    refused = client.post(SIGN_IN, {"email": EMAIL, "password": PASSWORD})
    assert UNCONFIRMED in refused.content.decode()
    assert signed_in_as(client) is None

    # The link shows a button; the button confirms.
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my e-mail address" in page.content.decode()
    account.refresh_from_db()
    assert account.email_verified_at is None  # opening the link changed nothing
    confirmed = client.post(link)
    assert confirmed["Location"] == SIGN_IN
    account.refresh_from_db()
    assert account.email_verified_at is not None
    assert "Your e-mail address is confirmed" in client.get(SIGN_IN).content.decode()

    # Signing in, in any case of the address.
    response = client.post(SIGN_IN, {"email": " WANG.FANG@example.CN ", "password": PASSWORD})
    assert response["Location"] == MY_APPLICATIONS
    assert signed_in_as(client) == account.pk
    account.refresh_from_db()
    assert account.last_sign_in_at is not None
    page = client.get(MY_APPLICATIONS)
    assert page.status_code == 200
    assert "王芳" in page.content.decode()
    assert AuditEntry.objects.filter(action="citizens.sign_in", object_id=str(account.pk)).exists()


def test_sign_in_rotates_the_session_key(client, citizen):
    client.get(SIGN_IN)
    client.session.save()
    before = client.session.session_key
    sign_in(client, citizen)
    assert client.session.session_key != before


def test_the_confirmation_link_expires(client, citizen_factory):
    account = citizen_factory(verified=False)
    token = tokens.make_verify_token(account)
    link = reverse("citizens:verify", args=[token])
    later = datetime.datetime.now(tz=datetime.UTC) + tokens.VERIFY_MAX_AGE
    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        assert client.get(link).status_code == 400
        response = client.post(link)
    assert response.status_code == 400
    assert LINK_INVALID in response.content.decode()
    account.refresh_from_db()
    assert account.email_verified_at is None


@pytest.mark.parametrize(
    "token", ["", "x", "1.abc:1aBcDe:forged", "../../workbench", "9" * 300, "１.２:３:４"]
)
def test_a_forged_or_broken_link_is_refused_cleanly(client, citizen_factory, token):
    account = citizen_factory(verified=False)
    if not token:
        token = tokens.make_verify_token(account)[:-2] + "xx"  # signature altered
    for name in ("verify", "password_reset_confirm"):
        link = reverse(f"citizens:{name}", args=[token]) if "/" not in token else None
        if link is None:
            continue
        assert client.get(link).status_code in (400, 404)
        assert client.post(link, {"password": "x", "password_again": "x"}).status_code in (
            400,
            404,
        )
    account.refresh_from_db()
    assert account.email_verified_at is None


def test_a_confirmation_link_is_bound_to_the_sign_up_that_asked_for_it(client, citizen_factory):
    """Signing up again for an unconfirmed address replaces the password: older links no longer
    confirm the account (someone who signed up with another's address gains nothing)."""
    account = citizen_factory(email="wang.fang@example.cn", verified=False, password="x" * 20)
    old_link = reverse("citizens:verify", args=[tokens.make_verify_token(account)])

    client.post(SIGN_UP, sign_up_data(display_name="王芳芳"))

    account.refresh_from_db()
    assert account.display_name == "王芳芳"
    assert check_password(PASSWORD, account.password)
    assert client.post(old_link).status_code == 400
    account.refresh_from_db()
    assert account.email_verified_at is None
    assert client.post(link_in(mails("verify")[-1], "verify")).status_code == 302
    account.refresh_from_db()
    assert account.email_verified_at is not None


def test_sign_up_for_a_confirmed_address_changes_nothing_and_tells_the_owner(
    client, citizen_factory
):
    account = citizen_factory(email="wang.fang@example.cn", password="Old-password-kept-1")
    before = account.password

    response = client.post(SIGN_UP, sign_up_data())

    # The same answer as for a new address: the page does not tell who has an account.
    assert response["Location"] == reverse("citizens:sign_up_done")
    account.refresh_from_db()
    assert account.password == before
    assert CitizenAccount.objects.count() == 1
    assert mails("verify") == []
    [told] = mails("already_registered")
    assert told.recipient == "wang.fang@example.cn"
    assert reverse("citizens:password_reset") in told.body


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"email": ""}, "Give your e-mail address."),
        ({"email": "not-an-address"}, "The e-mail address is not valid."),
        ({"display_name": "   "}, "Give the name we should address you by."),
        ({"password": "short", "password_again": "short"}, "This password is too short."),
        (
            {"password": "12345678901234", "password_again": "12345678901234"},
            "This password is entirely numeric.",
        ),
        ({"password_again": PASSWORD + "x"}, "The two passwords are not the same."),
        ({"password": "x" * 200, "password_again": "x" * 200}, "at most 128 characters"),
    ],
)
def test_a_bad_sign_up_gets_a_clear_message_and_makes_nothing(client, overrides, field_message):
    response = client.post(SIGN_UP, sign_up_data(**overrides))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert CitizenAccount.objects.count() == 0
    assert OutgoingMail.objects.count() == 0


def test_a_password_like_the_address_is_refused(client):
    response = client.post(
        SIGN_UP,
        sign_up_data(
            email="xiaoming.wang2026@example.cn",
            password="xiaoming.wang2026",
            password_again="xiaoming.wang2026",
        ),
    )
    assert "too similar" in response.content.decode()
    assert CitizenAccount.objects.count() == 0


def test_sign_up_mails_are_limited_per_address(client, settings):
    for n in range(10):
        client.post(SIGN_UP, sign_up_data(email=f"a{n}@example.cn"))
    response = client.post(SIGN_UP, sign_up_data(email="late@example.cn"))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not CitizenAccount.objects.filter(email="late@example.cn").exists()


def test_mails_to_one_account_are_limited(client, citizen_factory):
    account = citizen_factory(email="wang.fang@example.cn", verified=False)
    for _ in range(8):
        services.sign_up(email=account.email, display_name="王芳", password=PASSWORD)
    assert len(mails("verify", to=account.email)) == 5


# --------------------------------------------------------------------------- signing in


def test_a_wrong_password_and_an_unknown_address_get_the_same_message(client, citizen):
    wrong = client.post(SIGN_IN, {"email": citizen.email, "password": "not-the-password"})
    unknown = client.post(SIGN_IN, {"email": "nobody@example.cn", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 200
        html = response.content.decode()
        assert REFUSED in html
        assert UNCONFIRMED not in html
    assert signed_in_as(client) is None
    citizen.refresh_from_db()
    assert citizen.last_sign_in_at is None


def test_an_unconfirmed_account_with_a_wrong_password_looks_like_any_other_failure(
    client, citizen_factory
):
    account = citizen_factory(verified=False)
    response = client.post(SIGN_IN, {"email": account.email, "password": "wrong-password-1"})
    assert REFUSED in response.content.decode()
    assert UNCONFIRMED not in response.content.decode()


def test_a_closed_account_cannot_sign_in(client, citizen_factory):
    account = citizen_factory(is_active=False)
    response = client.post(SIGN_IN, {"email": account.email, "password": PASSWORD})
    assert REFUSED in response.content.decode()
    assert signed_in_as(client) is None


def test_repeated_failures_from_one_address_are_refused_for_a_while(client, citizen):
    for _ in range(20):
        client.post(SIGN_IN, {"email": citizen.email, "password": "guess-guess-guess"})
    response = client.post(SIGN_IN, {"email": citizen.email, "password": PASSWORD})
    assert response.status_code == 429
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"],
)
def test_sign_in_never_sends_the_browser_to_another_site(client, citizen, next_url):
    response = client.post(
        SIGN_IN, {"email": citizen.email, "password": PASSWORD, "next": next_url}
    )
    assert response["Location"] == MY_APPLICATIONS


def test_sign_in_goes_back_to_the_page_that_asked(client, citizen):
    apply_url = reverse("info_requests:apply")
    response = client.post(
        SIGN_IN, {"email": citizen.email, "password": PASSWORD, "next": apply_url}
    )
    assert response["Location"] == apply_url


def test_sign_out_is_post_only(signed_in, citizen):
    url = reverse("citizens:sign_out")
    assert signed_in.get(url).status_code == 405
    assert signed_in_as(signed_in) == citizen.pk
    response = signed_in.post(url)
    assert response["Location"] == SIGN_IN
    assert "You have signed out." in signed_in.get(SIGN_IN).content.decode()
    assert signed_in_as(signed_in) is None
    assert signed_in.get(MY_APPLICATIONS)["Location"].startswith(SIGN_IN)


def test_the_header_offers_sign_in_or_my_applications(client, citizen):
    home = reverse("portal:home")
    html = client.get(home).content.decode()
    assert reverse("citizens:sign_in") in html
    assert 'action="' + reverse("citizens:sign_out") not in html
    sign_in(client, citizen)
    html = client.get(home).content.decode()
    assert MY_APPLICATIONS in html
    assert reverse("citizens:sign_out") in html


# --------------------------------------------------------------------------- password reset


def test_password_reset_by_mail_and_the_link_works_only_once(client, citizen):
    response = client.post(RESET, {"email": citizen.email.upper()})
    assert response["Location"] == reverse("citizens:password_reset_done")
    [queued] = mails("password_reset")
    assert queued.recipient == citizen.email
    link = link_in(queued, "password_reset_confirm")

    assert client.get(link).status_code == 200
    new = "Another-long-secret-77"
    # Bad input changes nothing and keeps the link usable.
    mismatch = client.post(link, {"password": new, "password_again": new + "!"})
    assert "The two passwords are not the same." in mismatch.content.decode()
    weak = client.post(link, {"password": "password123", "password_again": "password123"})
    assert weak.status_code == 200
    assert "too common" in weak.content.decode()
    citizen.refresh_from_db()
    assert check_password(PASSWORD, citizen.password)

    done = client.post(link, {"password": new, "password_again": new})
    assert done["Location"] == SIGN_IN
    citizen.refresh_from_db()
    assert check_password(new, citizen.password)

    # The link is used up.
    assert client.get(link).status_code == 400
    again = client.post(link, {"password": PASSWORD, "password_again": PASSWORD})
    assert again.status_code == 400
    assert LINK_INVALID in again.content.decode()
    citizen.refresh_from_db()
    assert check_password(new, citizen.password)

    # The old password no longer opens the account; the new one does.
    refused = client.post(SIGN_IN, {"email": citizen.email, "password": PASSWORD})
    assert REFUSED in refused.content.decode()
    sign_in(client, citizen, new)


def test_an_earlier_reset_link_dies_with_a_later_reset(client, citizen):
    client.post(RESET, {"email": citizen.email})
    client.post(RESET, {"email": citizen.email})
    first, second = (link_in(m, "password_reset_confirm") for m in mails("password_reset"))
    new = "Another-long-secret-77"
    assert client.post(second, {"password": new, "password_again": new}).status_code == 302
    assert client.post(first, {"password": PASSWORD, "password_again": PASSWORD}).status_code == 400
    citizen.refresh_from_db()
    assert check_password(new, citizen.password)


def test_a_reset_link_expires(client, citizen):
    token = tokens.make_reset_token(citizen)
    link = reverse("citizens:password_reset_confirm", args=[token])
    later = datetime.datetime.now(tz=datetime.UTC) + tokens.RESET_MAX_AGE
    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        response = client.post(
            link, {"password": "Fresh-secret-2026x", "password_again": "Fresh-secret-2026x"}
        )
    assert response.status_code == 400
    citizen.refresh_from_db()
    assert check_password(PASSWORD, citizen.password)


def test_a_reset_for_an_unknown_address_answers_the_same_and_mails_nothing(client):
    response = client.post(RESET, {"email": "nobody@example.cn"})
    assert response["Location"] == reverse("citizens:password_reset_done")
    assert OutgoingMail.objects.count() == 0


def test_a_reset_signs_out_other_browsers(client, citizen):
    other = Client()
    sign_in(other, citizen)
    assert other.get(MY_APPLICATIONS).status_code == 200

    client.post(RESET, {"email": citizen.email})
    link = link_in(mails("password_reset")[-1], "password_reset_confirm")
    new = "Another-long-secret-77"
    client.post(link, {"password": new, "password_again": new})

    response = other.get(MY_APPLICATIONS)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_reset_confirms_an_unconfirmed_address(client, citizen_factory):
    account = citizen_factory(verified=False)
    client.post(RESET, {"email": account.email})
    link = link_in(mails("password_reset")[-1], "password_reset_confirm")
    new = "Another-long-secret-77"
    client.post(link, {"password": new, "password_again": new})
    account.refresh_from_db()
    assert account.email_verified_at is not None
    sign_in(client, account, new)


# --------------------------------------------------------------------------- privacy


def test_audit_entries_and_mail_topics_name_the_account_never_the_address(client, citizen):
    client.post(SIGN_IN, {"email": citizen.email, "password": "wrong-password-1"})
    sign_in(client, citizen)
    client.post(RESET, {"email": citizen.email})
    for entry in AuditEntry.objects.filter(action__startswith="citizens."):
        text = f"{entry.object_repr} {entry.details} {entry.actor_name}"
        assert citizen.email not in text
        assert citizen.display_name not in text
    assert str(citizen) == f"citizen account {citizen.pk}"


def test_log_lines_carry_no_address(client, caplog):
    with caplog.at_level("DEBUG"):
        client.post(SIGN_UP, sign_up_data())
        client.post(SIGN_IN, {"email": EMAIL, "password": PASSWORD})
        client.post(RESET, {"email": EMAIL})
    assert "wang.fang" not in caplog.text.lower()
    assert "王芳" not in caplog.text


def test_the_pages_render_in_chinese_too(client, citizen, settings):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    urls = [
        SIGN_IN,
        SIGN_UP,
        RESET,
        reverse("citizens:sign_up_done"),
        reverse("citizens:password_reset_done"),
        reverse("citizens:verify", args=[tokens.make_verify_token(citizen)]),
        reverse("citizens:password_reset_confirm", args=[tokens.make_reset_token(citizen)]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="zh-hans"' in response.content.decode()
    sign_in(client, citizen)
    assert client.get(MY_APPLICATIONS).status_code == 200
