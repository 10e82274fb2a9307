"""Queries behind the workbench's own pages."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import held_roles
from gongkai.core.models import AuditEntry, User


def roles_by_agency(
    user: User, *, agencies: list[Agency] | None = None
) -> list[tuple[object, list[StaffRole]]]:
    """The user's roles grouped by agency, in the agencies' display order (one query).

    With ``agencies`` (the request's agencies of the user, already read for the header, in
    display order) and every held role's agency among them, no query: the roles come from
    the request's memo (:func:`gongkai.agencies.permissions.held_roles`)."""
    if agencies is not None:
        held = sorted(held_roles(user))
        by_id = {agency.pk: agency for agency in agencies}
        if all(agency_id in by_id for agency_id, _role in held):
            order = {agency.pk: index for index, agency in enumerate(agencies)}
            result: dict[int, tuple[object, list[StaffRole]]] = {}
            for agency_id, code in sorted(held, key=lambda pair: (order[pair[0]], pair[1])):
                agency = by_id[agency_id]
                result.setdefault(agency_id, (agency, []))[1].append(
                    StaffRole(user_id=user.pk, agency=agency, role=code)
                )
            return list(result.values())
    grouped: dict[int, tuple[object, list[StaffRole]]] = {}
    roles = (
        StaffRole.objects.filter(user_id=user.pk)
        .select_related("agency")
        .order_by("agency__sort_order", "agency_id", "role")
    )
    for role in roles:
        grouped.setdefault(role.agency_id, (role.agency, []))[1].append(role)
    return list(grouped.values())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_audit_entries(
    entries: QuerySet[AuditEntry],
    *,
    action: str = "",
    kind: str = "",
    actor: str = "",
    object_type: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Narrow ``entries`` (already limited to what the user may read) by the page's filters.

    Dates are local calendar days, both ends included.
    """
    if action:
        entries = entries.filter(action__icontains=action)
    if kind:
        entries = entries.filter(kind=kind)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if object_type:
        entries = entries.filter(object_type__icontains=object_type)
    if date_from:
        entries = entries.filter(created_at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return entries
