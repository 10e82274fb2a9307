"""Working days on the official calendar (``gongkai.core.workdays``).

The expected dates were counted by hand from the State Council's notices: 2025 National Day
(国办发明电〔2024〕12号: 10月1日至8日放假, 9月28日（周日）、10月11日（周六）上班) and 2026 Spring
Festival (2月15日至23日放假, 2月14日（周六）、2月28日（周六）上班).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from chinese_calendar import is_workday as package_is_workday
from django.core.management import call_command
from django.utils import timezone, translation

from gongkai.core.calendar import add_calendar_year, import_calendar_csv, set_calendar_day
from gongkai.core.models import CalendarDay, CalendarYear
from gongkai.core.workdays import (
    CalendarNotCovered,
    add_working_days,
    covered_years,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(user_factory):
    return user_factory(is_superuser=True, is_staff=True)


# --- The seeded calendar -----------------------------------------------------------------


def test_migration_seeds_every_year_the_package_knows():
    years = CalendarYear.objects.values_list("year", "source")
    assert (2004, CalendarYear.Source.PACKAGE) in years
    assert (2026, CalendarYear.Source.PACKAGE) in years
    assert covered_years() == list(range(2004, 2027))
    national_day = CalendarDay.objects.get(date=date(2025, 10, 1))
    assert national_day.kind == CalendarDay.Kind.HOLIDAY
    assert national_day.name == "国庆节"
    swapped = CalendarDay.objects.get(date=date(2026, 2, 14))
    assert swapped.kind == CalendarDay.Kind.SWAPPED_WORKDAY
    assert swapped.name == "春节"


def test_seed_calendar_command_is_repeat_safe_and_leaves_edited_years_alone(admin_user):
    out = StringIO()
    with translation.override("en"):
        call_command("seed_calendar", stdout=out)
    assert "Nothing to change." in out.getvalue()

    # A package year damaged behind the services' back is restored ...
    CalendarDay.objects.filter(date=date(2024, 10, 1)).delete()
    # ... while a year edited by the administrator is not overwritten.
    set_calendar_day(date(2025, 10, 12), kind="workday", name="test", actor=admin_user)
    out = StringIO()
    with translation.override("en"):
        call_command("seed_calendar", stdout=out)
    assert "Refreshed: 2024\n" in out.getvalue()
    assert "2025" in out.getvalue().split("Left alone")[1]
    assert CalendarDay.objects.get(date=date(2024, 10, 1)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.filter(date=date(2025, 10, 12)).exists()
    assert CalendarYear.objects.get(year=2025).source == CalendarYear.Source.MANUAL


# --- is_working_day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 26), True),  # Friday
        (date(2025, 9, 27), False),  # Saturday
        (date(2025, 9, 28), True),  # Sunday, swapped working day (调休上班)
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 6), False),  # Monday inside the block (Mid-autumn)
        (date(2025, 10, 8), False),  # last day of the block, a Wednesday
        (date(2025, 10, 9), True),  # Thursday after the block
        (date(2025, 10, 11), True),  # Saturday, swapped working day
        (date(2025, 10, 12), False),  # Sunday
        (date(2026, 2, 14), True),  # Saturday, swapped working day before Spring Festival
        (date(2026, 2, 15), False),
        (date(2026, 2, 17), False),  # 春节 itself
        (date(2026, 2, 23), False),  # Monday, last day of the block
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, swapped working day
        (date(2026, 3, 1), False),  # Sunday
    ],
)
def test_is_working_day_on_the_official_calendar(day, expected):
    assert is_working_day(day) is expected


def test_is_working_day_agrees_with_the_package_on_every_seeded_day():
    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert is_working_day(day) is package_is_workday(day), day
        day += timedelta(days=1)


def test_a_datetime_is_refused_rather_than_reported_as_uncovered():
    with pytest.raises(TypeError):
        is_working_day(timezone.now())
    with pytest.raises(TypeError):
        add_working_days(datetime(2025, 9, 26, 9, 0, tzinfo=timezone.get_current_timezone()), 1)


# --- add_working_days ------------------------------------------------------------------------


def test_reg_33_reply_limit_of_20_working_days_across_national_day_2025():
    """REG 33: 20 working days from receipt on Friday 2025-09-26, the day itself not counted.

    9-28 (Sun, swapped) 1, 9-29 2, 9-30 3, [10-1..10-8 off], 10-9 4, 10-10 5, 10-11 (Sat,
    swapped) 6, 10-13..17 7-11, 10-20..24 12-16, 10-27 17, 10-28 18, 10-29 19, 10-30 20.
    """
    assert add_working_days(date(2025, 9, 26), 20) == date(2025, 10, 30)


def test_2007_regulation_limit_of_15_working_days_across_national_day_2025():
    assert add_working_days(date(2025, 9, 26), 15) == date(2025, 10, 23)


def test_2007_regulation_limit_of_15_working_days_in_2014():
    """The 2007 Regulation's 15 working days across National Day 2014 (9-28 and 10-11 worked)."""
    assert add_working_days(date(2014, 9, 26), 15) == date(2014, 10, 22)


def test_reg_33_limit_across_spring_festival_2026():
    """Friday 2026-02-13 + 20: 2-14 (Sat, swapped) 1, [2-15..2-23 off], 2-24..27 2-5,
    2-28 (Sat, swapped) 6, 3-2..6 7-11, 3-9..13 12-16, 3-16..19 17-20."""
    assert add_working_days(date(2026, 2, 13), 20) == date(2026, 3, 19)


def test_reg_33_extension_adds_another_20_working_days():
    assert add_working_days(date(2025, 9, 26), 40) == date(2025, 11, 27)
    assert add_working_days(date(2025, 10, 30), 20) == date(2025, 11, 27)


def test_start_on_a_holiday_counts_from_the_next_working_day():
    assert add_working_days(date(2025, 10, 1), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 4), 3) == date(2025, 10, 11)


def test_zero_days_returns_the_start_unchanged():
    assert add_working_days(date(2025, 10, 4), 0) == date(2025, 10, 4)
    assert add_working_days(date(2025, 10, 9), 0) == date(2025, 10, 9)


def test_negative_days_count_backwards_without_the_start():
    assert add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert add_working_days(date(2025, 10, 4), -1) == date(2025, 9, 30)  # from a holiday
    assert add_working_days(date(2025, 10, 13), -2) == date(2025, 10, 10)  # 10-11 (Sat) worked


def test_add_working_days_agrees_with_a_day_by_day_count_on_the_package():
    rng = random.Random(33)
    first, last = date(2004, 1, 1).toordinal(), date(2026, 10, 1).toordinal()
    for _ in range(300):
        start = date.fromordinal(rng.randint(first, last))
        n = rng.randint(1, 40)
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            counted += package_is_workday(day)
        assert add_working_days(start, n) == day, (start, n)
        assert working_days_between(start, day) == n


# --- working_days_between --------------------------------------------------------------------


def test_working_days_between_counts_after_a_up_to_and_including_b():
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 30)) == 20
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 10, 10), date(2025, 10, 12)) == 1  # 10-11 worked
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0


def test_working_days_between_is_negative_when_b_is_before_a():
    assert working_days_between(date(2025, 10, 30), date(2025, 9, 26)) == -20
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 30)) == -1


def test_working_days_between_across_a_new_year():
    # 2025-12-31 (Wed) to 2026-01-05 (Mon): 1-1..1-3 off, 1-4 (Sun) worked, 1-5.
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 5)) == 2


# --- Years the calendar does not cover -----------------------------------------------------


def test_2027_is_refused_naming_the_year():
    with pytest.raises(CalendarNotCovered) as excinfo:
        is_working_day(date(2027, 1, 4))
    assert "2027" in str(excinfo.value)
    assert excinfo.value.year == 2027


def test_a_count_running_past_the_last_covered_year_names_the_year_needed():
    with pytest.raises(CalendarNotCovered) as excinfo:
        add_working_days(date(2026, 12, 20), 20)
    assert excinfo.value.year == 2027
    assert "2027" in str(excinfo.value)
    with pytest.raises(CalendarNotCovered, match="2027"):
        working_days_between(date(2026, 12, 1), date(2027, 1, 4))


def test_years_before_the_calendar_are_refused():
    with pytest.raises(CalendarNotCovered, match="2003"):
        is_working_day(date(2003, 12, 31))
    with pytest.raises(CalendarNotCovered, match="2003"):
        add_working_days(date(2004, 1, 2), -1)


def test_2027_is_accepted_once_the_administrator_adds_the_year(
    admin_user, django_capture_on_commit_callbacks
):
    assert add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)  # builds the table
    with django_capture_on_commit_callbacks(execute=True):
        add_calendar_year(2027, actor=admin_user, notice="国办发明电〔2026〕1号")
    # No exceptions entered yet: plain weekdays.
    assert is_working_day(date(2027, 1, 1)) is True
    assert is_working_day(date(2027, 1, 2)) is False
    assert add_working_days(date(2026, 12, 20), 20) == date(2027, 1, 15)


def test_2027_is_accepted_once_its_arrangement_is_imported(
    admin_user, django_capture_on_commit_callbacks
):
    with pytest.raises(CalendarNotCovered):
        is_working_day(date(2027, 1, 1))
    csv_text = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,班,春节\n"
    with django_capture_on_commit_callbacks(execute=True):
        import_calendar_csv(csv_text, actor=admin_user)
    assert is_working_day(date(2027, 1, 1)) is False
    assert is_working_day(date(2027, 2, 6)) is True  # a Saturday worked
    # 2026-12-31 (Thu): 2027-01-01 off, 01-04 (Mon) is the first working day after.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_a_gap_between_covered_years_is_refused(admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_calendar_year(2028, actor=admin_user)
    assert is_working_day(date(2028, 1, 3)) is True
    assert covered_years()[-2:] == [2026, 2028]
    with pytest.raises(CalendarNotCovered, match="2027"):
        is_working_day(date(2027, 6, 1))
    with pytest.raises(CalendarNotCovered, match="2027"):
        add_working_days(date(2026, 12, 28), 10)
    with pytest.raises(CalendarNotCovered, match="2027"):
        add_working_days(date(2028, 1, 5), -10)
    with pytest.raises(CalendarNotCovered, match="2027"):
        working_days_between(date(2026, 12, 1), date(2028, 1, 10))
    assert add_working_days(date(2028, 1, 3), 5) == date(2028, 1, 10)
    assert add_working_days(date(2026, 12, 1), 5) == date(2026, 12, 8)


def test_an_edit_takes_effect_at_once_in_the_editing_process(
    admin_user, django_capture_on_commit_callbacks
):
    assert is_working_day(date(2025, 10, 12)) is False
    with django_capture_on_commit_callbacks(execute=True):
        set_calendar_day(date(2025, 10, 12), kind="workday", name="test", actor=admin_user)
    assert is_working_day(date(2025, 10, 12)) is True


def test_another_process_edit_is_seen_once_the_shared_version_moves(monkeypatch):
    """Another process edits the calendar and replaces the cache token; this process notices at
    its next look (at most a second later), not before."""
    from time import monotonic

    from django.core.cache import cache

    from gongkai.core import workdays

    now = monotonic()
    monkeypatch.setattr(workdays, "monotonic", lambda: now)
    assert is_working_day(date(2025, 10, 12)) is False
    # What another process's set_calendar_day leaves behind: the row and a new token.
    CalendarDay.objects.create(date=date(2025, 10, 12), kind="workday", name="other process")
    cache.set(workdays.VERSION_KEY, "token-from-another-process", timeout=None)
    assert is_working_day(date(2025, 10, 12)) is False  # within the second: the old table
    monkeypatch.setattr(workdays, "monotonic", lambda: now + workdays.CHECK_INTERVAL)
    assert is_working_day(date(2025, 10, 12)) is True
