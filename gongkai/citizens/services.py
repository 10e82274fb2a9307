"""Every action on a citizen's account, and the claiming of an earlier application.

One function per action, one transaction each, an audit entry written (naming the account by
its id, never its address); mail is queued in the outbox inside the transaction and sent after
the commit. Nothing here tells a caller whether an address has an account: sign-up and the
password-reset request answer the same whatever the address, and a failed sign-in has one
message for "no such account" and "wrong password".
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.citizens import tokens
from gongkai.citizens.models import CitizenAccount
from gongkai.citizens.throttle import MAILS_PER_ACCOUNT
from gongkai.core import audit
from gongkai.core.mail import queue_mail
from gongkai.core.models import AuditEntry
from gongkai.core.passwords import citizen_password_validators
from gongkai.info_requests.models import InfoRequest
from gongkai.info_requests.selectors import find_by_number
from gongkai.info_requests.services import check_query_code

logger = logging.getLogger(__name__)

DISPLAY_NAME_MAX_LENGTH = 50
EMAIL_MAX_LENGTH = 254
PASSWORD_MAX_LENGTH = 128  # longer input is refused before any hashing


class CitizenError(ValueError):
    """An account action that cannot be done; the message is translated.

    ``field`` names the form field the message belongs to, when there is one. Nothing was
    changed when it is raised.
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def sign_in_refused_message() -> str:
    """The one message for an unknown address, a wrong password and a closed account."""
    return _("The e-mail address or the password is not right.")


def link_invalid_message() -> str:
    return _("This link is not valid: it has expired or has already been used.")


def claim_refused_message() -> str:
    return _("The tracking number and query code do not match.")


def normalise_email(value: str) -> str:
    """The address as stored and compared: without surrounding spaces, in lower case."""
    return value.strip().lower()


def _site_url(path: str) -> str:
    return settings.GONGKAI_SITE_URL.rstrip("/") + path


def _check_email(email: str) -> str:
    email = normalise_email(email)
    if not email:
        raise CitizenError(_("Give your e-mail address."), field="email")
    if len(email) > EMAIL_MAX_LENGTH:
        raise CitizenError(_("The e-mail address is too long."), field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise CitizenError(_("The e-mail address is not valid."), field="email") from None
    return email


def _check_display_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CitizenError(_("Give the name we should address you by."), field="display_name")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise CitizenError(
            _("The name is too long (at most %(count)d characters).")
            % {"count": DISPLAY_NAME_MAX_LENGTH},
            field="display_name",
        )
    return name


def _check_new_password(password: str, account: CitizenAccount, *, field: str) -> None:
    """The project's password rules (AUTH_PASSWORD_VALIDATORS), all messages in one."""
    if len(password) > PASSWORD_MAX_LENGTH:
        raise CitizenError(
            _("The password is too long (at most %(count)d characters).")
            % {"count": PASSWORD_MAX_LENGTH},
            field=field,
        )
    try:
        # The validators read attributes (``email``), so the account stands in for a user: the
        # similarity check compares the password with the address.
        validate_password(password, user=account, password_validators=citizen_password_validators())  # type: ignore[arg-type]
    except ValidationError as error:
        message = " ".join(str(text) for text in error.messages)
        raise CitizenError(message, field=field) from None


def _mail(account: CitizenAccount, *, topic: str, subject: str, body: str) -> bool:
    """Queue a mail to the account's address unless it had its share this hour."""
    if MAILS_PER_ACCOUNT.reached(str(account.pk)):
        logger.info("Citizen account %s: mail %s not sent (hourly limit).", account.pk, topic)
        return False
    MAILS_PER_ACCOUNT.count(str(account.pk))
    queue_mail(to=account.email, subject=subject, body=body, topic=f"citizens.{topic}")
    return True


def _verification_mail(account: CitizenAccount) -> None:
    link = _site_url(reverse("citizens:verify", args=[tokens.make_verify_token(account)]))
    body = "\n\n".join(
        [
            _("Hello %(name)s,") % {"name": account.display_name},
            _("Please confirm your e-mail address by opening this link:"),
            link,
            _("The link works for %(days)d days. If you did not create an account, ignore this "
              "mail: without the confirmation no account is opened.")
            % {"days": tokens.VERIFY_MAX_AGE.days},
        ]
    )  # fmt: skip
    _mail(account, topic="verify", subject=_("Confirm your e-mail address"), body=body)


def _already_registered_mail(account: CitizenAccount) -> None:
    body = "\n\n".join(
        [
            _("Hello %(name)s,") % {"name": account.display_name},
            _("Someone asked to open an account with this e-mail address, which already has "
              "one. If it was you, sign in here:"),
            _site_url(reverse("citizens:sign_in")),
            _("If you have forgotten your password, you can choose a new one here:"),
            _site_url(reverse("citizens:password_reset")),
            _("If it was not you, ignore this mail: nothing was changed."),
        ]
    )  # fmt: skip
    _mail(account, topic="already_registered", subject=_("You already have an account"), body=body)


def sign_up(
    *, email: str, display_name: str, password: str, now: datetime.datetime | None = None
) -> CitizenAccount | None:
    """Open an account that works once its address is confirmed; mail the confirmation link.

    Whether the address is new or not, the caller sees the same outcome (a mail may be on its
    way), so that the form does not tell who has an account. For an address that has a
    confirmed account, that account is left alone and its owner is told by mail. For one that
    was signed up but never confirmed, the name and password are replaced by these: only
    whoever reads the mailbox can confirm, and the new link is bound to the new password, so
    earlier links stop working. Returns the account concerned, or None for a closed account.
    """
    email = _check_email(email)
    display_name = _check_display_name(display_name)
    candidate = CitizenAccount(email=email, display_name=display_name)
    _check_new_password(password, candidate, field="password")
    # Hashed whatever happens next, so that the time taken says nothing about the address.
    hashed = make_password(password)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            account = CitizenAccount.objects.select_for_update().filter(email=email).first()
            if account is None:
                candidate.password = hashed
                candidate.created_at = now
                candidate.save()
                account = candidate
                audit.record("citizens.sign_up", actor=None, obj=account)
                _verification_mail(account)
            elif not account.is_active:
                return None
            elif account.is_verified:
                _already_registered_mail(account)
            else:
                account.display_name = display_name
                account.password = hashed
                account.save(update_fields=["display_name", "password"])
                audit.record("citizens.sign_up_again", actor=None, obj=account)
                _verification_mail(account)
    except IntegrityError:
        # The same address signed up twice at the same moment: the other one won and mailed.
        return CitizenAccount.objects.filter(email=email).first()
    logger.info("Citizen sign-up handled for account %s.", account.pk)
    return account


def confirm_email(token: str, *, now: datetime.datetime | None = None) -> CitizenAccount:
    """Mark the address of the link's account as confirmed (once; a repeat changes nothing)."""
    with transaction.atomic():
        account = tokens.account_for_verify_token(token)
        if account is None:
            raise CitizenError(link_invalid_message(), code="invalid_link")
        if account.email_verified_at is None:
            account.email_verified_at = now or timezone.now()
            account.save(update_fields=["email_verified_at"])
            audit.record("citizens.confirm_email", actor=None, obj=account)
    return account


def sign_in(*, email: str, password: str, now: datetime.datetime | None = None) -> CitizenAccount:
    """The account these credentials open, its sign-in recorded; else :class:`CitizenError`.

    An unknown address, a wrong password and a closed account get the same message, and take
    the same time (the password is hashed either way). Only someone who knows the password of
    an account whose address is not confirmed yet is told so (code ``unconfirmed``).
    """
    email = normalise_email(email)[:EMAIL_MAX_LENGTH]
    password = password[:PASSWORD_MAX_LENGTH]
    account = CitizenAccount.objects.filter(email=email).first() if email else None
    if account is None:
        make_password(password)  # the same work as a real check
        matched = False
    else:
        matched = check_password(password, account.password, _upgrader(account))
    if account is None or not matched or not account.is_active:
        with transaction.atomic():
            audit.record(
                "citizens.sign_in_failed", actor=None, obj=account, kind=AuditEntry.Kind.SIGN_IN
            )
        raise CitizenError(sign_in_refused_message(), code="refused")
    if not account.is_verified:
        raise CitizenError(
            _("Your e-mail address is not confirmed yet. Open the link in the mail we sent "
              "you; for a new link, sign up again with the same address."),
            code="unconfirmed",
        )  # fmt: skip
    with transaction.atomic():
        account.last_sign_in_at = now or timezone.now()
        account.save(update_fields=["last_sign_in_at"])
        audit.record("citizens.sign_in", actor=None, obj=account, kind=AuditEntry.Kind.SIGN_IN)
    return account


def _upgrader(account: CitizenAccount) -> Callable[[str], None]:
    """Store the password again with the current hasher when the settings changed it."""

    def upgrade(raw: str) -> None:
        account.password = make_password(raw)
        account.save(update_fields=["password"])

    return upgrade


def record_sign_out(account: CitizenAccount) -> None:
    """Note in the audit trail that the account signed out."""
    with transaction.atomic():
        audit.record("citizens.sign_out", actor=None, obj=account, kind=AuditEntry.Kind.SIGN_IN)


def request_password_reset(*, email: str) -> None:
    """Mail a reset link when an active account has this address; say nothing either way."""
    email = _check_email(email)
    with transaction.atomic():
        account = CitizenAccount.objects.filter(email=email, is_active=True).first()
        if account is None:
            return
        link = _site_url(
            reverse("citizens:password_reset_confirm", args=[tokens.make_reset_token(account)])
        )
        hours = int(tokens.RESET_MAX_AGE.total_seconds() // 3600)
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": account.display_name},
                _("To choose a new password for your account, open this link:"),
                link,
                _("The link works for %(hours)d hours and only once. If you did not ask for a "
                  "new password, ignore this mail: your password stays as it is.")
                % {"hours": hours},
            ]
        )  # fmt: skip
        if _mail(account, topic="password_reset", subject=_("Choose a new password"), body=body):
            audit.record("citizens.request_password_reset", actor=None, obj=account)


def reset_password(
    token: str, *, password: str, now: datetime.datetime | None = None
) -> CitizenAccount:
    """Set a new password from a reset link; the link (and every earlier one) is then used up.

    The link proves the mailbox, so an address not yet confirmed counts as confirmed. Other
    browsers signed in to the account are signed out (their session no longer matches).
    """
    with transaction.atomic():
        account = tokens.account_for_reset_token(token)
        if account is None:
            raise CitizenError(link_invalid_message(), code="invalid_link")
        account = CitizenAccount.objects.select_for_update().get(pk=account.pk)
        _check_new_password(password, account, field="password")
        account.password = make_password(password)
        fields = ["password"]
        if account.email_verified_at is None:
            account.email_verified_at = now or timezone.now()
            fields.append("email_verified_at")
        account.save(update_fields=fields)
        audit.record("citizens.reset_password", actor=None, obj=account)
    return account


def claim_request(citizen: CitizenAccount, *, number: str, code: str) -> InfoRequest:
    """List an earlier application under ``citizen``'s account, given its number and query code.

    The same pair as the status page, checked the same way (a wrong number costs the same time
    as a wrong code, and both get one message). An application already listed under another
    account stays there. Returns the application.
    """
    number = number.strip()
    info_request = find_by_number(number)
    if info_request is None:
        make_password(code)  # the same work as a real check
        raise CitizenError(claim_refused_message(), code="no_match")
    if not check_query_code(info_request, code):
        raise CitizenError(claim_refused_message(), code="no_match")
    with transaction.atomic():
        locked = InfoRequest.objects.select_for_update().get(pk=info_request.pk)
        if locked.citizen_id == citizen.pk:
            return locked
        if locked.citizen_id is not None:
            raise CitizenError(
                _("This application is already listed under another account."), code="taken"
            )
        locked.citizen = citizen
        locked.save(update_fields=["citizen"])
        audit.record(
            "citizens.claim_request",
            actor=None,
            obj=locked,
            agency_id=locked.handling_agency_id or locked.agency_id,
            details={"citizen_account": citizen.pk},
        )
    return locked
