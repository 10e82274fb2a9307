"""Who may see and do what with applications.

The applicant's personal data is visible only to the disclosure office, and to the handling
agency's handlers, legal reviewers and head (REGULATION.md §2; issue 5, "Privacy"). Staff of
the agency asked see nothing until it is assigned to them; staff of any other agency never do.
An administrator runs the installation but does not read applications.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import active_user, has_role, is_office, roles_of
from gongkai.info_requests.models import InfoRequest

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
CASE_ROLES = (Role.HANDLER, Role.LEGAL_REVIEWER, Role.HEAD)


def requests_visible_to(user: UserLike) -> QuerySet[InfoRequest]:
    """The applications ``user`` may open: every one for the office, else those handled by an
    agency where ``user`` is a handler, legal reviewer or head. Every list, export and search
    of applications goes through this."""
    account = active_user(user)
    if account is None:
        return InfoRequest.objects.none()
    if is_office(account):
        return InfoRequest.objects.all()
    agency_ids = account.staff_roles.filter(role__in=CASE_ROLES).values("agency_id")
    return InfoRequest.objects.filter(handling_agency__in=agency_ids)


def can_view_request(user: UserLike, request: InfoRequest) -> bool:
    if is_office(user):
        return True
    agency = request.handling_agency
    return agency is not None and has_role(user, agency, *CASE_ROLES)


def can_receive_requests(user: UserLike) -> bool:
    """Register, accept, ask for correction, assign, transfer, close at receipt, grant an
    extension: the disclosure office (公开办)."""
    return is_office(user)


def can_handle_request(user: UserLike, request: InfoRequest) -> bool:
    """Draft the reply, consult, issue a fee notice, deliver: the handling agency's handler."""
    agency = request.handling_agency
    return agency is not None and has_role(user, agency, Role.HANDLER)


def can_review_request(user: UserLike, request: InfoRequest) -> bool:
    """The legal review (合法性审查) of the handling agency."""
    agency = request.handling_agency
    return agency is not None and has_role(user, agency, Role.LEGAL_REVIEWER)


def can_approve_request(user: UserLike, request: InfoRequest) -> bool:
    """The head's approval, where the agency requires it."""
    agency = request.handling_agency
    return agency is not None and has_role(user, agency, Role.HEAD)


def has_request_role(user: UserLike) -> bool:
    """Whether the workbench should show ``user`` the applications at all."""
    return is_office(user) or bool(roles_of(user) & {str(role) for role in CASE_ROLES})


# Notice templates and settings (告知书模板): the letters an agency issues. An agency's own
# disclosure staff — its handlers, who write the letters, and its head, who answers for them —
# edit its templates and settings; the disclosure office edits every agency's and, alone, the
# defaults that every agency without its own uses.
NOTICE_TEMPLATE_ROLES = (Role.HANDLER, Role.HEAD)


def can_edit_notice_templates(user: UserLike, agency: Agency | None) -> bool:
    """Edit ``agency``'s notice templates and settings (``None``: the defaults)."""
    if agency is None:
        return is_office(user)
    return is_office(user) or has_role(user, agency, *NOTICE_TEMPLATE_ROLES)


def notice_template_agencies_for(user: UserLike) -> QuerySet[Agency]:
    """The agencies whose notice templates ``user`` may edit: every one for the office."""
    account = active_user(user)
    if account is None:
        return Agency.objects.none()
    if is_office(account):
        return Agency.objects.all()
    agency_ids = account.staff_roles.filter(role__in=NOTICE_TEMPLATE_ROLES).values("agency_id")
    return Agency.objects.filter(pk__in=agency_ids)


def may_edit_notice_templates(user: UserLike) -> bool:
    """Whether the workbench should offer ``user`` the notice templates at all."""
    return is_office(user) or bool(roles_of(user) & {str(role) for role in NOTICE_TEMPLATE_ROLES})
