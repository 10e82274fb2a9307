"""Every change to agencies, membership, staff roles and the site identity.

Each service runs in one transaction, checks the actor's permission with the predicates of
``permissions``, validates with ``full_clean()`` and the cross-object rules below, and writes an
audit entry (``agencies.<service>``) that commits or rolls back with the change.

``actor=None`` is allowed only with ``system=True``: the demonstration loader and data
migrations act as the system, without a person to check.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, MembershipChange, SiteIdentity, StaffRole
from gongkai.agencies.permissions import (
    can_edit_site_identity,
    can_grant_role,
    can_manage_agency,
    can_record_membership,
    forget_roles,
)
from gongkai.agencies.selectors import forget_site_identity
from gongkai.core import audit

if TYPE_CHECKING:
    from gongkai.core.models import User


class AgencyError(ValueError):
    """A change to agencies refused by a rule; the message is translated for the user."""


class AgencyPermissionDenied(AgencyError, PermissionDenied):
    """The actor may not make this change (a 403 where it reaches a view)."""


def _check_actor(actor: User | None, system: bool, allowed: Callable[[], bool]) -> None:
    if system:
        if actor is not None:
            raise AgencyError(_("A system action must not name an acting person."))
        return
    if actor is None or not allowed():
        raise AgencyPermissionDenied(_("You are not allowed to make this change."))


def _editable_fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {
        field.name: field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key
    }


def _check_field_names(model: type[models.Model], fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - set(_editable_fields(model)))
    if unknown:
        raise AgencyError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)},
        )


def _audit_value(instance: models.Model, name: str) -> Any:
    """A field's value as JSON can hold it (a foreign key by its id)."""
    value = getattr(instance, _editable_fields(type(instance))[name].attname)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _apply(instance: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``fields`` on ``instance``; return ``{name: [old, new]}`` for those that differ."""
    changed: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = _audit_value(instance, name)
        setattr(instance, name, value)
        new = _audit_value(instance, name)
        if old != new:
            changed[name] = [old, new]
    return changed


def _check_parent(agency: Agency) -> None:
    """An agency cannot sit below itself, however far down the tree."""
    if agency.pk is None:
        return  # a new agency has no children yet
    parent_id = agency.parent_id
    seen: set[int] = set()
    while parent_id is not None and parent_id not in seen:
        if parent_id == agency.pk:
            raise AgencyError(_("An agency cannot be placed below itself."))
        seen.add(parent_id)
        parent_id = Agency.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()


def create_agency(*, actor: User | None, system: bool = False, **fields: Any) -> Agency:
    """Create a disclosure body. Membership is recorded separately, with its date."""
    with transaction.atomic():
        _check_actor(actor, system, lambda: can_manage_agency(actor))
        _check_field_names(Agency, fields)
        agency = Agency(**fields)
        agency.full_clean()
        agency.save()
        audit.record(
            "agencies.create_agency",
            actor=actor,
            obj=agency,
            agency_id=agency.pk,
            details={"fields": {name: _audit_value(agency, name) for name in sorted(fields)}},
        )
    return agency


def update_agency(
    agency: Agency, *, actor: User | None, system: bool = False, **fields: Any
) -> Agency:
    """Change an agency's name, place in the tree or guide fields (REG 12).

    Nothing is written, not even an audit entry, when no value differs. ``agency`` is refreshed
    from the database afterwards.
    """
    with transaction.atomic():
        _check_actor(actor, system, lambda: can_manage_agency(actor, agency))
        _check_field_names(Agency, fields)
        current = Agency.objects.select_for_update().get(pk=agency.pk)
        changed = _apply(current, fields)
        if changed:
            current.full_clean()
            _check_parent(current)
            current.save(update_fields=[*changed, "updated_at"])
            audit.record(
                "agencies.update_agency",
                actor=actor,
                obj=current,
                agency_id=current.pk,
                details={"changed": changed},
            )
    agency.refresh_from_db()
    return agency


def check_membership_change(
    agency: Agency, *, change: str, date: datetime.date
) -> MembershipChange | None:
    """Raise ``AgencyError`` if ``agency`` cannot join or leave on ``date``.

    Membership is history: a change may not be dated before the agency's last change, an agency
    joins only when it is not a member on that date and leaves only when it is. Returns the last
    change so far (None for an agency that never was a member).
    """
    if change not in MembershipChange.Change.values:
        raise AgencyError(_("Unknown membership change: %(change)s.") % {"change": change})
    last = agency.membership_changes.order_by("-date", "-id").first()
    if last is not None and date < last.date:
        raise AgencyError(
            _("The change cannot be dated before %(agency)s's last membership change (%(date)s).")
            % {"agency": agency, "date": last.date.isoformat()}
        )
    is_member = last is not None and last.change == MembershipChange.Change.JOINED
    if change == MembershipChange.Change.JOINED and is_member:
        raise AgencyError(
            _("%(agency)s is already a member on %(date)s.")
            % {"agency": agency, "date": date.isoformat()}
        )
    if change == MembershipChange.Change.LEFT and not is_member:
        raise AgencyError(
            _("%(agency)s is not a member on %(date)s.")
            % {"agency": agency, "date": date.isoformat()}
        )
    return last


def record_membership_change(
    agency: Agency,
    *,
    actor: User | None,
    change: str,
    date: datetime.date,
    reason: str = "",
    system: bool = False,
) -> MembershipChange:
    """Record ``agency`` joining or leaving the disclosure system (成员单位) on ``date``.

    The agency row is locked so that two people recording changes for it take turns; the rules
    of ``check_membership_change`` then see every earlier change.
    """
    with transaction.atomic():
        _check_actor(actor, system, lambda: can_record_membership(actor))
        if isinstance(date, datetime.datetime):
            raise AgencyError(_("A membership change is dated with a day, not a time."))
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        check_membership_change(locked, change=change, date=date)
        membership_change = MembershipChange(
            agency=locked, change=change, date=date, reason=reason, recorded_by=actor
        )
        membership_change.full_clean()
        membership_change.save()
        audit.record(
            "agencies.record_membership_change",
            actor=actor,
            obj=membership_change,
            agency_id=locked.pk,
            details={"change": change, "date": date.isoformat(), "reason": reason},
        )
    return membership_change


def grant_role(
    user: User,
    *,
    agency: Agency,
    role: str,
    actor: User | None,
    system: bool = False,
) -> StaffRole:
    """Let ``user`` act for ``agency`` in ``role``."""
    with transaction.atomic():
        _check_actor(actor, system, lambda: can_grant_role(actor, agency))
        if role not in StaffRole.Role.values:
            raise AgencyError(_("Unknown role: %(role)s.") % {"role": role})
        if StaffRole.objects.filter(user=user, agency=agency, role=role).exists():
            raise AgencyError(
                _("%(user)s already holds the role %(role)s at %(agency)s.")
                % {"user": user, "role": StaffRole.Role(role).label, "agency": agency}
            )
        staff_role = StaffRole(user=user, agency=agency, role=role, granted_by=actor)
        staff_role.full_clean()
        staff_role.save()
        audit.record(
            "agencies.grant_role",
            actor=actor,
            obj=staff_role,
            agency_id=agency.pk,
            details={"user_id": user.pk, "username": user.get_username(), "role": role},
        )
    forget_roles(user)
    return staff_role


def revoke_role(
    user: User,
    *,
    agency: Agency,
    role: str,
    actor: User | None,
    system: bool = False,
) -> StaffRole:
    """Take ``role`` at ``agency`` away from ``user``; returns the (now deleted) role."""
    with transaction.atomic():
        _check_actor(actor, system, lambda: can_grant_role(actor, agency))
        staff_role = (
            StaffRole.objects.select_for_update()
            .filter(user=user, agency=agency, role=role)
            .first()
        )
        if staff_role is None:
            raise AgencyError(
                _("%(user)s does not hold that role at %(agency)s.")
                % {"user": user, "agency": agency}
            )
        audit.record(
            "agencies.revoke_role",
            actor=actor,
            obj=staff_role,
            agency_id=agency.pk,
            details={"user_id": user.pk, "username": user.get_username(), "role": role},
        )
        staff_role.delete()
    forget_roles(user)
    return staff_role


def update_site_identity(
    *, actor: User | None, system: bool = False, **fields: Any
) -> SiteIdentity:
    """Set the portal's identity shown in every page footer; creates the single row if needed.

    Nothing is written, not even an audit entry, when no value differs.
    """
    with transaction.atomic():
        _check_actor(actor, system, lambda: can_edit_site_identity(actor))
        _check_field_names(SiteIdentity, fields)
        identity = SiteIdentity.objects.select_for_update().filter(pk=1).first()
        creating = identity is None
        if identity is None:
            identity = SiteIdentity(pk=1)
        changed = _apply(identity, fields)
        if creating or changed:
            identity.full_clean()
            if creating:
                identity.save(force_insert=True)
            else:
                identity.save(update_fields=[*changed, "updated_at"])
            audit.record(
                "agencies.update_site_identity",
                actor=actor,
                obj=identity,
                agency_id=identity.government_id,
                details={"changed": changed},
            )
            forget_site_identity()  # the request's memo (selectors.site_identity) is stale
    return identity
