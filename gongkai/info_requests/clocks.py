"""The reply clock of an application, recomputed from its events (REG 30–33).

The clock's events are the :class:`~gongkai.info_requests.models.RequestEvent` rows that carry
a ``clock_kind``; the limit is the rule set's (15 or 20 working days) plus the extension. The
stored ``due_on``/``clock_state`` are only a cache for the queues, refreshed by every service
and by the daily job.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from gongkai.core.clock import ClockEvent, ClockReading, compute_clock
from gongkai.info_requests.models import InfoRequest, RequestEvent, RequestPolicy
from gongkai.info_requests.rules import rule_set


def policy() -> RequestPolicy:
    """The government's application settings (the defaults when none were saved)."""
    return RequestPolicy.objects.order_by("pk").first() or RequestPolicy()


def clock_events(request: InfoRequest) -> list[ClockEvent]:
    rows = RequestEvent.objects.filter(request=request).exclude(clock_kind="")
    return clock_events_of(rows.order_by("on", "at", "id"))


def clock_events_of(rows: Iterable[RequestEvent]) -> list[ClockEvent]:
    """The clock's events among ``rows`` (an application's events in order "on", "at", "id"),
    for a page that has read the history already."""
    return [
        ClockEvent(kind=row.clock_kind, date=row.on, days=row.clock_days, reason=row.comment)
        for row in rows
        if row.clock_kind
    ]


def read_clock(
    request: InfoRequest,
    *,
    today: datetime.date | None = None,
    events: list[ClockEvent] | None = None,
) -> ClockReading:
    """The reply clock as of ``today`` (default: today in the site's time zone)."""
    today = today or timezone.localdate()
    rules = rule_set(request.rule_set)
    return compute_clock(
        clock_events(request) if events is None else events,
        limit=rules.reply_limit,
        today=max(today, request.received_on),
        due_soon=policy().due_soon_days,
    )


def refresh_clock(request: InfoRequest, *, today: datetime.date | None = None) -> ClockReading:
    """Read the clock and store its due date and state on the application (not saved)."""
    reading = read_clock(request, today=today)
    request.due_on = reading.due_date
    request.clock_state = reading.state
    return reading
