"""The audit trail (审计日志): append-only entries written by services.

Every service that changes state calls :func:`record` inside its own transaction, so the entry
commits or rolls back with the change. Views that show personal data call :func:`record_read`.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models
from django.utils import timezone

from gongkai.core.context import request_address
from gongkai.core.models import AuditEntry, User


def record(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    agency_id: int | None = None,
    details: dict[str, Any] | None = None,
    kind: str = AuditEntry.Kind.CHANGE,
    address: str | None = None,
) -> AuditEntry:
    """Append one audit entry.

    ``action`` is a dotted code such as ``agencies.grant_role``. The client address defaults to
    the current request's (set by ``RequestContextMiddleware``). ``details`` must not carry
    personal data of applicants or writers: name the record, not its contents.
    """
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    raw_address = address if address is not None else request_address.get()
    client_address = _valid_address(raw_address)
    if raw_address and client_address is None:
        # Kept, but not in the typed column: an address PostgreSQL's inet cannot hold would
        # otherwise abort the transaction of the change being recorded.
        details = {**(details or {}), "unparsed_address": raw_address[:100]}
    return AuditEntry.objects.create(
        created_at=timezone.now(),
        actor=actor_obj,
        actor_name=actor_obj.get_username() if actor_obj is not None else "",
        address=client_address,
        kind=kind,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        agency_id=agency_id,
        details=details or {},
    )


def _valid_address(value: str | None) -> str | None:
    """``value`` as a normalised IP address, or None when it is not one.

    The address comes from REMOTE_ADDR or X-Forwarded-For, which a misconfigured proxy (or,
    with too high a trusted-proxy count, the client) may fill with anything.
    """
    if not value:
        return None
    try:
        parsed = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.scope_id:
        # A zone (fe80::1%eth0) names the server's interface; databases do not store it.
        parsed = ipaddress.IPv6Address(parsed.packed)
    return str(parsed)


def record_read(
    obj: models.Model,
    *,
    actor: User,
    agency_id: int | None = None,
    fields: list[str] | None = None,
) -> AuditEntry:
    """Record that ``actor`` viewed personal data held on ``obj`` (which fields, not values)."""
    return record(
        "personal_data.read",
        actor=actor,
        obj=obj,
        agency_id=agency_id,
        details={"fields": fields or []},
        kind=AuditEntry.Kind.READ,
    )
