"""The signed, time-limited links sent by e-mail: confirm an address, reset a password.

A token is ``<account id>.<fingerprint>`` signed with a timestamp (``TimestampSigner``, keyed by
the secret key). The fingerprint is a keyed digest of what the link is about, so that a link
stops working once that changed: a reset link is bound to the password hash and the last
sign-in (a reset, or any sign-in, makes every earlier reset link useless); a confirmation link
to the address and the password hash (a new sign-up for an unconfirmed address replaces both,
and with them every earlier link). The password hash itself never appears in a link.
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai.citizens.models import CitizenAccount

VERIFY_MAX_AGE = datetime.timedelta(days=3)
RESET_MAX_AGE = datetime.timedelta(hours=2)

_VERIFY_SALT = "gongkai.citizens.verify"
_RESET_SALT = "gongkai.citizens.reset"


def _fingerprint(salt: str, *parts: object) -> str:
    value = "|".join("" if part is None else str(part) for part in parts)
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()[:32]


def _verify_fingerprint(account: CitizenAccount) -> str:
    return _fingerprint(_VERIFY_SALT, account.pk, account.email, account.password)


def _reset_fingerprint(account: CitizenAccount) -> str:
    last = account.last_sign_in_at.replace(microsecond=0) if account.last_sign_in_at else None
    return _fingerprint(
        _RESET_SALT, account.pk, account.email, account.password, last, account.is_active
    )


def _make(salt: str, account: CitizenAccount, fingerprint: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(f"{account.pk}.{fingerprint}")


def _read(salt: str, token: str, max_age: datetime.timedelta) -> tuple[int, str] | None:
    """The account id and fingerprint of a well-signed token not older than ``max_age``."""
    if not token or len(token) > 200:
        return None
    try:
        value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None
    pk, _dot, fingerprint = value.partition(".")
    if not pk.isdigit() or not fingerprint:
        return None
    return int(pk), fingerprint


def make_verify_token(account: CitizenAccount) -> str:
    return _make(_VERIFY_SALT, account, _verify_fingerprint(account))


def make_reset_token(account: CitizenAccount) -> str:
    return _make(_RESET_SALT, account, _reset_fingerprint(account))


def account_for_verify_token(token: str) -> CitizenAccount | None:
    """The active account a confirmation link is for, while it is valid; else None."""
    read = _read(_VERIFY_SALT, token, VERIFY_MAX_AGE)
    if read is None:
        return None
    account = CitizenAccount.objects.filter(pk=read[0], is_active=True).first()
    if account is None or not constant_time_compare(read[1], _verify_fingerprint(account)):
        return None
    return account


def account_for_reset_token(token: str) -> CitizenAccount | None:
    """The active account a reset link is for, while it is valid and unused; else None."""
    read = _read(_RESET_SALT, token, RESET_MAX_AGE)
    if read is None:
        return None
    account = CitizenAccount.objects.filter(pk=read[0], is_active=True).first()
    if account is None or not constant_time_compare(read[1], _reset_fingerprint(account)):
        return None
    return account
