"""The reply clock of a letter, recomputed from its events on the shared clock
(:mod:`gongkai.core.clock`) and the official working-day calendar.

The clock starts on the day the letter is accepted (that day not counted) with the limit of its
type as it stood then (``Letter.limit_days``, REGULATION.md §1), and stops on the day the reply
goes out. A reopened letter (不满意, once) gets a new clock of the same limit from the day it was
reopened: the events since the last start are the current clock. The stored
``due_on``/``clock_state`` are only a cache for the queues, refreshed by every service and by
the daily job.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from gongkai.core.clock import ClockEvent, ClockReading, EventKind, compute_clock
from gongkai.core.context import request_memo
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterSettings


def letter_settings() -> LetterSettings:
    """The government's letter settings (the defaults when none were saved); read once a
    request (or a demonstration load) when a memo is in place."""
    memo = request_memo.get()
    if memo is not None and "letters.settings" in memo:
        return memo["letters.settings"]  # type: ignore[no-any-return]
    found = LetterSettings.objects.select_related("petition_agency").order_by("pk").first()
    result = found or LetterSettings()
    if memo is not None:
        memo["letters.settings"] = result
    return result


def clock_events(letter: Letter) -> list[ClockEvent]:
    """The events of the current clock: from the last start on."""
    rows = list(
        LetterEvent.objects.filter(letter=letter)
        .exclude(clock_kind="")
        .order_by("on", "at", "id")
        .values_list("clock_kind", "on", "clock_days", "comment")
    )
    starts = [index for index, row in enumerate(rows) if row[0] == EventKind.START]
    if starts:
        rows = rows[starts[-1] :]
    return [ClockEvent(kind=kind, date=on, days=days, reason="") for kind, on, days, _c in rows]


def read_clock(
    letter: Letter,
    *,
    today: datetime.date | None = None,
    due_soon: int | None = None,
) -> ClockReading | None:
    """The reply clock as of ``today`` (default: today in the site's time zone); None while
    the letter has not been accepted (no clock yet)."""
    if letter.limit_days is None or letter.accepted_on is None:
        return None
    events = clock_events(letter)
    if not events:
        return None
    today = today or timezone.localdate()
    return compute_clock(
        events,
        limit=letter.limit_days,
        today=max(today, events[-1].date),
        due_soon=letter_settings().due_soon_days if due_soon is None else due_soon,
    )


def refresh_clock(letter: Letter, *, today: datetime.date | None = None) -> ClockReading | None:
    """Read the clock and store its due date and state on the letter (not saved)."""
    reading = read_clock(letter, today=today)
    letter.due_on = reading.due_date if reading is not None else None
    letter.clock_state = str(reading.state) if reading is not None else ""
    return reading
