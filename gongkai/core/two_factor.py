"""Staff two-factor sign-in (issue 9, "Staff sign-in"; decision 0026).

After the password, every member of staff gives a code from an authenticator app (TOTP,
django-otp's ``TOTPDevice``) or one of their backup codes (``StaticDevice``, each used once).
A member of staff without an authenticator enrols one at sign-in and receives the backup codes
then, shown once. An administrator who may change users resets a lost authenticator; the
member of staff enrols again at their next request.

Only demo mode may switch it off (``GONGKAI_STAFF_TWO_FACTOR``): outside demo mode it is on
whatever the setting says, and a system check refuses the setting off.

Every step is an audit entry about the user (``auth.*``, kind sign-in, the client address),
which their account page lists as sign-in history; codes never appear in an entry.
"""

from __future__ import annotations

import datetime
from base64 import b32encode
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core import checks
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.core.audit import record
from gongkai.core.models import AuditEntry, User

AUTHENTICATOR_NAME = "authenticator"
BACKUP_CODES_NAME = "backup codes"

# Audit actions about a user's sign-in means that their sign-in history shows, whoever acted.
RESET_ACTION = "auth.two_factor_reset"


class TwoFactorError(ValueError):
    """A two-factor step refused; the message says why, in the user's language."""


def two_factor_required() -> bool:
    """Whether staff must give a second factor: always, unless demo mode switches it off."""
    return bool(getattr(settings, "GONGKAI_STAFF_TWO_FACTOR", True)) or not settings.DEMO_MODE


def passed_second_factor(user: Any) -> bool:
    """Whether this request's user gave their second factor in this session (django-otp's
    ``OTPMiddleware`` sets ``is_verified``; without it, nobody has)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified is not None and verified())


@checks.register(checks.Tags.security)
def check_two_factor_setting(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Two-factor sign-in may be off only in demo mode (issue 9): an installation holding real
    staff accounts refuses to run with it off, rather than quietly enforcing it anyway."""
    if getattr(settings, "GONGKAI_STAFF_TWO_FACTOR", True) or settings.DEMO_MODE:
        return []
    return [
        checks.Error(
            "Staff two-factor sign-in is off outside demo mode.",
            hint="Unset GONGKAI_STAFF_TWO_FACTOR (it may be off only with GONGKAI_DEMO=on).",
            id="gongkai.E001",
        )
    ]


def _normalise(code: str) -> str:
    """What people type: spaces and dashes between groups, capitals (backup codes)."""
    return "".join(code.split()).replace("-", "").lower()


# --- Selectors --------------------------------------------------------------------------------


def authenticator_of(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, if they have enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_authenticator(user: User) -> TOTPDevice | None:
    """The authenticator the user is enrolling (shown, not yet confirmed with a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def authenticator_uri(device: TOTPDevice, *, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code (the Key URI
    format): the issuer (the site's name) and the user name label the entry in the app."""
    issuer = issuer.replace(":", "")
    label = f"{issuer}:{device.user.get_username()}"
    params = {
        "secret": secret_of(device),
        "issuer": issuer,
        "algorithm": "SHA1",
        "digits": device.digits,
        "period": device.step,
    }
    return f"otpauth://totp/{quote(label)}?{urlencode(params, quote_via=quote)}"


def secret_of(device: TOTPDevice) -> str:
    """The secret in base 32, as typed into an app that cannot read the QR code."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


# --- Services ---------------------------------------------------------------------------------


def start_enrolment(user: User) -> TOTPDevice:
    """A new authenticator secret for ``user``, unconfirmed until they type its first code.

    An earlier unconfirmed secret is dropped, so that one shown before (on another screen, to
    another person) can never become valid. Refused once the user has an authenticator: a
    new one needs the administrator's reset first."""
    with transaction.atomic():
        if authenticator_of(user) is not None:
            raise TwoFactorError(_("You have already set up two-step sign-in."))
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def confirm_enrolment(device: TOTPDevice, code: str, *, actor: User) -> list[str]:
    """Confirm ``actor``'s new authenticator with its first code and give them their backup
    codes (returned to be shown once; only they ever see them). A wrong code changes nothing
    but the device's wait before the next try."""
    with transaction.atomic():
        locked = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device.pk, user=actor, confirmed=False)
            .first()
        )
        if locked is None:
            raise TwoFactorError(
                _("This set-up has expired. Scan the new QR code below and try again.")
            )
        allowed, _info = locked.verify_is_allowed()
        passed = allowed and locked.verify_token(_normalise(code))
        if passed:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            codes = _new_backup_codes(actor)
            record("auth.two_factor_enrolled", actor=actor, obj=actor, kind=AuditEntry.Kind.SIGN_IN)
    if not passed:
        if not allowed:
            raise TwoFactorError(_("Too many wrong codes in a row. Wait a moment, then try again."))
        raise TwoFactorError(
            _(
                "That code is not correct. Type the six digits your app shows now; check that "
                "the phone's clock is right."
            )
        )
    return codes


@dataclass(frozen=True)
class CodeCheck:
    """The answer to a code given at sign-in."""

    device: Device | None = None  # the device that accepted the code
    wait_until: datetime.datetime | None = None  # too many wrong codes: none was checked
    backup_codes_left: int | None = None  # a backup code was used: how many remain

    @property
    def passed(self) -> bool:
        return self.device is not None


def check_code(user: User, code: str) -> CodeCheck:
    """Check the second factor ``user`` gave: six digits against their authenticator, anything
    else against their backup codes (a backup code that passes is used up).

    After a wrong code the device waits 1, 2, 4, … seconds before it checks another (django-otp's
    throttling, which a later sign-in with the password does not reset); a code given during
    the wait is not checked. Success and failure are audited, never the code."""
    token = _normalise(code)
    model: type[TOTPDevice] | type[StaticDevice] = (
        TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    )
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        if device is not None:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                return CodeCheck(wait_until=(info or {}).get("locked_until"))
            if device.verify_token(token):
                left = device.token_set.count() if isinstance(device, StaticDevice) else None
                method = "authenticator" if left is None else "backup_code"
                record(
                    "auth.second_factor",
                    actor=user,
                    obj=user,
                    kind=AuditEntry.Kind.SIGN_IN,
                    details={"method": method},
                )
                return CodeCheck(device=device, backup_codes_left=left)
        record("auth.second_factor_failed", actor=user, obj=user, kind=AuditEntry.Kind.SIGN_IN)
        return CodeCheck()


def replace_backup_codes(user: User, *, actor: User) -> list[str]:
    """New backup codes for ``user`` — the earlier ones stop working — returned to be shown
    once. Only the user themself, once enrolled (the codes are theirs alone to see)."""
    if actor.pk != user.pk:
        raise TwoFactorError(_("Only you can make new backup codes for your account."))
    with transaction.atomic():
        if authenticator_of(user) is None:
            raise TwoFactorError(_("Set up two-step sign-in first."))
        codes = _new_backup_codes(user)
        record("auth.backup_codes_replaced", actor=actor, obj=user, kind=AuditEntry.Kind.SIGN_IN)
    return codes


def can_reset_two_factor(actor: Any) -> bool:
    """Administrators who may change users (a reset lets the next person to know the password
    enrol their own authenticator, so it is not for everyone who may sign in to the admin)."""
    return bool(
        getattr(actor, "is_active", False)
        and (actor.is_superuser or actor.has_perm("core.change_user"))
    )


def reset_two_factor(user: User, *, actor: User) -> int:
    """Forget ``user``'s authenticator and backup codes (a lost or replaced phone). Their
    sessions stop counting as verified at once; at their next sign-in they enrol again.
    Returns how many devices were removed."""
    if not can_reset_two_factor(actor):
        raise TwoFactorError(_("You may not reset other people's two-step sign-in."))
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            _count, by_model = model.objects.filter(user=user).delete()
            removed += by_model.get(model._meta.label, 0)
        record(
            RESET_ACTION,
            actor=actor,
            obj=user,
            kind=AuditEntry.Kind.CHANGE,
            details={"devices": removed},
        )
    return removed


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
    count = int(getattr(settings, "GONGKAI_TWO_FACTOR_BACKUP_CODES", 10))
    codes = [StaticToken.random_token() for _n in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
