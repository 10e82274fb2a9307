"""Key tasks and supervision notices in the workbench's "my queue".

The office sees the tasks waiting for its decision (a completion to accept or send back, an
extension request). An agency's heads and editors see their agency's tasks to sign for, sent
back or at a warning level (blue, yellow, red), and the notices it has not answered yet. The
due date is the task's deadline or the notice's reply deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.permissions import is_office
from gongkai.supervision.plans import selectors
from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User
    from gongkai.supervision.plans.models import KeyTask

LIMIT = 100


def _title(task: KeyTask) -> str:
    return _("%(year)s key task %(number)s: %(title)s") % {
        "year": task.plan.year,
        "number": task.number,
        "title": task.title,
    }


def key_tasks_waiting(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    today = timezone.localdate()
    office = is_office(user)
    if office:  # both lists in one query
        waiting, due = selectors.office_queue(user, today=today)
    else:
        waiting = []
        due = selectors.agency_tasks_due(
            user, today=today, agency_id=agency.pk if agency is not None else None
        )
    for task in waiting[:LIMIT]:
        state = task.get_state_display()
        if task.extension_requested_until is not None:
            state = _("extension requested until %(date)s") % {
                "date": task.extension_requested_until.isoformat()
            }
        yield QueueItem(
            title=_title(task),
            url=reverse("plans_staff:task", args=[task.pk]),
            due=task.deadline,
            state=state,
            kind=gettext_lazy("key task"),
        )
    agency_id = agency.pk if agency is not None and not office else None
    for row in due[:LIMIT]:
        state = row.task.get_state_display()
        if row.warning.is_warning:
            state = f"{state} · {row.warning.label}: {row.warning.text}"
        yield QueueItem(
            title=_title(row.task),
            url=reverse("plans_staff:task", args=[row.task.pk]),
            due=row.task.deadline,
            state=state,
            kind=gettext_lazy("key task"),
        )
    for recipient in selectors.notices_waiting(user, agency_id=agency_id)[:LIMIT]:
        yield QueueItem(
            title=recipient.notice.subject,
            url=reverse("plans_staff:notice", args=[recipient.notice_id]),
            due=recipient.notice.reply_deadline,
            state=_("waiting for %(agency)s's answer") % {"agency": recipient.agency.name},
            kind=gettext_lazy("supervision notice"),
        )


def register() -> None:
    register_queue_source(key_tasks_waiting)
