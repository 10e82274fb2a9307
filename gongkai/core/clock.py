"""Deadline clocks (期限) computed from their events on the working-day calendar.

A deadline is not a stored date: it is recomputed from what happened. :func:`compute_clock` is
pure (no models, no "now") apart from reading the calendar through :mod:`gongkai.core.workdays`;
the caller passes the events and ``today``. The same clock serves information requests, letters
and publication limits; the domain decides which events may happen (for example that an
extension is granted once) and the clock only refuses sequences that make no sense.

Counting rules, each a reading of the Regulation (REG 30–33):

* The clock starts on the start date (for a request, the legal receipt date of REG 31) and that
  day is not counted: working days ``d`` with ``start < d`` count.
* A pause on ``P`` and a resume on ``R`` leave out the working days ``d`` with ``P < d <= R``:
  the day the letter goes out still counts, the day the answer arrives does not (like a receipt
  day), and counting continues on the next working day (REG 32/34: consultation time not counted).
* A restart on ``C`` (REG 30: the corrected application arrives) discards everything counted so
  far and counts again from ``C``, that day not counted. A restart also ends a pause.
* An extension adds its working days to the limit (REG 33).
* A stop (the reply) freezes the clock; it was on time when the stop date is not after the due
  date. A stop during a pause ends the pause.

The due date is the working day on which the counted days reach the limit. While the clock is
paused with days left, there is no due date (it depends on when the clock resumes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from gongkai.core.workdays import CalendarNotCovered, add_working_days, working_days_between

__all__ = [
    "ClockError",
    "ClockEvent",
    "ClockReading",
    "ClockState",
    "EventKind",
    "compute_clock",
]

DEFAULT_DUE_SOON = 3  # working days left at which a running clock is due soon


class EventKind(models.TextChoices):
    START = "start", _("start")  # the limit begins the day after
    PAUSE = "pause", _("pause")  # consultation: time not counted until resumed
    RESUME = "resume", _("resume")  # the answer arrived; counting continues the next day
    RESTART = "restart", _("restart")  # the corrected application arrived: count again
    EXTEND = "extend", _("extension")  # the limit grows by ``days`` working days
    STOP = "stop", _("stop")  # replied or closed: the clock is frozen


class ClockState(models.TextChoices):
    RUNNING = "running", _("running")  # counting, more than the due-soon threshold left
    PAUSED = "paused", _("paused")  # not counting, days left
    DUE_SOON = "due_soon", _("due soon")  # counting, at most the threshold left
    OVERDUE = "overdue", _("overdue")  # today is after the due date and not stopped
    STOPPED = "stopped", _("stopped")  # frozen by a stop event


class ClockError(ValueError):
    """The events do not make a valid clock (translated message)."""


@dataclass(frozen=True)
class ClockEvent:
    """One thing that happened to a clock. ``days`` is for extensions only."""

    kind: str
    date: date
    days: int = 0
    reason: str = ""


@dataclass(frozen=True)
class ClockReading:
    """The clock as of ``today``.

    ``left`` is negative once more working days were used than allowed; on a rest day right
    after the due date it is still 0 while the state is already overdue.
    """

    limit: int  # working days allowed, extensions included
    extension: int  # working days added by extensions
    started_on: date  # the start date, or the last restart
    due_date: date | None  # None while paused with days left
    used: int  # working days counted
    left: int  # limit - used
    state: ClockState
    paused_since: date | None
    stopped_on: date | None
    on_time: bool | None  # for a stopped clock: stopped on or before the due date
    explanation: tuple[str, ...]  # translated lines, in order, for a page to show


def _iso(day: date) -> str:
    return day.isoformat()


def _pause_line(start: date, end: date, reason: str) -> str:
    count = working_days_between(start, end)
    if reason:
        text = ngettext(
            "Paused {start} to {end} ({reason}): {count} working day not counted.",
            "Paused {start} to {end} ({reason}): {count} working days not counted.",
            count,
        )
    else:
        text = ngettext(
            "Paused {start} to {end}: {count} working day not counted.",
            "Paused {start} to {end}: {count} working days not counted.",
            count,
        )
    return text.format(start=_iso(start), end=_iso(end), reason=reason, count=count)


def compute_clock(
    events: Iterable[ClockEvent],
    *,
    limit: int,
    today: date,
    due_soon: int = DEFAULT_DUE_SOON,
) -> ClockReading:
    """Read a clock of ``limit`` working days from its ``events`` as of ``today``.

    The events must begin with one start, be in date order (equal dates keep their given
    order) and none may be after ``today``; a pause must be resumed, restarted or stopped before
    another pause; nothing may follow a stop. Otherwise :class:`ClockError`. A date outside the
    working-day calendar raises :class:`~gongkai.core.workdays.CalendarNotCovered`.
    """
    if limit < 1:
        raise ClockError(gettext("A time limit must be at least one working day."))
    items = list(events)
    if not items or items[0].kind != EventKind.START:
        raise ClockError(gettext("A clock must begin with its start event."))

    lines: list[str] = []
    started_on = items[0].date
    anchor = started_on  # counting runs from here (exclusive) while ``counting``
    counting = True
    segments: list[tuple[date, date]] = []  # closed counting periods since the last (re)start
    paused_since: date | None = None
    pause_reason = ""
    stopped_on: date | None = None
    stop_reason = ""
    extension = 0
    previous: date | None = None

    for event in items:
        try:
            kind = EventKind(event.kind)
        except ValueError:
            raise ClockError(
                gettext("“{kind}” is not a kind of clock event.").format(kind=event.kind)
            ) from None
        day = event.date
        label = kind.label
        if stopped_on is not None:
            raise ClockError(
                gettext("The clock stopped on {date}; no {kind} may follow.").format(
                    date=_iso(stopped_on), kind=label
                )
            )
        if previous is not None and day < previous:
            message = gettext(
                "The events are out of order: {kind} on {date} comes after {previous}."
            )
            raise ClockError(message.format(kind=label, date=_iso(day), previous=_iso(previous)))
        if day > today:
            raise ClockError(
                gettext("The {kind} on {date} is after today ({today}).").format(
                    kind=label, date=_iso(day), today=_iso(today)
                )
            )
        reason = event.reason

        if kind == EventKind.START:
            if previous is not None:
                raise ClockError(gettext("The clock has started already; it starts only once."))
            text = (
                gettext("Started {date} ({reason}); that day is not counted.")
                if reason
                else gettext("Started {date}; that day is not counted.")
            )
            lines.append(text.format(date=_iso(day), reason=reason))
        elif kind == EventKind.PAUSE:
            if paused_since is not None:
                raise ClockError(
                    gettext("The clock is paused already (since {date}).").format(
                        date=_iso(paused_since)
                    )
                )
            segments.append((anchor, day))
            counting, paused_since, pause_reason = False, day, reason
        elif kind == EventKind.RESUME:
            if paused_since is None:
                raise ClockError(
                    gettext("Resumed on {date}, but the clock is not paused.").format(
                        date=_iso(day)
                    )
                )
            lines.append(_pause_line(paused_since, day, pause_reason or reason))
            anchor, counting, paused_since, pause_reason = day, True, None, ""
        elif kind == EventKind.RESTART:
            if paused_since is not None:
                lines.append(_pause_line(paused_since, day, pause_reason))
            else:
                segments.append((anchor, day))
            discarded = sum(working_days_between(x, y) for x, y in segments)
            text = (
                ngettext(
                    "Restarted {date} ({reason}); that day is not counted and the {count} "
                    "working day counted before is discarded.",
                    "Restarted {date} ({reason}); that day is not counted and the {count} "
                    "working days counted before are discarded.",
                    discarded,
                )
                if reason
                else ngettext(
                    "Restarted {date}; that day is not counted and the {count} working day "
                    "counted before is discarded.",
                    "Restarted {date}; that day is not counted and the {count} working days "
                    "counted before are discarded.",
                    discarded,
                )
            )
            lines.append(text.format(date=_iso(day), reason=reason, count=discarded))
            segments, anchor, counting, started_on = [], day, True, day
            paused_since, pause_reason = None, ""
        elif kind == EventKind.EXTEND:
            if event.days < 1:
                raise ClockError(
                    gettext("An extension on {date} must add at least one working day.").format(
                        date=_iso(day)
                    )
                )
            extension += event.days
            text = (
                ngettext(
                    "Extended by {days} working day on {date} ({reason}).",
                    "Extended by {days} working days on {date} ({reason}).",
                    event.days,
                )
                if reason
                else ngettext(
                    "Extended by {days} working day on {date}.",
                    "Extended by {days} working days on {date}.",
                    event.days,
                )
            )
            lines.append(text.format(days=event.days, date=_iso(day), reason=reason))
        elif kind == EventKind.STOP:
            if paused_since is not None:
                lines.append(_pause_line(paused_since, day, pause_reason))
                counting, paused_since, pause_reason = False, None, ""
            else:
                segments.append((anchor, day))
                anchor = day  # the due date is projected from the stop
            stopped_on, stop_reason = day, reason
        previous = day

    total = limit + extension
    used = sum(working_days_between(x, y) for x, y in segments)
    if stopped_on is None and counting:
        used += working_days_between(anchor, today)

    due_date: date | None = None
    need = total
    for x, y in segments:
        count = working_days_between(x, y)
        if need <= count:
            due_date = add_working_days(x, need)
            break
        need -= count
    else:
        if counting:
            due_date = add_working_days(anchor, need)

    left = total - used
    on_time: bool | None = None
    if stopped_on is not None:
        state = ClockState.STOPPED
        on_time = due_date is None or stopped_on <= due_date
    elif due_date is not None and today > due_date:
        state = ClockState.OVERDUE
    elif paused_since is not None:
        state = ClockState.PAUSED
    elif left <= due_soon:
        state = ClockState.DUE_SOON
    else:
        state = ClockState.RUNNING

    if extension:
        lines.append(
            ngettext(
                "Limit: {limit} working day, {extension} of them by extension.",
                "Limit: {limit} working days, {extension} of them by extension.",
                total,
            ).format(limit=total, extension=extension)
        )
    else:
        lines.append(
            ngettext("Limit: {limit} working day.", "Limit: {limit} working days.", total).format(
                limit=total
            )
        )
    lines.append(gettext("Working days used: {used}; left: {left}.").format(used=used, left=left))
    if paused_since is not None and due_date is None:
        text = (
            gettext(
                "Paused since {date} ({reason}); the due date is set again when the clock resumes."
            )
            if pause_reason
            else gettext("Paused since {date}; the due date is set again when the clock resumes.")
        )
        lines.append(text.format(date=_iso(paused_since), reason=pause_reason))
    if due_date is not None:
        lines.append(gettext("Due {date}.").format(date=_iso(due_date)))
    if stopped_on is not None:
        if stop_reason:
            text = (
                gettext("Stopped {date} ({reason}): on time.")
                if on_time
                else gettext("Stopped {date} ({reason}): late.")
            )
        else:
            text = (
                gettext("Stopped {date}: on time.") if on_time else gettext("Stopped {date}: late.")
            )
        lines.append(text.format(date=_iso(stopped_on), reason=stop_reason))
    elif state == ClockState.OVERDUE and due_date is not None:
        lines.append(gettext("Overdue: the limit ended on {date}.").format(date=_iso(due_date)))

    return ClockReading(
        limit=total,
        extension=extension,
        started_on=started_on,
        due_date=due_date,
        used=used,
        left=left,
        state=state,
        paused_since=paused_since,
        stopped_on=stopped_on,
        on_time=on_time,
        explanation=tuple(lines),
    )


def save_with_clock(
    record: models.Model,
    refresh: Callable[..., object],
    *fields: str,
    today: date | None = None,
) -> None:
    """Save ``fields`` of a record that caches its clock in ``due_on`` and ``clock_state``
    (an application, a letter), refreshing that cache with ``refresh(record, today=today)``
    first. A year the calendar does not cover yet leaves no due date: the queues show none
    until the administrator adds the year (the calendar is loud about it elsewhere)."""
    try:
        refresh(record, today=today)
    except (ClockError, CalendarNotCovered):
        record.due_on, record.clock_state = None, ""  # type: ignore[attr-defined]
    record.save(update_fields=[*fields, "due_on", "clock_state", "updated_at"])
