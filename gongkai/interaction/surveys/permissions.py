"""Who may do what to a survey, and the queryset every staff page goes through.

An agency's editors (信息员) build its surveys; its reviewers (审核人) publish and close them.
Everyone holding a role at the agency may read its surveys and their results, free-text
answers and exports included; the disclosure office and administrators see every agency's.
Staff of another agency see nothing of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import active_user, agencies_visible_to, has_role
from gongkai.interaction.surveys.models import Survey

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
State = Survey.State


def works_on_surveys(user: UserLike) -> bool:
    """Editors, reviewers and the office work on surveys (the workbench menu entry)."""
    return has_role(user, None, Role.EDITOR, Role.REVIEWER, Role.OFFICE, Role.ADMINISTRATOR)


def can_create_survey(user: UserLike, agency: Agency) -> bool:
    """Make a new survey for ``agency``: its editors."""
    return has_role(user, agency, Role.EDITOR)


def can_edit_survey(user: UserLike, survey: Survey) -> bool:
    """Change the survey's title, introduction, times and results setting: the agency's
    editors, until it is closed."""
    return survey.state != State.CLOSED and has_role(user, survey.agency, Role.EDITOR)


def can_edit_questions(user: UserLike, survey: Survey) -> bool:
    """Whether ``user`` is an editor of the survey's agency (the survey's own condition —
    not closed, no answers yet — is checked by the services, which say why)."""
    return has_role(user, survey.agency, Role.EDITOR)


def can_publish_survey(user: UserLike, survey: Survey) -> bool:
    """Publish a draft: the agency's reviewers."""
    return survey.state == State.DRAFT and has_role(user, survey.agency, Role.REVIEWER)


def can_close_survey(user: UserLike, survey: Survey) -> bool:
    """Close a published survey before (or at) its closing time: the agency's reviewers."""
    return survey.state == State.PUBLISHED and has_role(user, survey.agency, Role.REVIEWER)


def can_view_survey_staff(user: UserLike, survey: Survey) -> bool:
    """See a survey in the workbench with all its answers: staff of its agency, the office."""
    return has_role(user, survey.agency)


def surveys_visible_to(user: UserLike) -> QuerySet[Survey]:
    """Surveys ``user`` may see in the workbench: own agencies'; office and admins all."""
    if active_user(user) is None:
        return Survey.objects.none()
    return Survey.objects.filter(agency__in=agencies_visible_to(user))
