"""Who may do what in assessment, and the querysets every staff list goes through.

* The disclosure office (公开办) defines the schemes, publishes the scores, keeps the
  accountability records and sees every agency's scorecard. Its members are the assessors: the
  office assigns each hand-scored indicator to one of them, who alone scores it; an indicator
  not assigned yet may be scored by any member of the office (decision 0020). No new role.
* An agency's staff (any role held at the agency itself) see their own agency's scorecards —
  provisional while the year runs, with the records behind each figure — and nothing of
  another agency's, and never an accountability record.
* The administrator's role is configuration: it opens no scorecard and no accountability record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import held_roles, is_office, roles_of
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    HandScore,
    Indicator,
    IndicatorScheme,
)

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
AGENCY_ROLES = frozenset(
    str(role) for role in Role if role not in StaffRole.CROSS_AGENCY_ROLES
)  # the roles held at one agency


def can_manage_schemes(user: UserLike) -> bool:
    """Define, activate and version indicator schemes: the office."""
    return is_office(user)


def can_publish_scores(user: UserLike) -> bool:
    """Publish a year's scorecards: the office."""
    return is_office(user)


def can_score_by_hand(user: UserLike, indicator: Indicator) -> bool:
    """Enter hand scores on ``indicator``: its assessor (the office member assigned), or any
    member of the office while none is assigned."""
    if indicator.kind != Indicator.Kind.MANUAL or not is_office(user):
        return False
    return indicator.assessor_id is None or indicator.assessor_id == getattr(user, "pk", None)


def own_agency_ids(user: UserLike) -> set[int]:
    """The agencies where ``user`` holds a role of the agency's own (not office or admin)."""
    # From the roles read once a request (agencies.permissions.held_roles), not a query more.
    return {agency_id for agency_id, role in held_roles(user) if role in AGENCY_ROLES}


def can_view_scorecard(user: UserLike, agency: Agency) -> bool:
    """See ``agency``'s scorecards in the workbench (provisional ones and the records behind
    the figures): the office, and the agency's own staff."""
    if is_office(user):
        return True
    return bool(roles_of(user, agency) & AGENCY_ROLES)


def scorecard_agencies_for(user: UserLike) -> QuerySet[Agency]:
    """The agencies whose scorecards ``user`` sees in the workbench."""
    if is_office(user):
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=own_agency_ids(user))


def works_on_assessment(user: UserLike) -> bool:
    """Whether the workbench offers ``user`` these pages: the office, or an agency's staff."""
    return is_office(user) or bool(roles_of(user) & AGENCY_ROLES)


def schemes_visible_to(user: UserLike) -> QuerySet[IndicatorScheme]:
    """Schemes ``user`` may open: every one for the office; for an agency's staff the active
    ones and those published (drafts and versions replaced unpublished are the office's)."""
    if is_office(user):
        return IndicatorScheme.objects.all()
    if works_on_assessment(user):
        return IndicatorScheme.objects.filter(
            Q(state=IndicatorScheme.State.ACTIVE) | Q(published_at__isnull=False)
        )
    return IndicatorScheme.objects.none()


def can_download_evidence(user: UserLike, hand_score: HandScore) -> bool:
    """Evidence files are private: the office, and the staff of the agency scored."""
    return can_view_scorecard(user, hand_score.agency)


def can_manage_accountability(user: UserLike) -> bool:
    """Record and read accountability records, with the persons named: the office only."""
    return is_office(user)


def accountability_records_visible_to(user: UserLike) -> QuerySet[AccountabilityRecord]:
    if can_manage_accountability(user):
        return AccountabilityRecord.objects.all()
    return AccountabilityRecord.objects.none()
