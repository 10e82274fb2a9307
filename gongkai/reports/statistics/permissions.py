"""Who may see and do what with statistics submissions.

An agency's editors (信息员) and heads fill in and submit their own agency's submissions; any
member of staff of an agency sees that agency's submissions, never another agency's. The
disclosure office (公开办) sees every submission, checks, returns and accepts them, and reads
the statistics page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import active_user, agencies_visible_to, has_role, is_office
from gongkai.reports.statistics.models import StatisticsSubmission

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
FILLING_ROLES = (Role.EDITOR, Role.HEAD)


def works_here(user: UserLike) -> bool:
    """Holds any role: the workbench entry is for every member of staff."""
    return has_role(user, None)


def can_fill(user: UserLike, submission: StatisticsSubmission) -> bool:
    """Fill in, save and submit: the agency's editors and heads, or the office."""
    return is_office(user) or has_role(user, submission.agency, *FILLING_ROLES)


def can_check(user: UserLike) -> bool:
    """Return or accept submissions, read the statistics page: the office."""
    return is_office(user)


def submissions_visible_to(user: UserLike) -> QuerySet[StatisticsSubmission]:
    """Every submission for the office; else those of the agencies where ``user`` holds a
    role (agency A's staff never see agency B's)."""
    if active_user(user) is None:
        return StatisticsSubmission.objects.none()
    if is_office(user):
        return StatisticsSubmission.objects.all()
    return StatisticsSubmission.objects.filter(agency__in=agencies_visible_to(user))
