"""Sign-ins, sign-outs and failed sign-ins in the audit trail.

Django's authentication signals are the one decoupled place where every sign-in path (the
workbench form, the admin, a test client) passes; recording them is a side concern, not workflow.
Failed attempts name the username tried, never the password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from gongkai.core.audit import record
from gongkai.core.middleware import client_address
from gongkai.core.models import AuditEntry


def _address(request: HttpRequest | None) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="gongkai.audit.sign_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(
        "auth.sign_in",
        actor=user,
        obj=user,
        kind=AuditEntry.Kind.SIGN_IN,
        address=_address(request),
    )


@receiver(user_logged_out, dispatch_uid="gongkai.audit.sign_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    record(
        "auth.sign_out",
        actor=user,
        obj=user,
        kind=AuditEntry.Kind.SIGN_IN,
        address=_address(request),
    )


@receiver(user_login_failed, dispatch_uid="gongkai.audit.sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))[:150]
    record(
        "auth.sign_in_failed",
        actor=None,
        kind=AuditEntry.Kind.SIGN_IN,
        address=_address(request),
        details={"username": username},
    )
