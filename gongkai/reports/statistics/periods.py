"""Reporting periods (月、季、年) and their due days: pure functions of dates.

A period has a key (``2025-03``, ``2025-Q1``, ``2025``), a first and a last day. A form is due
on day ``due_day`` of the month after its period ends (the month's last day when the month is
shorter): a monthly form of March with ``due_day=10`` is due on 10 April, a yearly form of 2025
with ``due_day=31`` on 31 January 2026.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHLY = "monthly"
QUARTERLY = "quarterly"
YEARLY = "yearly"

_KEY_PATTERNS = {
    MONTHLY: re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$"),
    QUARTERLY: re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$"),
    YEARLY: re.compile(r"^(?P<year>\d{4})$"),
}


class PeriodError(ValueError):
    """A period key that does not name a period of the form's kind."""


@dataclass(frozen=True)
class Period:
    kind: str
    key: str
    start: datetime.date
    end: datetime.date

    def due_on(self, due_day: int) -> datetime.date:
        following = self.end + datetime.timedelta(days=1)
        last = calendar.monthrange(following.year, following.month)[1]
        return following.replace(day=min(due_day, last))

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - datetime.timedelta(days=1))


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(kind: str, day: datetime.date) -> Period:
    """The period of ``kind`` that ``day`` falls in."""
    if kind == MONTHLY:
        return Period(
            kind, f"{day.year}-{day.month:02d}", day.replace(day=1), _month_end(day.year, day.month)
        )
    if kind == QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        first_month = 3 * (quarter - 1) + 1
        return Period(
            kind,
            f"{day.year}-Q{quarter}",
            datetime.date(day.year, first_month, 1),
            _month_end(day.year, first_month + 2),
        )
    if kind == YEARLY:
        return Period(
            kind, f"{day.year}", datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
        )
    raise PeriodError(_("“%(kind)s” is not a kind of period.") % {"kind": kind})


def period_from_key(kind: str, key: str) -> Period:
    """The period a key names; :class:`PeriodError` when it names none of this kind."""
    pattern = _KEY_PATTERNS.get(kind)
    match = pattern.match(key) if pattern else None
    if match is None:
        raise PeriodError(_("“%(key)s” is not a period of this form.") % {"key": key})
    year = int(match["year"])
    if kind == MONTHLY:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(_("“%(key)s” is not a period of this form.") % {"key": key})
        return period_containing(kind, datetime.date(year, month, 1))
    if kind == QUARTERLY:
        return period_containing(kind, datetime.date(year, 3 * int(match["quarter"]) - 2, 1))
    return period_containing(kind, datetime.date(year, 1, 1))


def last_ended_period(kind: str, today: datetime.date) -> Period:
    """The most recent period of ``kind`` that has ended before ``today``."""
    return period_containing(kind, today).previous()
