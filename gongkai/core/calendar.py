"""The working-day calendar as data: seeding from the package and the administrator's edits.

The calendar is seeded at installation from the ``chinesecalendar`` package for every year it
knows (source ``package``). Each December the State Council publishes the next year's holiday
arrangement (节假日安排通知); the administrator enters it by importing a CSV file or day by day,
which marks the year ``import`` or ``manual`` so that a later ``manage.py seed_calendar`` leaves
it alone. Every edit tells :mod:`gongkai.core.workdays` once it has committed, so deadlines use
the new arrangement at once in this process and within a second in the others.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext

from gongkai.core.audit import record
from gongkai.core.models import CalendarDay, CalendarYear, User
from gongkai.core.workdays import calendar_changed

__all__ = [
    "CalendarError",
    "SeedResult",
    "add_calendar_year",
    "can_edit_calendar",
    "check_calendar_day",
    "clear_calendar_day",
    "import_calendar_csv",
    "package_arrangement",
    "parse_calendar_csv",
    "seed_from_package",
    "set_calendar_day",
    "set_calendar_year_notice",
]

FIRST_YEAR = 1990  # the bounds of the ``calendar_year_in_range`` constraint
LAST_YEAR = 2200
NAME_MAX_LENGTH = 100

# The package names holidays in English; the State Council's notices use these names.
PACKAGE_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# Accepted spellings of the kind column: the model's values, and the marks of printed calendars.
KIND_ALIASES = {
    "holiday": CalendarDay.Kind.HOLIDAY,
    "休": CalendarDay.Kind.HOLIDAY,
    "假": CalendarDay.Kind.HOLIDAY,
    "workday": CalendarDay.Kind.SWAPPED_WORKDAY,
    "班": CalendarDay.Kind.SWAPPED_WORKDAY,
}

HEADER_WORDS = {"date", "日期"}


class CalendarError(ValueError):
    """A calendar edit was refused. ``errors`` lists every problem (by row for an import)."""

    def __init__(self, message: str, *, errors: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors) or [message]


# --- Seeding from the package ------------------------------------------------------------------


@dataclass
class SeedResult:
    """What :func:`seed_from_package` did, year by year."""

    created: list[int] = field(default_factory=list)  # years added
    updated: list[int] = field(default_factory=list)  # package years whose days changed
    unchanged: list[int] = field(default_factory=list)  # package years already up to date
    skipped: list[int] = field(default_factory=list)  # years imported or entered by hand


def package_arrangement() -> dict[int, dict[date, tuple[str, str]]]:
    """The installed ``chinesecalendar`` package's exceptions: year -> date -> (kind, name)."""
    from chinese_calendar import constants

    years: dict[int, dict[date, tuple[str, str]]] = defaultdict(dict)
    for day, name in constants.holidays.items():
        years[day.year][day] = ("holiday", PACKAGE_HOLIDAY_NAMES.get(name, name))
    for day, name in constants.workdays.items():
        years[day.year][day] = ("workday", PACKAGE_HOLIDAY_NAMES.get(name, name))
    return dict(years)


def seed_from_package(year_model: Any, day_model: Any) -> SeedResult:
    """Create or refresh every year the package knows, leaving imported and manual years alone.

    Takes the model classes so that the data migration can pass its historical models; plain
    strings stand for the choices for the same reason. Repeat-safe: a package year already
    matching the package is not touched.
    """
    result = SeedResult()
    for year, days in sorted(package_arrangement().items()):
        wanted = {(day, kind, name) for day, (kind, name) in days.items()}
        in_year = day_model.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
        existing = year_model.objects.filter(year=year).first()
        if existing is None:
            year_model.objects.create(year=year, source="package", notice="")
            result.created.append(year)
        elif existing.source != "package":
            result.skipped.append(year)
            continue
        elif set(in_year.values_list("date", "kind", "name")) == wanted:
            result.unchanged.append(year)
            continue
        else:
            existing.save()  # the year's updated_at records the refresh
            result.updated.append(year)
        in_year.delete()
        day_model.objects.bulk_create(
            [day_model(date=day, kind=kind, name=name) for day, kind, name in sorted(wanted)]
        )
    return result


# --- Permission and validation ------------------------------------------------------------------


def can_edit_calendar(user: Any) -> bool:
    """Whether ``user`` may change the working-day calendar (superusers always may)."""
    return bool(user is not None and user.is_active and user.has_perm("core.change_calendarday"))


def _require_permission(actor: User) -> None:
    if not can_edit_calendar(actor):
        raise PermissionDenied(gettext("You may not change the working-day calendar."))


def _normalise_kind(kind: str) -> str | None:
    value = kind.strip()
    return KIND_ALIASES.get(value.lower(), KIND_ALIASES.get(value))


def _kind_problem(day: date, kind: str) -> str | None:
    if kind == CalendarDay.Kind.SWAPPED_WORKDAY and day.weekday() < 5:
        return gettext(
            "{date} is a {weekday}; a swapped working day must fall on a Saturday or Sunday."
        ).format(date=day.isoformat(), weekday=WEEKDAYS[day.weekday()])
    return None


def check_calendar_day(day: date, *, kind: str, name: str = "") -> None:
    """Raise :class:`CalendarError` unless ``day`` may be recorded as ``kind``.

    The year must be covered already (add it first), the kind must be known, and a swapped
    working day must fall on a weekend. A holiday may fall on any day: the weekend days inside a
    holiday block are holidays too.
    """
    if kind not in CalendarDay.Kind.values:
        raise CalendarError(gettext("“{kind}” is not a kind of calendar day.").format(kind=kind))
    if not CalendarYear.objects.filter(year=day.year).exists():
        raise CalendarError(
            gettext("The calendar does not cover {year}; add the year first.").format(year=day.year)
        )
    problem = _kind_problem(day, kind)
    if problem:
        raise CalendarError(problem)
    if len(name) > NAME_MAX_LENGTH:
        raise CalendarError(
            gettext("The name is longer than {max} characters.").format(max=NAME_MAX_LENGTH)
        )


def _mark_edited(calendar_year: CalendarYear) -> None:
    """A package year edited by hand becomes manual, so that re-seeding leaves it alone."""
    if calendar_year.source == CalendarYear.Source.PACKAGE:
        calendar_year.source = CalendarYear.Source.MANUAL
    calendar_year.save(update_fields=["source", "updated_at"])


# --- CSV import ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarRow:
    """One valid line of an imported file."""

    row: int
    date: date
    kind: str
    name: str


def _read_text(file_or_text: str | bytes | IO[str] | IO[bytes]) -> str:
    content = file_or_text if isinstance(file_or_text, str | bytes) else file_or_text.read()
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):  # spreadsheets in China often save GB18030
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarError(gettext("The file is neither UTF-8 nor GB18030 text."))


def parse_calendar_csv(file_or_text: str | bytes | IO[str] | IO[bytes]) -> list[CalendarRow]:
    """Read and check a CSV file of ``date,kind,name`` rows; every problem is reported by row.

    A first line naming the columns (``date,kind,name`` or ``日期,…``) is skipped; blank lines
    are ignored. Raises :class:`CalendarError` listing all problems when any row is bad.
    """
    text = _read_text(file_or_text)
    reader = csv.reader(io.StringIO(text))
    rows: list[CalendarRow] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    first = True
    for cells in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if first and cells[0].lower() in HEADER_WORDS:
            first = False
            continue
        first = False

        def error(message: str, line: int = line) -> None:
            errors.append(gettext("Row {row}: {message}").format(row=line, message=message))

        while len(cells) > 3 and not cells[-1]:  # spreadsheets add empty trailing columns
            cells.pop()
        if len(cells) not in (2, 3):
            error(gettext("expected the three columns date, kind, name."))
            continue
        raw_date, raw_kind = cells[0], cells[1]
        name = cells[2] if len(cells) > 2 else ""
        try:
            day = date.fromisoformat(raw_date.replace("/", "-"))
        except ValueError:
            error(gettext("“{value}” is not a date (write YYYY-MM-DD).").format(value=raw_date))
            continue
        kind = _normalise_kind(raw_kind)
        if kind is None:
            message = gettext(
                "“{value}” is not a kind of day (write holiday, workday, 休, 假 or 班)."
            )
            error(message.format(value=raw_kind))
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            error(
                gettext("the year {year} is outside {first}–{last}.").format(
                    year=day.year, first=FIRST_YEAR, last=LAST_YEAR
                )
            )
            continue
        if day in seen:
            error(
                gettext("{date} appears twice (first in row {first}).").format(
                    date=day.isoformat(), first=seen[day]
                )
            )
            continue
        seen[day] = line
        problem = _kind_problem(day, kind)
        if problem:
            error(problem)
            continue
        if len(name) > NAME_MAX_LENGTH:
            error(gettext("the name is longer than {max} characters.").format(max=NAME_MAX_LENGTH))
            continue
        rows.append(CalendarRow(row=line, date=day, kind=kind, name=name))
    if errors:
        raise CalendarError(
            ngettext(
                "Nothing was imported: the file has {count} error.",
                "Nothing was imported: the file has {count} errors.",
                len(errors),
            ).format(count=len(errors)),
            errors=errors,
        )
    if not rows:
        raise CalendarError(gettext("Nothing was imported: the file has no calendar rows."))
    return rows


def import_calendar_csv(
    file_or_text: str | bytes | IO[str] | IO[bytes], *, actor: User, notice: str = ""
) -> list[CalendarYear]:
    """Import the State Council's arrangement for one or more years from a CSV file.

    Each year present in the file replaces that year's exceptions wholly (a year is imported as
    a whole, so a day dropped from the notice disappears too) and becomes source ``import``;
    years absent from the file are untouched. Nothing is written when any row is bad. Returns
    the imported years in order.
    """
    _require_permission(actor)
    rows = parse_calendar_csv(file_or_text)
    by_year: dict[int, list[CalendarRow]] = defaultdict(list)
    for row in rows:
        by_year[row.date.year].append(row)
    imported: list[CalendarYear] = []
    with transaction.atomic():
        for year, year_rows in sorted(by_year.items()):
            calendar_year, created = CalendarYear.objects.select_for_update().get_or_create(
                year=year,
                defaults={"source": CalendarYear.Source.IMPORT, "notice": notice},
            )
            in_year = CalendarDay.objects.filter(
                date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
            )
            replaced = in_year.count()
            in_year.delete()
            CalendarDay.objects.bulk_create(
                [CalendarDay(date=row.date, kind=row.kind, name=row.name) for row in year_rows]
            )
            if not created:
                calendar_year.source = CalendarYear.Source.IMPORT
                if notice:
                    calendar_year.notice = notice
                calendar_year.save(update_fields=["source", "notice", "updated_at"])
            record(
                "core.import_calendar",
                actor=actor,
                obj=calendar_year,
                details={
                    "year": year,
                    "created": created,
                    "holidays": sum(r.kind == CalendarDay.Kind.HOLIDAY for r in year_rows),
                    "workdays": sum(r.kind == CalendarDay.Kind.SWAPPED_WORKDAY for r in year_rows),
                    "replaced": replaced,
                    "notice": calendar_year.notice,
                },
            )
            imported.append(calendar_year)
        transaction.on_commit(calendar_changed)
    return imported


# --- Day-by-day editing --------------------------------------------------------------------


def _covered_year(year: int) -> CalendarYear:
    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if calendar_year is None:
        raise CalendarError(
            gettext("The calendar does not cover {year}; add the year first.").format(year=year)
        )
    return calendar_year


def set_calendar_day(day: date, *, kind: str, name: str = "", actor: User) -> CalendarDay:
    """Record ``day`` as a holiday or a swapped working day (creating or changing its row)."""
    _require_permission(actor)
    with transaction.atomic():
        calendar_year = _covered_year(day.year)
        check_calendar_day(day, kind=kind, name=name)
        previous = CalendarDay.objects.filter(date=day).values("kind", "name").first()
        calendar_day, _created = CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": kind, "name": name}
        )
        _mark_edited(calendar_year)
        record(
            "core.set_calendar_day",
            actor=actor,
            obj=calendar_day,
            details={"date": day.isoformat(), "kind": kind, "name": name, "previous": previous},
        )
        transaction.on_commit(calendar_changed)
    return calendar_day


def clear_calendar_day(day: date, *, actor: User) -> CalendarYear:
    """Remove ``day``'s exception: it follows the plain Monday-to-Friday rule again."""
    _require_permission(actor)
    with transaction.atomic():
        calendar_year = _covered_year(day.year)
        calendar_day = CalendarDay.objects.filter(date=day).first()
        if calendar_day is None:
            raise CalendarError(
                gettext("{date} has no holiday or swapped working day to remove.").format(
                    date=day.isoformat()
                )
            )
        previous = {"kind": calendar_day.kind, "name": calendar_day.name}
        calendar_day.delete()
        _mark_edited(calendar_year)
        record(
            "core.clear_calendar_day",
            actor=actor,
            obj=calendar_year,
            details={"date": day.isoformat(), "previous": previous},
        )
        transaction.on_commit(calendar_changed)
    return calendar_year


def add_calendar_year(year: int, *, actor: User, notice: str = "") -> CalendarYear:
    """Cover ``year`` with no exceptions yet: plain weekdays until its holidays are entered."""
    _require_permission(actor)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarError(
            gettext("The year {year} is outside {first}–{last}.").format(
                year=year, first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    with transaction.atomic():
        if CalendarYear.objects.filter(year=year).exists():
            raise CalendarError(gettext("The calendar covers {year} already.").format(year=year))
        calendar_year = CalendarYear.objects.create(
            year=year, source=CalendarYear.Source.MANUAL, notice=notice
        )
        record(
            "core.add_calendar_year",
            actor=actor,
            obj=calendar_year,
            details={"year": year, "notice": notice},
        )
        transaction.on_commit(calendar_changed)
    return calendar_year


def set_calendar_year_notice(
    calendar_year: CalendarYear, *, notice: str, actor: User
) -> CalendarYear:
    """Name the State Council notice a year's arrangement comes from."""
    _require_permission(actor)
    with transaction.atomic():
        previous = calendar_year.notice
        calendar_year.notice = notice
        calendar_year.save(update_fields=["notice", "updated_at"])
        record(
            "core.set_calendar_year_notice",
            actor=actor,
            obj=calendar_year,
            details={"notice": notice, "previous": previous},
        )
    return calendar_year
