"""Deadline clocks (``gongkai.core.clock``) on the seeded official calendar.

"Today" is always passed explicitly. Around National Day 2025: 10-1..10-8 off, Sunday 9-28 and
Saturday 10-11 worked.
"""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.core.clock import ClockError, ClockEvent, ClockState, EventKind, compute_clock
from gongkai.core.workdays import CalendarNotCovered

pytestmark = pytest.mark.django_db

RECEIVED = date(2025, 9, 26)  # a Friday, just before National Day


def start(day: date = RECEIVED, reason: str = "") -> ClockEvent:
    return ClockEvent(EventKind.START, day, reason=reason)


def test_reg_33_running_clock_counts_working_days_after_receipt():
    reading = compute_clock(
        [start(reason="application received")], limit=20, today=date(2025, 10, 9)
    )
    assert reading.due_date == date(2025, 10, 30)
    assert reading.used == 4  # 9-28 (Sun, swapped), 9-29, 9-30, 10-9
    assert reading.left == 16
    assert reading.state == ClockState.RUNNING
    assert reading.limit == 20
    assert reading.started_on == RECEIVED
    assert reading.on_time is None
    assert reading.explanation[0] == (
        "Started 2025-09-26 (application received); that day is not counted."
    )
    assert "Due 2025-10-30." in reading.explanation


def test_on_the_day_of_receipt_nothing_is_used():
    reading = compute_clock([start()], limit=20, today=RECEIVED)
    assert (reading.used, reading.left, reading.state) == (0, 20, ClockState.RUNNING)


def test_reg_32_third_party_consultation_across_national_day_is_not_counted():
    """REG 32: the time a consulted third party takes is not counted in the reply limit.

    Counted 9-16..9-25 (8), paused after 9-25 to 10-13 inclusive (8 working days: 9-26, 9-28,
    9-29, 9-30, 10-9, 10-10, 10-11, 10-13), then 12 more: 10-14..10-17, 10-20..10-24, 10-27,
    10-28, 10-29.
    """
    events = [
        start(date(2025, 9, 15)),
        ClockEvent(EventKind.PAUSE, date(2025, 9, 25), reason="third-party consultation"),
        ClockEvent(EventKind.RESUME, date(2025, 10, 13)),
    ]
    reading = compute_clock(events, limit=20, today=date(2025, 10, 20))
    assert reading.due_date == date(2025, 10, 29)
    assert reading.used == 13  # 8 before the pause, 10-14..10-17 and 10-20
    assert reading.left == 7
    assert reading.state == ClockState.RUNNING
    assert (
        "Paused 2025-09-25 to 2025-10-13 (third-party consultation): "
        "8 working days not counted." in reading.explanation
    )


def test_while_paused_there_is_no_due_date():
    events = [
        start(date(2025, 9, 15)),
        ClockEvent(EventKind.PAUSE, date(2025, 9, 25), reason="third-party consultation"),
    ]
    reading = compute_clock(events, limit=20, today=date(2025, 10, 20))
    assert reading.state == ClockState.PAUSED
    assert reading.due_date is None
    assert reading.paused_since == date(2025, 9, 25)
    assert (reading.used, reading.left) == (8, 12)
    assert reading.explanation[-1] == (
        "Paused since 2025-09-25 (third-party consultation); "
        "the due date is set again when the clock resumes."
    )


def test_reg_30_correction_restarts_the_count_from_the_corrected_application():
    """REG 30: after correction the reply limit runs again from the corrected application."""
    events = [
        start(date(2025, 9, 1)),
        ClockEvent(EventKind.PAUSE, date(2025, 9, 3), reason="correction requested"),
        ClockEvent(EventKind.RESTART, date(2025, 9, 10), reason="corrected application received"),
    ]
    reading = compute_clock(events, limit=20, today=date(2025, 9, 12))
    assert reading.started_on == date(2025, 9, 10)
    assert reading.used == 2  # 9-11, 9-12; the 2 days before the correction are discarded
    # 9-11, 9-12, 9-15..19, 9-22..26, 9-28, 9-29, 9-30, 10-9, 10-10, 10-11, 10-13, 10-14.
    assert reading.due_date == date(2025, 10, 14)
    assert reading.state == ClockState.RUNNING
    assert any("Restarted 2025-09-10" in line for line in reading.explanation)
    assert any(
        "2 working days counted before are discarded" in line for line in reading.explanation
    )


def test_reg_33_extension_adds_20_working_days_to_the_limit():
    events = [
        start(),
        ClockEvent(EventKind.EXTEND, date(2025, 10, 28), days=20, reason="approved by the head"),
    ]
    reading = compute_clock(events, limit=20, today=date(2025, 10, 29))
    assert reading.limit == 40
    assert reading.extension == 20
    assert reading.due_date == date(2025, 11, 27)
    assert reading.used == 19
    assert reading.left == 21
    assert reading.state == ClockState.RUNNING
    assert (
        "Extended by 20 working days on 2025-10-28 (approved by the head)." in reading.explanation
    )
    assert "Limit: 40 working days, 20 of them by extension." in reading.explanation


def test_overdue_after_the_due_date():
    reading = compute_clock([start()], limit=20, today=date(2025, 11, 3))
    assert reading.due_date == date(2025, 10, 30)
    assert reading.state == ClockState.OVERDUE
    assert reading.used == 22
    assert reading.left == -2
    assert reading.explanation[-1] == "Overdue: the limit ended on 2025-10-30."


def test_overdue_on_the_weekend_right_after_the_due_date():
    # Due Thursday 10-30; Saturday 11-1 is past it although only Friday was counted since.
    reading = compute_clock([start()], limit=20, today=date(2025, 11, 1))
    assert reading.state == ClockState.OVERDUE
    assert reading.left == -1


def test_a_pause_after_the_due_date_does_not_hide_the_delay():
    events = [start(), ClockEvent(EventKind.PAUSE, date(2025, 11, 3))]
    reading = compute_clock(events, limit=20, today=date(2025, 11, 10))
    assert reading.due_date == date(2025, 10, 30)
    assert reading.state == ClockState.OVERDUE


def test_due_soon_within_the_threshold():
    assert compute_clock([start()], limit=20, today=date(2025, 10, 24)).state == (
        ClockState.RUNNING
    )  # 4 left
    reading = compute_clock([start()], limit=20, today=date(2025, 10, 27))
    assert (reading.left, reading.state) == (3, ClockState.DUE_SOON)
    on_the_day = compute_clock([start()], limit=20, today=date(2025, 10, 30))
    assert (on_the_day.left, on_the_day.state) == (0, ClockState.DUE_SOON)
    wider = compute_clock([start()], limit=20, today=date(2025, 10, 24), due_soon=5)
    assert wider.state == ClockState.DUE_SOON


def test_stopped_on_the_last_day_is_on_time():
    events = [start(), ClockEvent(EventKind.STOP, date(2025, 10, 30), reason="replied")]
    reading = compute_clock(events, limit=20, today=date(2025, 12, 1))
    assert reading.state == ClockState.STOPPED
    assert reading.on_time is True
    assert reading.stopped_on == date(2025, 10, 30)
    assert (reading.used, reading.left) == (20, 0)
    assert reading.due_date == date(2025, 10, 30)
    assert reading.explanation[-1] == "Stopped 2025-10-30 (replied): on time."


def test_stopped_early_keeps_the_due_date():
    events = [start(), ClockEvent(EventKind.STOP, date(2025, 10, 9))]
    reading = compute_clock(events, limit=20, today=date(2025, 12, 1))
    assert (reading.used, reading.left, reading.on_time) == (4, 16, True)
    assert reading.due_date == date(2025, 10, 30)


def test_stopped_after_the_due_date_is_late():
    events = [start(), ClockEvent(EventKind.STOP, date(2025, 10, 31))]
    reading = compute_clock(events, limit=20, today=date(2025, 10, 31))
    assert reading.state == ClockState.STOPPED
    assert reading.on_time is False
    assert (reading.used, reading.left) == (21, -1)
    assert reading.explanation[-1] == "Stopped 2025-10-31: late."


def test_stopped_on_the_weekend_after_the_due_date_is_late():
    events = [start(), ClockEvent(EventKind.STOP, date(2025, 11, 1))]
    assert compute_clock(events, limit=20, today=date(2025, 11, 1)).on_time is False


def test_stopped_while_paused_is_on_time():
    events = [
        start(),
        ClockEvent(EventKind.PAUSE, date(2025, 10, 9)),
        ClockEvent(EventKind.STOP, date(2025, 12, 1)),
    ]
    reading = compute_clock(events, limit=20, today=date(2025, 12, 1))
    assert reading.state == ClockState.STOPPED
    assert reading.on_time is True
    assert reading.used == 4


def test_2007_regulation_limit_of_15_working_days():
    """2007 Regulation art. 24: 15 working days (National Day 2014: 9-28 and 10-11 worked)."""
    reading = compute_clock([start(date(2014, 9, 26))], limit=15, today=date(2014, 9, 26))
    assert reading.due_date == date(2014, 10, 22)


def test_a_due_date_in_an_uncovered_year_is_refused():
    with pytest.raises(CalendarNotCovered, match="2027"):
        compute_clock([start(date(2026, 12, 20))], limit=20, today=date(2026, 12, 21))


def test_event_kinds_may_be_given_as_strings():
    events = [ClockEvent("start", RECEIVED), ClockEvent("extend", date(2025, 10, 9), days=5)]
    assert compute_clock(events, limit=20, today=date(2025, 10, 9)).limit == 25


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "must begin with its start event"),
        ([ClockEvent(EventKind.PAUSE, RECEIVED)], "must begin with its start event"),
        ([start(), start()], "started already"),
        ([start(), ClockEvent(EventKind.RESUME, date(2025, 10, 9))], "not paused"),
        (
            [
                start(),
                ClockEvent(EventKind.PAUSE, date(2025, 10, 9)),
                ClockEvent(EventKind.PAUSE, date(2025, 10, 10)),
            ],
            "paused already (since 2025-10-09)",
        ),
        (
            [start(), ClockEvent(EventKind.PAUSE, date(2025, 9, 25))],
            "out of order: pause on 2025-09-25 comes after 2025-09-26",
        ),
        (
            [
                start(),
                ClockEvent(EventKind.PAUSE, date(2025, 10, 13)),
                ClockEvent(EventKind.RESUME, date(2025, 10, 10)),
            ],
            "out of order",
        ),
        (
            [start(), ClockEvent(EventKind.STOP, date(2025, 10, 9)), start(date(2025, 10, 10))],
            "stopped on 2025-10-09",
        ),
        ([start(), ClockEvent(EventKind.EXTEND, date(2025, 10, 9))], "at least one working day"),
        ([start(), ClockEvent("rewind", date(2025, 10, 9))], "“rewind” is not a kind"),
        ([start(), ClockEvent(EventKind.STOP, date(2025, 12, 2))], "after today (2025-12-01)"),
    ],
)
def test_invalid_sequences_raise_clock_error(events, message):
    with pytest.raises(ClockError) as excinfo:
        compute_clock(events, limit=20, today=date(2025, 12, 1))
    assert message in str(excinfo.value)


def test_a_limit_below_one_working_day_is_refused():
    with pytest.raises(ClockError, match="at least one working day"):
        compute_clock([start()], limit=0, today=RECEIVED)
