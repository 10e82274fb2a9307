"""Working days (工作日) on China's official calendar, including swapped working weekends (调休).

Every statutory limit counts working days, and the day on which a period starts is not counted.
The calendar is data (``CalendarYear`` and ``CalendarDay``): a date of a covered year is a
working day when it is a swapped working day, a rest day when it is a holiday, and otherwise a
working day from Monday to Friday. A date in a year without a ``CalendarYear`` row raises
:class:`CalendarNotCovered`: the platform never guesses from weekends alone.

Speed: the first call in a process builds one table over all covered years (for each date
whether it is a working day and how many working days lead up to it, and the list of working
days), so that each call is a dictionary look-up or two and no loop over days. The table is
rebuilt when the calendar changes: the calendar services call :func:`calendar_changed` once
their transaction commits, which drops this process's table at once and replaces a version
token in Django's cache; other processes compare that token at most once a second and rebuild
when it changed (with several processes, the cache must be shared: Redis).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from time import monotonic

from django.core.cache import cache
from django.utils.translation import gettext

__all__ = [
    "CalendarNotCovered",
    "add_working_days",
    "calendar_changed",
    "covered_years",
    "is_working_day",
    "reload_calendar",
    "working_days_between",
]

VERSION_KEY = "gongkai:workdays:version"
CHECK_INTERVAL = 1.0  # seconds between two looks at the shared version


class CalendarNotCovered(LookupError):
    """The working-day calendar has no arrangement for ``year``.

    The administrator enters the State Council's arrangement for the year (import or form);
    until then no deadline touching that year can be computed.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            gettext(
                "The working-day calendar does not cover {year}; the administrator must enter "
                "that year's arrangement first."
            ).format(year=year)
        )


@dataclass(frozen=True, slots=True)
class _Table:
    """The covered years, keyed by date so that a call is a dictionary look-up or two."""

    years: frozenset[int]
    working: dict[date, bool]  # every covered date: whether it is a working day
    counts: dict[date, int]  # every covered date: working days from the first covered one to it
    days: list[date]  # all working days, ascending: days[counts[d] - 1] is d's or the last before
    total: int  # len(days)
    runs: dict[date, tuple[int, int]] | None  # with gaps: the first and last index in ``days``
    #                                          of the run of consecutive covered years of a date
    version: object  # the shared version this table was built for


_EMPTY = _Table(frozenset(), {}, {}, [], 0, None, object())
_table = _EMPTY
_next_check = 0.0  # monotonic time of the next look at the shared version; 0 forces one
_lock = threading.Lock()


def _build(version: object) -> _Table:
    from gongkai.core.models import CalendarDay, CalendarYear

    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    if not years:
        return _Table(years, {}, {}, [], 0, None, version)
    exceptions = dict(
        CalendarDay.objects.filter(
            date__gte=date(min(years), 1, 1), date__lte=date(max(years), 12, 31)
        ).values_list("date", "kind")
    )
    working: dict[date, bool] = {}
    counts: dict[date, int] = {}
    days: list[date] = []
    run_of: dict[date, int] = {}
    run_bounds: list[tuple[int, int]] = []
    one_day = timedelta(days=1)
    previous_year = None
    for year in sorted(years):
        if previous_year is None or year != previous_year + 1:
            run_bounds.append((len(days), len(days)))  # a new run of consecutive years
        previous_year = year
        day = date(year, 1, 1)
        while day.year == year:
            exception = exceptions.get(day)
            if exception == "workday":
                is_working = True
            elif exception == "holiday":
                is_working = False
            else:
                is_working = day.weekday() < 5
            if is_working:
                days.append(day)
            working[day] = is_working
            counts[day] = len(days)
            run_of[day] = len(run_bounds) - 1
            day += one_day
        run_bounds[-1] = (run_bounds[-1][0], len(days) - 1)
    runs = None
    if len(run_bounds) > 1:
        runs = {day: run_bounds[index] for day, index in run_of.items()}
    return _Table(years, working, counts, days, len(days), runs, version)


def _current() -> _Table:
    """The table for the calendar as it is now, rebuilt when the shared version moved."""
    global _table, _next_check
    with _lock:
        now = monotonic()
        table = _table
        if table is not _EMPTY and now < _next_check:
            return table
        version = cache.get(VERSION_KEY)
        if table is _EMPTY or table.version != version:
            table = _build(version)
            _table = table
        _next_check = now + CHECK_INTERVAL
        return table


def reload_calendar() -> None:
    """Forget this process's table; the next call rebuilds it from the database."""
    global _table, _next_check
    with _lock:
        _table = _EMPTY
        _next_check = 0.0


def calendar_changed() -> None:
    """Tell every process that the calendar changed (call after the change has committed)."""
    # A fresh random token rather than a counter: a counter lost from the cache and started
    # again could come back to a value some process still holds.
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    reload_calendar()


def covered_years() -> list[int]:
    """The years the calendar covers, ascending."""
    table = _table if monotonic() < _next_check else _current()
    return sorted(table.years)


def _not_covered(day: date) -> CalendarNotCovered:
    if isinstance(day, datetime):
        raise TypeError(gettext("Working days are counted between dates, not date-times."))
    return CalendarNotCovered(day.year)


def _first_uncovered_after(table: _Table, year: int) -> int:
    while year in table.years:
        year += 1
    return year


def _last_uncovered_before(table: _Table, year: int) -> int:
    while year in table.years:
        year -= 1
    return year


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day; :class:`CalendarNotCovered` outside the calendar."""
    table = _table if monotonic() < _next_check else _current()
    try:
        return table.working[day]
    except KeyError:
        raise _not_covered(day) from None


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start``; ``start`` itself is not counted.

    ``n = 0`` returns ``start`` unchanged, whatever kind of day it is, so that
    ``working_days_between(start, add_working_days(start, n)) == n`` for every ``n >= 0``.
    A negative ``n`` counts backwards: the ``-n``-th working day before ``start`` (``start``
    not counted). Raises :class:`CalendarNotCovered` when ``start`` is outside the calendar or
    the count runs into a year the calendar does not cover (the message names that year).
    """
    table = _table if monotonic() < _next_check else _current()
    try:
        count = table.counts[start]
    except KeyError:
        raise _not_covered(start) from None
    if n > 0:
        k = count + n - 1  # index in ``days`` of the n-th working day after start
        if table.runs is None:
            if k < table.total:
                return table.days[k]
        elif k <= table.runs[start][1]:
            return table.days[k]
        raise CalendarNotCovered(_first_uncovered_after(table, start.year))
    if n == 0:
        return start
    k = count - table.working[start] + n  # working days before start, minus the -n back
    if k < (table.runs[start][0] if table.runs is not None else 0):
        raise CalendarNotCovered(_last_uncovered_before(table, start.year))
    return table.days[k]


def working_days_between(a: date, b: date) -> int:
    """The number of working days ``d`` with ``a < d <= b``.

    When ``b < a`` the result is negative: minus the number of working days ``d`` with
    ``b < d <= a``, so that ``working_days_between(a, b) == -working_days_between(b, a)``.
    Both dates and every year between them must be covered, else :class:`CalendarNotCovered`
    names the first year missing.
    """
    table = _table if monotonic() < _next_check else _current()
    counts = table.counts
    try:
        count = counts[b] - counts[a]
    except KeyError:
        raise _not_covered(b if a in counts else a) from None
    if table.runs is not None and table.runs[a] != table.runs[b]:
        raise CalendarNotCovered(_first_uncovered_after(table, min(a, b).year))
    return count
