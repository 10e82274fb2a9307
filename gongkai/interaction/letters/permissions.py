"""Who may see and do what with letters.

The disclosure office (公开办) receives every letter, accepts or refuses it and routes it (转办);
it sees all of them. The handling agency's handlers (承办人) draft the reply and its reviewers
(审核人) approve it or send it back; they see only the letters assigned to their agency, and
only from the moment they are assigned. Staff of any other agency, and the administrator, see
none: the writer's name, phone and e-mail are on every letter. A replied letter is published
as public Q&A (公开答复) by the handling agency's reviewer or the office.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import active_user, has_role, is_office, roles_of
from gongkai.interaction.letters.models import Letter

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
CASE_ROLES = (Role.HANDLER, Role.REVIEWER)


def letters_visible_to(user: UserLike) -> QuerySet[Letter]:
    """The letters ``user`` may open: every one for the office, else those handled by an
    agency where ``user`` is a handler or reviewer. Every staff list and page of letters
    starts from this."""
    account = active_user(user)
    if account is None:
        return Letter.objects.none()
    if is_office(account):
        return Letter.objects.all()
    agency_ids = account.staff_roles.filter(role__in=CASE_ROLES).values("agency_id")
    return Letter.objects.filter(handling_agency__in=agency_ids)


def can_view_letter(user: UserLike, letter: Letter) -> bool:
    if is_office(user):
        return True
    agency = letter.handling_agency
    return agency is not None and has_role(user, agency, *CASE_ROLES)


def can_receive_letters(user: UserLike) -> bool:
    """Register, accept, refuse, assign, transfer and close letters: the disclosure office."""
    return is_office(user)


def can_handle_letter(user: UserLike, letter: Letter) -> bool:
    """Draft the reply and send it for review: the handling agency's handler."""
    agency = letter.handling_agency
    return agency is not None and has_role(user, agency, Role.HANDLER)


def can_review_letter(user: UserLike, letter: Letter) -> bool:
    """Approve the reply or return it: the handling agency's reviewer."""
    agency = letter.handling_agency
    return agency is not None and has_role(user, agency, Role.REVIEWER)


def can_publish_letter(user: UserLike, letter: Letter) -> bool:
    """Propose, confirm and withdraw the letter's public Q&A (公开答复): the handling agency's
    reviewer, or the office. Whether the letter may be published at all (the writer's consent,
    a reply) is the service's to check."""
    if is_office(user):
        return True
    agency = letter.handling_agency
    return agency is not None and has_role(user, agency, Role.REVIEWER)


def has_letter_role(user: UserLike) -> bool:
    """Whether the workbench should show ``user`` the letters at all."""
    return is_office(user) or bool(roles_of(user) & {str(role) for role in CASE_ROLES})


def can_view_letter_statistics(user: UserLike) -> bool:
    """Read the letters' statistics in the workbench: the office (every agency's and the
    government's) and the agencies' handlers and reviewers (their own agencies')."""
    return has_letter_role(user)


def statistics_agencies_for(user: UserLike) -> set[int] | None:
    """The agencies whose letter statistics ``user`` may read: None for the office (every
    agency and the government's totals), else the agencies where ``user`` handles or reviews
    letters (an empty set for anyone else)."""
    account = active_user(user)
    if account is None:
        return set()
    if is_office(account):
        return None
    return set(account.staff_roles.filter(role__in=CASE_ROLES).values_list("agency_id", flat=True))
