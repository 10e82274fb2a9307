"""The signed-in citizen, kept in the session under keys of its own.

Nothing here touches Django's authentication (``request.user``, ``SESSION_KEY``): a citizen's
session never signs anyone in to the workbench or the admin, and a member of staff signed in
in the same browser stays a separate matter. The session holds the account id and a keyed
digest of its password hash, so that a password reset signs out every other browser.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai.citizens.models import CitizenAccount

SESSION_ACCOUNT = "citizens.account"
SESSION_HASH = "citizens.account_hash"


def _session_hash(account: CitizenAccount) -> str:
    return salted_hmac("gongkai.citizens.session", account.password, algorithm="sha256").hexdigest()


def start_session(request: HttpRequest, account: CitizenAccount) -> None:
    """Sign ``account`` in in this browser, under a new session key (no fixation)."""
    request.session.cycle_key()
    request.session[SESSION_ACCOUNT] = account.pk
    request.session[SESSION_HASH] = _session_hash(account)
    request.citizen = account  # type: ignore[attr-defined]


def end_session(request: HttpRequest) -> None:
    """Sign out: the whole session goes (what was unlocked on the status page too), so that
    nothing of the citizen stays in a shared browser."""
    request.session.flush()
    request.citizen = None  # type: ignore[attr-defined]


def citizen_from_session(request: HttpRequest) -> CitizenAccount | None:
    """The signed-in citizen, or None; a stale sign-in (account closed, password changed) is
    dropped from the session."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None  # no session: not even loaded, so pages without one stay session-free
    pk = request.session.get(SESSION_ACCOUNT)
    if pk is None:
        return None
    account = CitizenAccount.objects.filter(
        pk=pk, is_active=True, email_verified_at__isnull=False
    ).first()
    if account is None or not constant_time_compare(
        str(request.session.get(SESSION_HASH, "")), _session_hash(account)
    ):
        request.session.pop(SESSION_ACCOUNT, None)
        request.session.pop(SESSION_HASH, None)
        return None
    return account
