"""Applications in the workbench's "my queue": what waits for this person now.

The office sees what it must receive, accept or chase for correction; a handler what the
handling agency works on; a legal reviewer and a head what waits for their decision. The due
date is the reply clock's (None while paused).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import is_office, roles_of
from gongkai.info_requests import selectors
from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User

LIMIT = 100


def requests_waiting(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    states: set[str] = set()
    if is_office(user):
        states.update(selectors.WAITING_FOR["office"])
    held = roles_of(user, agency)
    for role in (StaffRole.Role.HANDLER, StaffRole.Role.LEGAL_REVIEWER, StaffRole.Role.HEAD):
        if role in held:
            states.update(selectors.WAITING_FOR[role])
    if not states:
        return
    rows = selectors.queue_for(user).filter(state__in=states)
    if agency is not None and not is_office(user):
        rows = rows.filter(handling_agency=agency)
    for request in rows[:LIMIT]:
        yield QueueItem(
            title=request.number,
            url=reverse("info_requests_staff:detail", args=[request.pk]),
            due=request.due_on,
            state=request.get_state_display(),
            kind=_("information request"),
        )


def register() -> None:
    register_queue_source(requests_waiting)
