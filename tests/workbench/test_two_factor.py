"""Staff two-factor sign-in and the session rules (issue 9, "Staff sign-in"; decision 0026).

Every member of staff gives a TOTP code (or a backup code) after the password; a password alone
opens no workbench, admin or API; the first sign-in enrols; wrong codes count towards the
lockout; an administrator's reset is audited; the setting may be off only in demo mode. And the
session rules: a new session key at each step, expiry after 30 minutes without a request, and
a password change ending the user's other sessions."""

from __future__ import annotations

import datetime
import re
import time

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.citizens.models import CitizenAccount
from gongkai.core import two_factor
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db

HOME = reverse("workbench:home")
SIGN_IN = reverse("workbench:login")
CODE_PAGE = reverse("workbench:two_factor")
ENROL_PAGE = reverse("workbench:two_factor_enrol")
ACCOUNT = reverse("workbench:account")
NEW_PASSWORD = "Another-Strong-pass-77"


@pytest.fixture(autouse=True)
def _two_factor_on(settings, client):
    """On for these tests (the suite keeps it off, tests/conftest.py), with English pages."""
    settings.GONGKAI_STAFF_TWO_FACTOR = True
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def staff(user_factory, staff_role_factory):
    return staff_role_factory(user=user_factory(username="wang.fang")).user


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """An authenticator and backup codes for ``user``, as the set-up page makes them —
    confirmed with the code of 30 seconds ago, so that the app's current code is unused."""
    device = two_factor.start_enrolment(user)
    codes = two_factor.confirm_enrolment(device, code_for(device, later=-30), actor=user)
    device.refresh_from_db()
    return device, codes


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    """The code the user's app shows ``later`` seconds from now (an authenticator accepts
    the codes of the steps beside the current one; a code once used is never accepted)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def password_step(client, user, password, **extra):
    return client.post(
        SIGN_IN, {"username": user.username, "password": password, **extra}, follow=False
    )


def code_step(client, code: str, next_url: str = ""):
    return client.post(CODE_PAGE, {"code": code, "next": next_url})


def sign_in_fully(client, user, password, device, *, later: int = 0) -> None:
    assert password_step(client, user, password).status_code == 302
    assert code_step(client, code_for(device, later=later)).status_code == 302


def shown_secret(response) -> str:
    found = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', response.content.decode())
    assert found, response.content.decode()[:3000]
    return found.group(1).replace(" ", "")


def history(client) -> str:
    return client.get(ACCOUNT).content.decode()


# --- The second step -----------------------------------------------------------------------


def test_a_password_alone_opens_no_workbench_admin_or_api(client, staff, password):
    """Issue 9: two-factor sign-in for all staff — until the code, nothing opens."""
    device, _codes = enrol(staff)

    response = password_step(client, staff, password)

    assert response.status_code == 302
    assert response["Location"].startswith(CODE_PAGE)
    assert "_auth_user_id" in client.session
    for url in (HOME, reverse("workbench:audit"), ACCOUNT, reverse("admin:index")):
        refused = client.get(url)
        assert refused.status_code == 302, url
        assert refused["Location"].startswith(CODE_PAGE), url
    # Elsewhere (the public site, the API) the half-signed-in session is nobody.
    api = client.get(reverse("api:home"))
    assert api.status_code == 200
    assert not api.wsgi_request.user.is_authenticated

    page = client.get(CODE_PAGE)
    assert page.status_code == 200
    assert "authenticator app" in page.content.decode()

    response = code_step(client, code_for(device), next_url=reverse("workbench:audit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:audit")
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_is_refused_and_changes_nothing(client, staff, password):
    enrol(staff)
    password_step(client, staff, password)

    response = code_step(client, "000000")

    assert response.status_code == 200
    assert "That code is not correct" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(CODE_PAGE)
    failed = AuditEntry.objects.get(action="auth.second_factor_failed")
    assert failed.actor == staff
    assert failed.address == "127.0.0.1"
    assert "000000" not in str(failed.details)
    for junk in ("", "x" * 40, "１２３４５６", "<script>", "abc\x00def"):
        answer = client.post(CODE_PAGE, {"code": junk})
        assert answer.status_code == 200, junk
        assert "<script>" not in answer.content.decode()
    assert client.get(HOME)["Location"].startswith(CODE_PAGE)


def test_the_page_asked_for_is_kept_but_never_another_site(client, staff, password):
    device, _codes = enrol(staff)
    password_step(client, staff, password)

    away = code_step(client, code_for(device), next_url="https://evil.example/phish")

    assert away["Location"] == HOME


def test_the_first_sign_in_sets_up_the_authenticator_and_shows_backup_codes(
    client, staff, password
):
    """Enrolment: the secret as a QR code (inline SVG) and as text, confirmed with a first
    code; the backup codes shown once."""
    password_step(client, staff, password)
    assert client.get(CODE_PAGE)["Location"].startswith(ENROL_PAGE)

    first = shown_secret(client.get(ENROL_PAGE))
    second = client.get(ENROL_PAGE)

    page = second.content.decode()
    assert second.status_code == 200
    assert "<svg" in page and "<script" not in page
    assert "no-store" in second["Cache-Control"]
    device = TOTPDevice.objects.get(user=staff)  # the first screen's secret was dropped
    assert not device.confirmed
    assert shown_secret(second) == two_factor.secret_of(device) != first

    wrong = client.post(ENROL_PAGE, {"code": "123456"})
    assert "That code is not correct" in wrong.content.decode()
    assert shown_secret(wrong) == two_factor.secret_of(device)  # the same one, not a new one
    assert client.get(HOME)["Location"].startswith(CODE_PAGE)

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2), tick=False):
        done = client.post(ENROL_PAGE, {"code": code_for(device)})  # after the wait

    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.filter(action="auth.two_factor_enrolled", actor=staff).exists()


def test_a_backup_code_signs_in_once(client, staff, password):
    """Recovery: a backup code instead of the app's code, each used once."""
    _device, codes = enrol(staff)
    password_step(client, staff, password)

    typed = " ".join([codes[0][:4].upper(), codes[0][4:].upper()])  # as people type them
    response = code_step(client, typed)

    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert two_factor.backup_codes_left(staff) == 9
    client.post(reverse("workbench:logout"))
    password_step(client, staff, password)
    assert code_step(client, codes[0]).status_code == 200  # used up


def test_new_backup_codes_replace_the_old_ones(client, staff, password):
    device, old = enrol(staff)
    sign_in_fully(client, staff, password, device)

    response = client.post(reverse("workbench:backup_codes"))

    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert AuditEntry.objects.filter(action="auth.backup_codes_replaced", actor=staff).exists()


def test_wrong_codes_count_towards_the_sign_in_lockout(client, staff, password, settings):
    """Issue 9: failed codes count like failed passwords (Axes, decision 0025): the fifth
    locks the account, ends the session, and the password no longer gets in."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # every code checked, however fast they come
    device, _codes = enrol(staff)
    password_step(client, staff, password)

    for _n in range(4):
        assert code_step(client, "000000").status_code == 200
    locked = code_step(client, "000000")

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert password_step(client, staff, password).status_code == 429
    assert "_auth_user_id" not in client.session
    assert code_step(client, code_for(device))["Location"].startswith(SIGN_IN)


def test_after_a_wrong_code_the_authenticator_waits_before_checking_another(
    client, staff, password
):
    """django-otp's throttle: 1, 2, 4 … seconds after each wrong code, not reset by signing in
    with the password again; a code given during the wait is not checked (nor counted)."""
    device, _codes = enrol(staff)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        password_step(client, staff, password)
        code_step(client, "000000")
        waiting = code_step(client, code_for(device))
        assert "Wait a moment" in waiting.content.decode()
        assert client.get(HOME)["Location"].startswith(CODE_PAGE)
    with time_machine.travel(now + datetime.timedelta(seconds=2), tick=False):
        assert code_step(client, code_for(device)).status_code == 302
    assert AuditEntry.objects.filter(action="auth.second_factor_failed").count() == 1


def test_sign_in_history_shows_the_second_step(client, staff, password):
    """Issue 9: each user's sign-in history — with the second step's failures and successes."""
    device, _codes = enrol(staff)
    password_step(client, staff, password)
    code_step(client, "999999")
    past_the_wait = timezone.now() + datetime.timedelta(seconds=2)  # after a wrong code
    with time_machine.travel(past_the_wait, tick=False):
        code_step(client, code_for(device))

    page = history(client)

    assert "wrong code at the second step" in page
    assert "second step passed" in page
    assert "two-step sign-in set up" in page
    assert "You have 10 backup codes left" in page


# --- The administrator's reset -------------------------------------------------------------


@pytest.fixture
def administrator(user_factory):
    return user_factory(username="admin.li", is_staff=True, is_superuser=True)


def test_an_administrator_resets_a_lost_authenticator_audited(
    client, staff, administrator, password
):
    device, _codes = enrol(staff)
    staff_client = Client()
    sign_in_fully(staff_client, staff, password, device)
    admin_device, _admin_codes = enrol(administrator)
    client.force_login(administrator)
    assert code_step(client, code_for(admin_device)).status_code == 302

    response = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [staff.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    entry = AuditEntry.objects.get(action=two_factor.RESET_ACTION)
    assert (entry.actor, entry.object_id) == (administrator, str(staff.pk))
    # The staff member's open session no longer counts as verified: set up again.
    assert staff_client.get(HOME)["Location"].startswith(CODE_PAGE)
    assert staff_client.get(CODE_PAGE)["Location"].startswith(ENROL_PAGE)
    assert TOTPDevice.objects.filter(user=administrator, confirmed=True).exists()


def test_only_an_administrator_who_may_change_users_resets(staff, user_factory):
    enrol(staff)
    clerk = user_factory(username="clerk", is_staff=True)

    with pytest.raises(two_factor.TwoFactorError):
        two_factor.reset_two_factor(staff, actor=clerk)

    assert TOTPDevice.objects.filter(user=staff).exists()
    assert not AuditEntry.objects.filter(action=two_factor.RESET_ACTION).exists()


def test_the_devices_own_admin_pages_are_not_offered():
    """An administrator could add an authenticator with a secret they know there."""
    for name in ("admin:otp_totp_totpdevice_changelist", "admin:otp_static_staticdevice_add"):
        with pytest.raises(NoReverseMatch):
            reverse(name)


# --- The setting ---------------------------------------------------------------------------


def test_two_factor_may_be_off_only_in_demo_mode(settings):
    """Issue 9: configurable off only in demo mode — elsewhere a system check error, and the
    second step is asked for all the same."""
    settings.GONGKAI_STAFF_TWO_FACTOR = False
    settings.DEMO_MODE = False
    errors = two_factor.check_two_factor_setting()
    assert [error.id for error in errors] == ["gongkai.E001"]
    assert two_factor.two_factor_required()

    settings.DEMO_MODE = True
    assert two_factor.check_two_factor_setting() == []
    assert not two_factor.two_factor_required()

    settings.GONGKAI_STAFF_TWO_FACTOR = True
    settings.DEMO_MODE = False
    assert two_factor.check_two_factor_setting() == []


def test_in_demo_mode_with_it_off_the_password_signs_in(client, staff, password, settings):
    """The demonstration: visitors sign in with its published passwords alone."""
    settings.GONGKAI_STAFF_TWO_FACTOR = False
    settings.DEMO_MODE = True

    response = password_step(client, staff, password)

    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_citizens_accounts_have_no_second_step(client):
    """Citizens are not staff: their own accounts (decision 0014) sign in with a password."""
    now = timezone.now()
    account = CitizenAccount.objects.create(
        email="li.hua@example.cn",
        display_name="李华",
        password=make_password("Blue-lantern-river-2026"),
        created_at=now,
        email_verified_at=now,
    )

    client.post(
        reverse("citizens:sign_in"),
        {"email": account.email, "password": "Blue-lantern-river-2026"},
    )
    response = client.get(reverse("citizens:applications"))

    assert response.status_code == 200
    assert "李华" in response.content.decode()


# --- Session rules -------------------------------------------------------------------------


def test_each_sign_in_step_gives_a_new_session_key(client, staff, password, settings):
    """Issue 9: a new session at sign-in — a key planted before (session fixation) is not
    the signed-in session's, nor is the password-only key the verified one's."""
    device, _codes = enrol(staff)
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    password_step(client, staff, password)
    after_password = client.session.session_key
    code_step(client, code_for(device))
    after_code = client.session.session_key

    assert len({planted.session_key, after_password, after_code}) == 3
    assert not SessionStore().exists(planted.session_key)
    assert not SessionStore().exists(after_password)
    assert client.get(HOME).status_code == 200


def test_a_session_ends_after_thirty_minutes_without_a_request(client, staff, settings):
    """Issue 9: expiry after inactivity (default 30 minutes); each request extends it."""
    settings.GONGKAI_STAFF_TWO_FACTOR = False  # the session rule alone
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.GONGKAI_SESSION_TOUCH_SECONDS == 60  # saved at most once a minute
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(staff)
    for minutes in (29, 58, 87):  # a request every 29 minutes keeps it open
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(HOME).status_code == 200, minutes

    with time_machine.travel(start + datetime.timedelta(minutes=87 + 31), tick=False):
        response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_session_is_saved_at_most_once_a_minute(client, staff, settings, monkeypatch):
    """The inactivity expiry without a write on every page (gongkai.core.sessions): a request
    saves the session only when its last save is a minute old or more."""
    from importlib import import_module

    settings.GONGKAI_STAFF_TWO_FACTOR = False
    store = import_module(settings.SESSION_ENGINE).SessionStore
    saves: list[int] = []
    real_save = store.save
    monkeypatch.setattr(
        store, "save", lambda self, *a, **k: saves.append(1) or real_save(self, *a, **k)
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(staff)
    saves.clear()
    # Signing in saved it (at 0 s): the next save is due a minute later.
    for seconds, saved in ((0, 0), (30, 0), (59, 0), (60, 1), (61, 1)):
        with time_machine.travel(start + datetime.timedelta(seconds=seconds), tick=False):
            assert client.get(HOME).status_code == 200, seconds
        assert len(saves) == saved, seconds
    # Thirty minutes after the last save (at 60 s), less a second: still open.
    with time_machine.travel(start + datetime.timedelta(seconds=60 + 30 * 60 - 1), tick=False):
        assert client.get(HOME).status_code == 200


def test_a_password_change_ends_the_users_other_sessions(client, staff, password):
    """Issue 9: expiry on password change — the session that changed it goes on (still past
    the second step), every other session of the user ends."""
    device, _codes = enrol(staff)
    other = Client()
    sign_in_fully(client, staff, password, device)
    sign_in_fully(other, staff, password, device, later=30)
    assert other.get(HOME).status_code == 200

    response = client.post(
        reverse("workbench:password"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    ended = other.get(HOME)
    assert ended.status_code == 302
    assert ended["Location"].startswith(SIGN_IN)


def test_a_code_for_a_dropped_set_up_screen_asks_to_scan_again(client, staff, password):
    """Bad input changes nothing: a code sent after its secret was dropped (another screen
    started a new set-up, or an administrator reset) is not checked against the new one."""
    password_step(client, staff, password)
    client.get(ENROL_PAGE)
    TOTPDevice.objects.filter(user=staff).delete()

    response = client.post(ENROL_PAGE, {"code": "123456"})

    assert response.status_code == 200
    assert "This set-up has expired" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
