"""Who may do what for which agency: predicates and the querysets every list goes through.

A member of staff acts for the agencies where they hold a role (``StaffRole``). Two roles reach
across agencies: the disclosure office (公开办) and the administrator; a superuser counts as an
administrator. Anonymous and inactive users hold no role and see nothing here.

The ``*_visible_to`` querysets are the mechanism that keeps one agency's non-public records from
another agency's staff: pages, searches, exports and the API start from them, never from
``Model.objects``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import Agency, StaffRole
from gongkai.core.context import request_memo
from gongkai.core.models import AuditEntry, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    UserLike = User | AnonymousUser | None

Role = StaffRole.Role
CROSS_AGENCY_ROLES: frozenset[str] = frozenset(str(role) for role in StaffRole.CROSS_AGENCY_ROLES)


def active_user(user: UserLike) -> User | None:
    """``user`` when it is a signed-in account that has not been switched off, else None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user  # type: ignore[return-value]  # an authenticated user is a User


def _role_rows(user: User) -> list[tuple[int, str]]:
    """The (agency, role) pairs ``user`` holds: one query a request, however many checks."""
    memo = request_memo.get()
    key = ("agencies.roles", user.pk)
    if memo is not None and key in memo:
        return memo[key]
    rows = list(StaffRole.objects.filter(user_id=user.pk).values_list("agency_id", "role"))
    if memo is not None:
        memo[key] = rows
    return rows


def forget_roles(user: User) -> None:
    """Drop the request's memo of ``user``'s roles (after granting or revoking one)."""
    memo = request_memo.get()
    if memo is not None:
        memo.pop(("agencies.roles", user.pk), None)


def held_roles(user: UserLike) -> list[tuple[int, str]]:
    """The (agency id, role) pairs ``user`` holds, as stored (no implied roles): one query a
    request, shared with every other check."""
    account = active_user(user)
    if account is None:
        return []
    return list(_role_rows(account))


def roles_of(user: UserLike, agency: Agency | None = None) -> set[str]:
    """The roles ``user`` may exercise at ``agency`` (or anywhere, when ``agency`` is None).

    The office and administrator roles count at every agency wherever they are held; a
    superuser holds the administrator role implicitly.
    """
    account = active_user(user)
    if account is None:
        return set()
    roles = {
        role
        for agency_id, role in _role_rows(account)
        if agency is None or agency_id == agency.pk or role in CROSS_AGENCY_ROLES
    }
    if account.is_superuser:
        roles.add(Role.ADMINISTRATOR.value)
    return roles


def has_role(user: UserLike, agency: Agency | None, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles`` at ``agency`` (any role when none are named)."""
    held = roles_of(user, agency)
    if not roles:
        return bool(held)
    return bool(held & {str(role) for role in roles})


def is_office(user: UserLike) -> bool:
    """Holds the disclosure office role (公开办) anywhere."""
    account = active_user(user)
    if account is None:
        return False
    return any(role == Role.OFFICE for _agency, role in _role_rows(account))


def is_administrator(user: UserLike) -> bool:
    """Holds the administrator role anywhere, or is a superuser."""
    account = active_user(user)
    if account is None:
        return False
    if account.is_superuser:
        return True
    return any(role == Role.ADMINISTRATOR for _agency, role in _role_rows(account))


def _is_office_or_administrator(user: UserLike) -> bool:
    return bool(roles_of(user) & CROSS_AGENCY_ROLES)


def agencies_visible_to(user: UserLike) -> QuerySet[Agency]:
    """The agencies where ``user`` acts: every agency for the office and administrators."""
    account = active_user(user)
    if account is None:
        return Agency.objects.none()
    if _is_office_or_administrator(account):
        return Agency.objects.all()
    return Agency.objects.filter(pk__in={agency_id for agency_id, _role in _role_rows(account)})


def can_manage_agency(user: UserLike, agency: Agency | None = None) -> bool:
    """Create or edit agencies (and their guide fields): administrators only."""
    return is_administrator(user)


def can_record_membership(user: UserLike) -> bool:
    """Record an agency joining or leaving the disclosure system: the office or administrators."""
    return _is_office_or_administrator(user)


def can_grant_role(user: UserLike, agency: Agency | None = None) -> bool:
    """Grant or revoke staff roles: administrators only."""
    return is_administrator(user)


def can_edit_site_identity(user: UserLike) -> bool:
    """Change the portal's identity (name, sponsor, filing numbers): administrators only."""
    return is_administrator(user)


def can_view_audit_trail(user: UserLike) -> bool:
    """Read the audit trail: the office or administrators."""
    return _is_office_or_administrator(user)


def audit_entries_visible_to(user: UserLike) -> QuerySet[AuditEntry]:
    """Audit entries ``user`` may read: all for the office and administrators, none otherwise."""
    if can_view_audit_trail(user):
        return AuditEntry.objects.all()
    return AuditEntry.objects.none()


def staff_visible_to(user: UserLike) -> QuerySet[User]:
    """Accounts ``user`` may see.

    Administrators see every account (they grant roles to people who hold none yet); the office
    sees everyone who holds a role; other staff see the people holding a role in one of their
    own agencies (themselves included).
    """
    users = User.objects
    account = active_user(user)
    if account is None:
        return users.none()
    if is_administrator(account):
        return users.all()
    if is_office(account):
        return users.filter(pk__in=StaffRole.objects.values("user_id"))
    own_agencies = StaffRole.objects.filter(user_id=account.pk).values("agency_id")
    colleagues = StaffRole.objects.filter(agency_id__in=own_agencies).values("user_id")
    return users.filter(pk__in=colleagues)
