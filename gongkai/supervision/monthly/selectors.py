"""Queries the monthly pages, the queue and the API share.

What the public sees goes through :func:`published_versions`: a version that is not published
never reaches a public page. The tables are built from the frozen :class:`MonthlyFigure` rows,
never from the records (those are read only when a table is computed).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, Max, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongkai.catalogue.models import Document, DocumentVersion, ListRecord
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter
from gongkai.supervision.monthly import figures
from gongkai.supervision.monthly.figures import Figure, Rate
from gongkai.supervision.monthly.models import HealthCheck, MonthlyFigure, MonthlyPublication

State = MonthlyPublication.State


# --- publications ----------------------------------------------------------------------------


def published_versions() -> QuerySet[MonthlyPublication]:
    """Every published version: the gate of every public page."""
    return MonthlyPublication.objects.filter(state=State.PUBLISHED)


@dataclass(frozen=True)
class PublishedMonth:
    year: int
    month: int
    current: MonthlyPublication  # the newest published version
    versions: int  # how many versions are published

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)


def published_months() -> list[PublishedMonth]:
    """The months with a published table, the newest first, each with its current version.
    Two queries whatever the number of months."""
    rows = list(published_versions().order_by("-year", "-month", "-version"))
    months: dict[tuple[int, int], list[MonthlyPublication]] = {}
    for row in rows:
        months.setdefault((row.year, row.month), []).append(row)
    return [
        PublishedMonth(year, month, current=versions[0], versions=len(versions))
        for (year, month), versions in months.items()
    ]


def published_years() -> list[tuple[int, list[PublishedMonth]]]:
    """:func:`published_months` grouped by year, the newest year first."""
    years: dict[int, list[PublishedMonth]] = {}
    for item in published_months():
        years.setdefault(item.year, []).append(item)
    return list(years.items())


def published_version(
    year: int, month: int, version: int | None = None
) -> MonthlyPublication | None:
    """A published version of a month: the newest, or the one asked for."""
    rows = published_versions().filter(year=year, month=month)
    if version is not None:
        return rows.filter(version=version).first()
    return rows.order_by("-version").first()


def versions_of(
    publication: MonthlyPublication, *, published_only: bool
) -> list[MonthlyPublication]:
    """Every version of ``publication``'s month, the first first."""
    rows = MonthlyPublication.objects.filter(year=publication.year, month=publication.month)
    if published_only:
        rows = rows.filter(state=State.PUBLISHED)
    return list(rows.order_by("version"))


def newest_version(publication: MonthlyPublication) -> int:
    """The newest published version of the publication's month (0 when none is)."""
    found = published_versions().filter(year=publication.year, month=publication.month)
    return found.aggregate(newest=Max("version"))["newest"] or 0


# --- the table -------------------------------------------------------------------------------


@dataclass
class TableRow:
    agency_id: int
    agency_name: str
    values: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[Figure, int]]:
        return [(item, self.values.get(item.key, 0)) for item in figures.FIGURES]

    @property
    def rates(self) -> list[tuple[Rate, Decimal | None]]:
        return [
            (rate, figures.percentage(self.values.get(rate.numerator, 0),
                                      self.values.get(rate.denominator, 0)))
            for rate in figures.RATES
        ]  # fmt: skip


@dataclass
class Table:
    publication: MonthlyPublication
    rows: list[TableRow]
    total: TableRow

    @property
    def figures(self) -> tuple[Figure, ...]:
        return figures.FIGURES

    @property
    def rates(self) -> tuple[Rate, ...]:
        return figures.RATES

    @property
    def column_count(self) -> int:
        return 1 + len(figures.FIGURES) + len(figures.RATES)

    @property
    def groups(self) -> list[tuple[str, str | Promise, int]]:
        """The column groups of the heading: (key, label, number of columns)."""
        labels = {
            "catalogue": _("Proactive disclosure"),
            "requests": _("Applications"),
            "letters": _("Letters"),
            "lists": _("Structured lists"),
        }
        groups: list[tuple[str, str | Promise, int]] = []
        for item in figures.FIGURES:
            if groups and groups[-1][0] == item.group:
                key, label, count = groups[-1]
                groups[-1] = (key, label, count + 1)
            else:
                groups.append((item.group, labels[item.group], 1))
        return groups


def table_of(publication: MonthlyPublication, *, agency_ids: Iterable[int] | None = None) -> Table:
    """The frozen table of ``publication`` (only the rows of ``agency_ids`` when given), in
    the order it was computed, with a total over the rows shown. One query."""
    rows_by_agency: dict[int, TableRow] = {}
    figures_qs = MonthlyFigure.objects.filter(publication=publication)
    if agency_ids is not None:
        figures_qs = figures_qs.filter(agency_id__in=list(agency_ids))
    for agency_id, name, key, value in figures_qs.order_by("position", "key").values_list(
        "agency_id", "agency_name", "key", "value"
    ):
        row = rows_by_agency.setdefault(agency_id, TableRow(agency_id, name))
        row.values[key] = value
    rows = list(rows_by_agency.values())
    total = TableRow(0, _("Total"))
    for item in figures.FIGURES:
        total.values[item.key] = sum(row.values.get(item.key, 0) for row in rows)
    return Table(publication=publication, rows=rows, total=total)


CHART_AGENCIES = 20  # agencies in the publications chart: the busiest


def chart_data(table: Table) -> dict[str, Any]:
    """What the chart script draws (read from a ``json_script`` element): the busiest
    agencies' publications and late publications, and the month's applications and letters."""
    busiest = sorted(
        (row for row in table.rows if row.values.get("documents_published")),
        key=lambda row: (-row.values.get("documents_published", 0), row.agency_name),
    )[:CHART_AGENCIES]
    total = table.total.values
    return {
        "publications": {
            "title": _("Publications by agency (the %(count)d busiest)")
            % {"count": len(busiest)},
            "agencies": [row.agency_name for row in busiest],
            "series": [
                {"name": str(figures.figure("documents_published").label),
                 "values": [row.values.get("documents_published", 0) for row in busiest]},
                {"name": str(figures.figure("documents_late").label),
                 "values": [row.values.get("documents_late", 0) for row in busiest]},
            ],
        },
        "replies": {
            "title": _("Applications and letters this month"),
            "categories": [_("Received"), _("Replied"), _("Replied on time")],
            "series": [
                {"name": _("Applications"),
                 "values": [total["requests_received"], total["requests_replied"],
                            total["requests_on_time"]]},
                {"name": _("Letters"),
                 "values": [total["letters_received"], total["letters_replied"],
                            total["letters_on_time"]]},
            ],
        },
    }  # fmt: skip


# --- drill-down ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRow:
    """One record behind a figure, as staff see it in the drill-down (no personal data)."""

    pk: int
    label: str
    date: datetime.date | None
    note: str
    url: str


def _safe_reverse(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def record_rows(key: str, record_ids: list[int]) -> list[RecordRow]:
    """The records a frozen figure counted, as they are now; a record deleted since is listed
    by its id alone."""
    item = figures.figure(key)
    rows: dict[int, RecordRow] = {}
    if item.model is DocumentVersion:
        for version in DocumentVersion.objects.filter(pk__in=record_ids).select_related("document"):
            note = _("version %(number)d") % {"number": version.number}
            if version.metadata.get("late"):
                note += " · " + _("due %(date)s") % {"date": version.metadata.get("due_date", "")}
            rows[version.pk] = RecordRow(
                version.pk, version.title, timezone.localdate(version.published_at), note,
                _safe_reverse("catalogue_staff:document_detail", version.document_id),
            )  # fmt: skip
    elif item.model is Document:
        for document in Document.objects.filter(pk__in=record_ids):
            published = timezone.localdate(document.published_at) if document.published_at else None
            rows[document.pk] = RecordRow(
                document.pk, document.title, published, document.doc_number,
                _safe_reverse("catalogue_staff:document_detail", document.pk),
            )  # fmt: skip
    elif item.model is InfoRequest:
        for request in InfoRequest.objects.filter(pk__in=record_ids):
            note = _("received %(received)s, due %(due)s, replied %(replied)s") % {
                "received": request.received_on.isoformat(),
                "due": request.due_on.isoformat() if request.due_on else "—",
                "replied": request.replied_on.isoformat() if request.replied_on else "—",
            }
            rows[request.pk] = RecordRow(
                request.pk, request.number, request.received_on, note,
                _safe_reverse("info_requests_staff:detail", request.pk),
            )  # fmt: skip
    elif item.model is Letter:
        for letter in Letter.objects.filter(pk__in=record_ids):
            note = _("received %(received)s, due %(due)s, replied %(replied)s") % {
                "received": letter.received_on.isoformat(),
                "due": letter.due_on.isoformat() if letter.due_on else "—",
                "replied": letter.replied_on.isoformat() if letter.replied_on else "—",
            }
            if letter.rating:
                note += " · " + str(letter.get_rating_display())
            rows[letter.pk] = RecordRow(
                letter.pk, letter.number, letter.received_on, note,
                _safe_reverse("letters_staff:detail", letter.pk),
            )  # fmt: skip
    elif item.model is ListRecord:
        for record in ListRecord.objects.filter(pk__in=record_ids).select_related("record_type"):
            published = timezone.localdate(record.published_at) if record.published_at else None
            rows[record.pk] = RecordRow(
                record.pk, f"{record.record_type.name} #{record.pk}", published,
                str(record.get_state_display()),
                _safe_reverse("lists_staff:records", record.record_type.code),
            )  # fmt: skip
    gone = _("no longer exists")
    return [rows.get(pk) or RecordRow(pk, f"#{pk}", None, gone, "") for pk in record_ids]


# --- site health -----------------------------------------------------------------------------


def latest_check_day(checks: QuerySet[HealthCheck] | None = None) -> datetime.date | None:
    """The last day the watch recorded findings (up to today)."""
    rows = checks if checks is not None else HealthCheck.objects.all()
    return rows.filter(checked_on__lte=timezone.localdate()).aggregate(day=Max("checked_on"))["day"]


def latest_check_day_query() -> QuerySet[Any]:
    """:func:`latest_check_day` as a subquery (one row, ``day``), for pages that read the
    day's rows in the same query."""
    return (
        HealthCheck.objects.filter(checked_on__lte=timezone.localdate())
        .order_by()
        .values("checked_on")
        .annotate(day=Max("checked_on"))
        .values("day")
        .order_by("-day")[:1]
    )


SUBJECT_ORDER = (
    HealthCheck.Subject.HOME,
    HealthCheck.Subject.DISCLOSURE,
    HealthCheck.Subject.COLUMN,
    HealthCheck.Subject.LETTERS,
)
ATTENTION = (HealthCheck.State.WARNING, HealthCheck.State.OVERDUE, HealthCheck.State.EMPTY)
STATE_ORDER = {
    HealthCheck.State.OVERDUE: 0,
    HealthCheck.State.EMPTY: 1,
    HealthCheck.State.WARNING: 2,
    HealthCheck.State.OK: 3,
}


@dataclass(frozen=True)
class SiteSummary:
    """The inspection's pass/fail items for the site as a whole on a day."""

    home: HealthCheck | None
    stale_columns: int  # timed columns past their limit (5 or more fail the inspection)
    empty_columns: int  # columns never filled (5 or more fail the inspection)
    letters: HealthCheck | None

    @property
    def fails(self) -> bool:
        return (
            (self.home is not None and self.home.state == HealthCheck.State.OVERDUE)
            or self.stale_columns >= INSPECTION_COLUMNS
            or self.empty_columns >= INSPECTION_COLUMNS
            or (self.letters is not None and self.letters.state == HealthCheck.State.OVERDUE)
        )


INSPECTION_COLUMNS = 5  # 国办秘函〔2019〕19号: five stale or five empty columns fail the site


def site_summary(day: datetime.date) -> SiteSummary:
    rows = list(HealthCheck.objects.filter(checked_on=day, agency__isnull=True))
    by_key = {row.scope_key: row for row in rows}
    columns = [row for row in rows if row.subject == HealthCheck.Subject.COLUMN]
    return SiteSummary(
        home=by_key.get("site:home"),
        stale_columns=sum(row.state == HealthCheck.State.OVERDUE for row in columns),
        empty_columns=sum(row.state == HealthCheck.State.EMPTY for row in columns),
        letters=by_key.get("site:letters"),
    )


def health_rows(
    checks: QuerySet[HealthCheck],
    day: datetime.date,
    *,
    agency_id: int | None = None,
    site_only: bool = False,
    state: str = "",
) -> QuerySet[HealthCheck]:
    """A day's findings from ``checks`` (the user's permission queryset), the most urgent
    first: the site's before the agencies', then by state and deadline."""
    rows = checks.filter(checked_on=day)
    if site_only:
        rows = rows.filter(agency__isnull=True)
    elif agency_id is not None:
        rows = rows.filter(agency_id=agency_id)
    if state:
        rows = rows.filter(state=state)
    subject_order = Case(
        *(When(subject=subject, then=Value(n)) for n, subject in enumerate(SUBJECT_ORDER)),
        default=Value(len(SUBJECT_ORDER)),
    )
    return rows.select_related("agency", "column").order_by(
        F("agency__sort_order").asc(nulls_first=True),
        F("agency_id").asc(nulls_first=True),
        subject_order,
        F("column__sort_order").asc(nulls_first=True),
        "column_id",
    )


def subject_label(check: HealthCheck) -> str:
    """What a finding is about, in words: 首页, a column's name, 来信 …"""
    if check.subject == HealthCheck.Subject.COLUMN and check.column is not None:
        return check.column.name
    return str(check.get_subject_display())


def rule_label(check: HealthCheck) -> str:
    unit, limit = check.detail.get("unit"), int(check.detail.get("limit") or 0)
    if unit == "days":
        return ngettext("%(count)d day", "%(count)d days", limit) % {"count": limit}
    if unit == "months":
        return ngettext("%(count)d month", "%(count)d months", limit) % {"count": limit}
    return _("no time limit")
