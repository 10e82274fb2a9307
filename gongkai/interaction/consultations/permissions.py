"""Who may do what to a consultation on a draft, and the queryset every staff page goes through.

An agency's editors (信息员) prepare its consultations while they are drafts; its reviewers
(审核人) publish them after the confidentiality review — never one they made themselves (a
second pair of eyes, as for documents) —, moderate the comments, close a consultation early,
and write and publish the feedback. The disclosure office and administrators see every
agency's consultations; other staff see their own agencies' only. A commenter's contact is
shown to the agency's reviewers and to the office, who may need to reach the commenter.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import active_user, agencies_visible_to, has_role
from gongkai.interaction.consultations import workflow
from gongkai.interaction.consultations.models import Consultation

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
State = Consultation.State


def consultations_visible_to(user: UserLike) -> QuerySet[Consultation]:
    """Consultations ``user`` may see in the workbench: own agencies'; office and admins all."""
    if active_user(user) is None:
        return Consultation.objects.none()
    return Consultation.objects.filter(agency__in=agencies_visible_to(user))


def can_view_consultation_staff(user: UserLike, consultation: Consultation) -> bool:
    """See a consultation in the workbench, drafts, comments and history included."""
    return has_role(user, consultation.agency)


def can_create_consultation(user: UserLike, agency: Agency) -> bool:
    """Prepare a new consultation for ``agency``: its editors."""
    return has_role(user, agency, Role.EDITOR)


def can_edit_consultation(user: UserLike, consultation: Consultation) -> bool:
    """Change the draft, its articles and attachments: the agency's editors, while a draft."""
    return consultation.state in workflow.EDITABLE_STATES and has_role(
        user, consultation.agency, Role.EDITOR
    )


def can_publish_consultation(user: UserLike, consultation: Consultation) -> bool:
    """Publish a draft after the confidentiality review: the agency's reviewers, not the
    person who made it."""
    account = active_user(user)
    if account is None or consultation.state != State.DRAFT:
        return False
    if consultation.created_by_id is not None and consultation.created_by_id == account.pk:
        return False
    return has_role(account, consultation.agency, Role.REVIEWER)


def is_reviewer_of(user: UserLike, consultation: Consultation) -> bool:
    """Holds the reviewer role at the consultation's agency, whose actions (closing, moderating,
    the feedback, the final document) are all its reviewers'. Views check it before reading a
    form, so that anyone else is refused whatever they send; the services check the full rule,
    state included."""
    return has_role(user, consultation.agency, Role.REVIEWER)


def can_moderate_comments(user: UserLike, consultation: Consultation) -> bool:
    """Show or hide comments: the agency's reviewers, while open or closed."""
    return consultation.state in workflow.MODERATION_STATES and has_role(
        user, consultation.agency, Role.REVIEWER
    )


def can_close_consultation(user: UserLike, consultation: Consultation) -> bool:
    """Close before the closing day: the agency's reviewers."""
    return consultation.state == State.OPEN and has_role(user, consultation.agency, Role.REVIEWER)


def can_write_feedback(
    user: UserLike, consultation: Consultation, *, now: datetime.datetime | None = None
) -> bool:
    """Write and publish the feedback report: the agency's reviewers, once closed (or open
    past its closing day, which the first feedback action closes)."""
    ended = consultation.state == State.CLOSED or (
        consultation.state == State.OPEN and (now or timezone.now()) >= consultation.closes_at
    )
    return ended and has_role(user, consultation.agency, Role.REVIEWER)


def can_link_final_document(user: UserLike, consultation: Consultation) -> bool:
    """Link the final document after the feedback was published: the agency's reviewers."""
    return consultation.state == State.FEEDBACK and has_role(
        user, consultation.agency, Role.REVIEWER
    )


def can_view_contacts(user: UserLike, consultation: Consultation) -> bool:
    """Read the commenters' contacts: the agency's reviewers and the office (audited)."""
    return has_role(user, consultation.agency, Role.REVIEWER, Role.OFFICE)


def works_on_consultations(user: object) -> bool:
    """Whether the workbench should offer ``user`` the consultations at all."""
    return has_role(user, None, Role.EDITOR, Role.REVIEWER, Role.OFFICE)  # type: ignore[arg-type]
