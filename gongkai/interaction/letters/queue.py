"""Letters in the workbench's "my queue": what waits for this person now.

The office sees the letters to accept and to assign; a handler the letters their agency works
on; a reviewer the replies waiting for review. The due date is the reply clock's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import StaffRole
from gongkai.agencies.permissions import is_office, roles_of
from gongkai.interaction.letters import selectors
from gongkai.workbench.queue import QueueItem, register_queue_source

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User

LIMIT = 100


def letters_waiting(user: User, agency: Agency | None) -> Iterator[QueueItem]:
    states: set[str] = set()
    if is_office(user):
        states.update(selectors.WAITING_FOR["office"])
    held = roles_of(user, agency)
    for role in (StaffRole.Role.HANDLER, StaffRole.Role.REVIEWER):
        if role in held:
            states.update(selectors.WAITING_FOR[role])
    if not states:
        return
    rows = selectors.queue_for(user).filter(state__in=states)
    if agency is not None and not is_office(user):
        rows = rows.filter(handling_agency=agency)
    for letter in rows[:LIMIT]:
        yield QueueItem(
            title=f"{letter.number} {letter.subject}",
            url=reverse("letters_staff:detail", args=[letter.pk]),
            due=letter.due_on,
            state=letter.get_state_display(),
            kind=_("letter"),
        )


def register() -> None:
    register_queue_source(letters_waiting)
