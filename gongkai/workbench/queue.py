"""My queue (我的待办): what is waiting for a member of staff, gathered from every capability.

The workbench owns no work of its own. Each domain app that gives staff something to do
registers a source in its ``AppConfig.ready()``::

    from gongkai.workbench.queue import QueueItem, register_queue_source

    def requests_waiting(user, agency):
        for request in info_requests_selectors.waiting_for(user, agency=agency):
            yield QueueItem(title=..., url=..., due=request.due_date,
                            state=request.get_state_display(), kind=_("information request"))

    register_queue_source(requests_waiting)

A source receives the signed-in user and the agency chosen in the workbench (None when the user
has none) and returns only what that user may see: it starts from its app's ``*_visible_to``
queryset and keeps its own queries bounded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.functional import Promise

if TYPE_CHECKING:
    from gongkai.agencies.models import Agency
    from gongkai.core.models import User


@dataclass(frozen=True)
class QueueItem:
    """One thing waiting for someone: a title, where to handle it, and when it is due."""

    title: str
    url: str
    due: datetime.date | None  # the statutory or set deadline (a working-day date), if any
    state: str | Promise  # the record's current state, as shown to staff
    kind: str | Promise  # what sort of work it is ("information request", "document review" …)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        if self.due is None:
            return False
        return self.due < (today or timezone.localdate())


QueueSource = Callable[["User", "Agency | None"], Iterable[QueueItem]]

_sources: list[QueueSource] = []


def register_queue_source(source: QueueSource) -> QueueSource:
    """Add a source of queue items; registering the same callable twice has no effect.

    Returns the callable, so it may be used as a decorator.
    """
    if source not in _sources:
        _sources.append(source)
    return source


def unregister_queue_source(source: QueueSource) -> None:
    if source in _sources:
        _sources.remove(source)


def queue_sources() -> tuple[QueueSource, ...]:
    return tuple(_sources)


def queue_for(user: User, agency: Agency | None) -> list[QueueItem]:
    """Everything the sources hold for ``user`` at ``agency``: earliest deadline first.

    Items without a deadline come last, in the order their sources gave them.
    """
    items: list[QueueItem] = []
    for source in _sources:
        items.extend(source(user, agency))
    return sorted(items, key=lambda item: (item.due is None, item.due or datetime.date.min))
