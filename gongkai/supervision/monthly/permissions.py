"""Who may see and do what with the monthly tables and the site-health watch.

The disclosure office (公开办) computes, checks and publishes the monthly tables and watches the
health of the whole site. The staff of an agency (any role there) see their own agency's rows
of every table — drafts included, so that they can point out a mistake before it is published
— and the health of their own agency's columns and letters; never another agency's. The public
sees published versions only, through ``monthly.selectors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import active_user, agencies_visible_to, has_role, is_office
from gongkai.supervision.monthly.models import HealthCheck, MonthlyPublication

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike


def can_manage_publications(user: UserLike) -> bool:
    """Compute, recompute, check, publish and correct monthly tables: the office."""
    return is_office(user)


def can_run_health_checks(user: UserLike) -> bool:
    """Run the site-health watch now (the daily job does it anyway): the office."""
    return is_office(user)


def works_here(user: UserLike) -> bool:
    """Holds any role: the workbench entries of this part are for every member of staff."""
    return has_role(user, None)


def publications_visible_to(user: UserLike) -> QuerySet[MonthlyPublication]:
    """The tables ``user`` may open in the workbench: every version for any member of staff
    (what each sees of a table is limited by :func:`figure_agencies_visible_to`)."""
    if active_user(user) is None or not has_role(user, None):
        return MonthlyPublication.objects.none()
    return MonthlyPublication.objects.all()


def figure_agencies_visible_to(user: UserLike) -> QuerySet[Agency]:
    """The agencies whose rows ``user`` may see: all for the office, else their own."""
    if is_office(user):
        return Agency.objects.all()
    return agencies_visible_to(user)


def health_checks_visible_to(user: UserLike) -> QuerySet[HealthCheck]:
    """The findings ``user`` may read: all for the office (the site's own included), else
    those of the agencies where they hold a role."""
    if active_user(user) is None:
        return HealthCheck.objects.none()
    if is_office(user):
        return HealthCheck.objects.all()
    return HealthCheck.objects.filter(agency__in=agencies_visible_to(user))
