"""Who may see and do what with key tasks and supervision notices.

* The disclosure office (公开办) builds the plans, assigns the tasks, accepts them or sends
  them back, decides on extensions and issues the notices; it sees everything.
* An agency's staff — any role held at the agency (editor, reviewer, handler, legal reviewer,
  head) — see the tasks their agency leads or shares and the notices sent to it.
* Acting for the agency (signing for a task, reporting progress, asking for an extension,
  reporting completion, answering a notice) takes its **head** (机关负责人) or its **editor**
  (信息员, the agency's liaison for disclosure work): the people who speak for the agency on
  its disclosure work. A handler or reviewer may read along but not commit the agency.
* A co-responsible agency's head or editor may report its part of a task (no percentage, no
  change of state); signing, extensions and completion are the lead agency's.
* Staff of any other agency see none of it; nor does the administrator role by itself (the
  office's work is not configuration).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import has_role, held_roles, is_office
from gongkai.supervision.plans.models import (
    KeyTask,
    NoticeRecipient,
    SupervisionNotice,
    WorkPlan,
)

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
ACTING_ROLES = (Role.HEAD, Role.EDITOR)
CROSS_AGENCY = frozenset({str(Role.OFFICE), str(Role.ADMINISTRATOR)})


def _own_agency_ids(user: UserLike, *roles: str) -> list[int]:
    """The agencies where ``user`` holds a role of their own (one of ``roles`` if named):
    the office and administrator roles do not make an agency one's own. From the request's
    memo of the user's roles."""
    wanted = {str(role) for role in roles}
    return sorted(
        {
            agency_id
            for agency_id, role in held_roles(user)
            if role not in CROSS_AGENCY and (not wanted or role in wanted)
        }
    )


def acting_agency_ids(user: UserLike) -> list[int]:
    """The agencies for which ``user`` acts on tasks and notices (as head or editor)."""
    return _own_agency_ids(user, *ACTING_ROLES)


# --- plans -----------------------------------------------------------------------------------


def can_manage_plans(user: UserLike) -> bool:
    """Build plans, assign tasks, accept or send back, decide extensions: the office."""
    return is_office(user)


def plans_visible_to(user: UserLike) -> QuerySet[WorkPlan]:
    """The plans whose workbench page ``user`` may open: the office's."""
    if is_office(user):
        return WorkPlan.objects.all()
    return WorkPlan.objects.none()


# --- tasks -----------------------------------------------------------------------------------


def tasks_visible_to(user: UserLike) -> QuerySet[KeyTask]:
    """Every task for the office; else the tasks an agency where ``user`` holds a role leads
    or shares. Every staff list and page of tasks starts from this."""
    if is_office(user):
        return KeyTask.objects.all()
    own = _own_agency_ids(user)
    if not own:
        return KeyTask.objects.none()
    shared = KeyTask.co_agencies.through.objects.filter(agency_id__in=own).values("keytask_id")
    return KeyTask.objects.filter(Q(lead_agency_id__in=own) | Q(pk__in=shared))


def can_view_task(user: UserLike, task: KeyTask) -> bool:
    if is_office(user):
        return True
    return tasks_visible_to(user).filter(pk=task.pk).exists()


def can_act_as_lead(user: UserLike, task: KeyTask) -> bool:
    """Sign for, report progress and completion, ask for an extension: the lead agency's head
    or editor."""
    return has_role(user, task.lead_agency, *ACTING_ROLES)


def contributing_agency(user: UserLike, task: KeyTask) -> Agency | None:
    """The co-responsible agency of ``task`` for which ``user`` may report its part (its head
    or editor), if any; the first in display order when they hold several."""
    own = set(_own_agency_ids(user, *ACTING_ROLES))
    if not own:
        return None
    for agency in task.co_agencies.order_by("sort_order", "id"):
        if agency.pk in own:
            return agency
    return None


def can_report_on_task(user: UserLike, task: KeyTask) -> bool:
    """Report progress: the lead agency's, or a co-responsible agency's, head or editor."""
    return can_act_as_lead(user, task) or contributing_agency(user, task) is not None


def has_task_role(user: UserLike) -> bool:
    """Whether the workbench shows ``user`` the key tasks at all: the office, or anyone with
    a role of their own at an agency."""
    return is_office(user) or bool(_own_agency_ids(user))


# --- notices ---------------------------------------------------------------------------------


def notices_visible_to(user: UserLike) -> QuerySet[SupervisionNotice]:
    """Every notice for the office; else the issued (or closed) notices sent to an agency
    where ``user`` holds a role. A draft is the office's alone."""
    if is_office(user):
        return SupervisionNotice.objects.all()
    own = _own_agency_ids(user)
    if not own:
        return SupervisionNotice.objects.none()
    sent = NoticeRecipient.objects.filter(agency_id__in=own).values("notice_id")
    return SupervisionNotice.objects.filter(pk__in=sent).exclude(
        state=SupervisionNotice.State.DRAFT
    )


def recipients_visible_to(user: UserLike, notice: SupervisionNotice) -> QuerySet[NoticeRecipient]:
    """The answers ``user`` may read: all for the office, else their own agencies' only (one
    agency does not read another's report)."""
    rows = notice.recipients.select_related("agency", "replied_by")
    if is_office(user):
        return rows
    return rows.filter(agency_id__in=_own_agency_ids(user))


def can_answer_notice(user: UserLike, recipient: NoticeRecipient) -> bool:
    """Answer for a recipient agency: its head or editor."""
    return has_role(user, recipient.agency, *ACTING_ROLES)


def answerable_recipients(user: UserLike, notice: SupervisionNotice) -> list[NoticeRecipient]:
    """The recipients of ``notice`` for which ``user`` may answer."""
    own = set(_own_agency_ids(user, *ACTING_ROLES))
    return [row for row in notice.recipients.select_related("agency") if row.agency_id in own]
