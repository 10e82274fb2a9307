"""The staff password policy (issue 9, "Staff sign-in"; decision 0024).

China's 网络安全等级保护 2.0 level 3 (GB/T 22239-2019) asks for complex passwords changed
periodically; OWASP ASVS level 2 advises against composition rules and forced rotation. We
follow level 3 with settings an operator can relax: at least 12 characters (Django's
MinimumLengthValidator), three of the four character classes, not a common password, none of
the last five, and an expiry after ``GONGKAI_PASSWORD_MAX_AGE_DAYS`` days (0: never).

Every password set on a user — a form, the admin, ``createsuperuser``, a script — passes
through ``User.save`` and so through :meth:`PasswordHistoryValidator.password_changed`, which
keeps its hash: the history and the password's age are never missed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongkai.core.models import PasswordHistory


def _is_staff_user(user: Any) -> bool:
    """A saved user of the staff model (never a citizen's account)."""
    from django.contrib.auth import get_user_model

    return isinstance(user, get_user_model()) and user.pk is not None


CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("other", lambda c: not c.isalnum()),
)


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, capital "
            "letters, digits and other characters."
        ) % {"count": self.min_classes}


class PasswordHistoryValidator:
    """None of the user's last ``remember`` passwords; records each new one."""

    def __init__(self, remember: int = 5) -> None:
        self.remember = remember

    def _recent(self, user: Any) -> list[PasswordHistory]:
        if not _is_staff_user(user):
            return []
        return list(PasswordHistory.objects.filter(user_id=user.pk)[: self.remember])

    def validate(self, password: str, user: Any = None) -> None:
        for earlier in self._recent(user):
            if check_password(password, earlier.password):
                raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        if not _is_staff_user(user):
            return
        PasswordHistory.objects.create(
            user_id=user.pk, password=user.password, changed_at=timezone.now()
        )
        keep = PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[
            : max(self.remember, 1)
        ]
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=list(keep)).delete()

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(count)d passwords.",
            self.remember,
        ) % {"count": self.remember}


def max_age() -> datetime.timedelta | None:
    days = int(getattr(settings, "GONGKAI_PASSWORD_MAX_AGE_DAYS", 0) or 0)
    return datetime.timedelta(days=days) if days > 0 else None


def password_changed_at(user: Any) -> datetime.datetime | None:
    """When the user's password was last set (their joining, before the history began)."""
    latest = PasswordHistory.objects.filter(user_id=user.pk).values_list("changed_at", flat=True)
    return latest.first() or getattr(user, "date_joined", None)


def password_expired(user: Any, *, now: datetime.datetime | None = None) -> bool:
    limit = max_age()
    if limit is None or not getattr(user, "is_authenticated", False):
        return False
    changed = password_changed_at(user)
    if changed is None:
        return False
    return (now or timezone.now()) - changed > limit


STAFF_ONLY = (CharacterClassesValidator, PasswordHistoryValidator)


def citizen_password_validators() -> list[Any]:
    """The rules for the public's optional accounts: ASVS's (length, not common, not like the
    address) without the staff's composition and history rules, which ASVS advises against
    and which the 等保 level-3 requirement does not extend to the public."""
    from django.contrib.auth.password_validation import get_default_password_validators

    return [v for v in get_default_password_validators() if not isinstance(v, STAFF_ONLY)]
