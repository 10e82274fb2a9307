"""Who may enter which figures, and the querysets every staff list goes through.

An agency's editors (信息员) enter their own agency's service logs, channel figures and opinion
responses; the disclosure office (公开办) enters every agency's, and alone records the hotline
sessions, which belong to the government's programme rather than to one agency. Other staff —
and an agency's editors for another agency's records — see and change nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import active_user, has_role, is_office, roles_of
from gongkai.interaction.channels.models import (
    Channel,
    ChannelFigure,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
    ServicePoint,
)

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
ENTRY_ROLES = (Role.EDITOR, Role.OFFICE)


def works_on_channels(user: UserLike) -> bool:
    """Whether the workbench should offer ``user`` these pages at all: an editor somewhere,
    or the office."""
    return is_office(user) or Role.EDITOR.value in roles_of(user)


def can_enter_figures(user: UserLike, agency: Agency) -> bool:
    """Enter and correct ``agency``'s service logs, channel figures and opinion responses."""
    return has_role(user, agency, *ENTRY_ROLES)


def can_record_hotline_sessions(user: UserLike) -> bool:
    """Record and correct hotline sessions: the disclosure office."""
    return is_office(user)


def figure_agencies_for(user: UserLike) -> QuerySet[Agency]:
    """The agencies whose figures ``user`` enters: every one for the office."""
    account = active_user(user)
    if account is None:
        return Agency.objects.none()
    if is_office(account):
        return Agency.objects.all()
    agency_ids = account.staff_roles.filter(role=Role.EDITOR).values("agency_id")
    return Agency.objects.filter(pk__in=agency_ids)


def hotline_sessions_visible_to(user: UserLike) -> QuerySet[HotlineSession]:
    if can_record_hotline_sessions(user):
        return HotlineSession.objects.all()
    return HotlineSession.objects.none()


def service_points_visible_to(user: UserLike) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(agency__in=figure_agencies_for(user))


def service_logs_visible_to(user: UserLike) -> QuerySet[ServiceLog]:
    return ServiceLog.objects.filter(point__agency__in=figure_agencies_for(user))


def channels_visible_to(user: UserLike) -> QuerySet[Channel]:
    return Channel.objects.filter(agency__in=figure_agencies_for(user))


def channel_figures_visible_to(user: UserLike) -> QuerySet[ChannelFigure]:
    return ChannelFigure.objects.filter(channel__agency__in=figure_agencies_for(user))


def opinions_visible_to(user: UserLike) -> QuerySet[OpinionResponse]:
    return OpinionResponse.objects.filter(agency__in=figure_agencies_for(user))
