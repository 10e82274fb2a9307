"""Queries the letters' pages, jobs, public Q&A, search index and statistics share.

Public Q&A (公开答复) reaches the public only through :func:`published_qa` — published, not
withdrawn, of a letter whose writer agreed and which stands replied — and is read as
:class:`PublicQA` values: the masked texts, the type, the handling agency and the dates, never a
:class:`~gongkai.interaction.letters.models.Letter` (whose writer a template could print).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DateField, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth

from gongkai.interaction.letters.models import Letter, LetterEvent, LetterType, PublishedLetter
from gongkai.interaction.letters.permissions import letters_visible_to
from gongkai.interaction.letters.statistics import (
    AgencyFilter,
    Counts,
    Figures,
    government_counts,
    load_facts,
    year_period,
)
from gongkai.interaction.letters.statistics import figures as statistics_figures
from gongkai.interaction.letters.workflow import ACTIVE_STATES, OPEN_STATES, REPLIED_STATES

State = Letter.State


def active_letter_types() -> QuerySet[LetterType]:
    """The types the public may write to now, in their display order."""
    return (
        LetterType.objects.filter(active=True).select_related("agency").order_by("sort_order", "id")
    )


def open_letters() -> QuerySet[Letter]:
    """Letters whose reply clock runs (accepted, not yet replied)."""
    return Letter.objects.filter(state__in=OPEN_STATES)


def replied_unrated(*, today: datetime.date) -> QuerySet[Letter]:
    """Replied letters waiting for the writer's rating (the job closes the stale ones)."""
    return Letter.objects.filter(state=State.REPLIED, replied_on__lt=today)


def queue_for(user: Any, *, state: str = "", agency_id: int | None = None) -> QuerySet[Letter]:
    """The letters ``user`` may see that still wait for someone, the most urgent first
    (letters without a due date — not yet accepted, or replied — after them)."""
    rows = letters_visible_to(user).filter(state__in=ACTIVE_STATES)
    if state:
        rows = rows.filter(state=state)
    if agency_id:
        rows = rows.filter(handling_agency_id=agency_id)
    return rows.select_related("letter_type", "agency", "handling_agency").order_by(
        F("due_on").asc(nulls_last=True), "received_on", "id"
    )


def finished_for(user: Any, *, state: str = "", agency_id: int | None = None) -> QuerySet[Letter]:
    """The closed and rejected letters ``user`` may see, the latest first."""
    rows = letters_visible_to(user).exclude(state__in=ACTIVE_STATES)
    if state:
        rows = rows.filter(state=state)
    if agency_id:
        rows = rows.filter(handling_agency_id=agency_id)
    return rows.select_related("letter_type", "agency", "handling_agency").order_by(
        "-received_on", "-id"
    )


# Which states wait for which role (my queue): the office receives and routes, the handler
# drafts, the reviewer approves.
WAITING_FOR: dict[str, tuple[str, ...]] = {
    "office": (State.RECEIVED, State.ACCEPTED),
    "handler": (State.HANDLING,),
    "reviewer": (State.REVIEW,),
}


def overdue_letters(*, today: datetime.date) -> QuerySet[Letter]:
    return open_letters().filter(due_on__lt=today)


def history_of(letter: Letter) -> QuerySet[LetterEvent]:
    return letter.events.select_related("actor").order_by("on", "at", "id")


def find_by_number(number: str) -> Letter | None:
    number = number.strip()
    if not number or len(number) > 64:
        return None
    return (
        Letter.objects.select_related("letter_type", "agency", "handling_agency")
        .filter(number__iexact=number)
        .first()
    )


def search_letters(rows: QuerySet[Letter], text: str) -> QuerySet[Letter]:
    """Staff search by number or words of the subject (the rows come from
    ``letters_visible_to``)."""
    text = text.strip()
    if not text:
        return rows
    return rows.filter(Q(number__icontains=text) | Q(subject__icontains=text))


# --------------------------------------------------------------------------- public Q&A


def published_qa() -> QuerySet[PublishedLetter]:
    """The public gate of public Q&A: confirmed and not withdrawn, of a letter whose writer
    agreed to publication and which stands replied (a reopened letter drops out at once).
    Every public page, the search index and its check of each hit start from this."""
    return PublishedLetter.objects.filter(
        state=PublishedLetter.State.PUBLISHED,
        letter__consent_to_publish=True,
        letter__state__in=REPLIED_STATES,
    )


@dataclass(frozen=True)
class PublicQA:
    """What the public sees of a published letter: the masked texts, the letter's type, the
    agency that replied and the dates — never the writer, the tracking number or the files."""

    pk: int
    subject: str
    content: str
    reply: str
    type_name: str
    type_slug: str
    agency_name: str
    agency_slug: str
    written_on: datetime.date
    replied_on: datetime.date | None
    reply_days: int | None  # working days from acceptance to the reply
    published_at: datetime.datetime | None


# The only columns read for the public: the letter's own columns never come with them.
_PUBLIC_COLUMNS = (
    "pk", "public_subject", "public_content", "public_reply", "reply_days", "published_at",
    "letter__letter_type__name", "letter__letter_type__leader_name",
    "letter__letter_type__leader_title", "letter__letter_type__slug",
    "letter__handling_agency__name", "letter__handling_agency__slug",
    "letter__received_on", "letter__replied_on",
)  # fmt: skip


def public_qa_values(rows: QuerySet[PublishedLetter]) -> QuerySet[PublishedLetter, dict[str, Any]]:
    """``rows`` (from :func:`published_qa`) as the values :func:`as_public_qa` reads."""
    return rows.values(*_PUBLIC_COLUMNS)


def as_public_qa(row: dict[str, Any]) -> PublicQA:
    type_name = row["letter__letter_type__name"]
    leader = " ".join(
        part
        for part in (
            row["letter__letter_type__leader_name"],
            row["letter__letter_type__leader_title"],
        )
        if part
    )
    return PublicQA(
        pk=row["pk"],
        subject=row["public_subject"],
        content=row["public_content"],
        reply=row["public_reply"],
        type_name=f"{type_name}（{leader}）" if leader else type_name,
        type_slug=row["letter__letter_type__slug"],
        agency_name=row["letter__handling_agency__name"] or "",
        agency_slug=row["letter__handling_agency__slug"] or "",
        written_on=row["letter__received_on"],
        replied_on=row["letter__replied_on"],
        reply_days=row["reply_days"],
        published_at=row["published_at"],
    )


def public_qa_list(
    *, agency_slug: str = "", type_slug: str = "", year: int | None = None
) -> QuerySet[PublishedLetter, dict[str, Any]]:
    """Published Q&A, the latest reply first, by handling agency, letter type and the year
    of the reply."""
    rows = published_qa()
    if agency_slug:
        rows = rows.filter(letter__handling_agency__slug=agency_slug)
    if type_slug:
        rows = rows.filter(letter__letter_type__slug=type_slug)
    if year is not None:
        rows = rows.filter(letter__replied_on__year=year)
    return public_qa_values(rows.order_by("-letter__replied_on", "-published_at", "-pk"))


def public_qa(pk: int) -> PublicQA | None:
    """The published Q&A ``pk``, or None (proposed, withdrawn or unknown: not there)."""
    row = public_qa_values(published_qa().filter(pk=pk)).first()
    return as_public_qa(row) if row is not None else None


@dataclass(frozen=True)
class QAFilterChoices:
    agencies: list[tuple[str, str]]  # slug, name
    types: list[tuple[str, str]]  # slug, display name
    years: list[int]


def qa_filter_choices() -> QAFilterChoices:
    """The agencies, letter types and years that have published Q&A (three queries)."""
    rows = published_qa()
    agencies = (
        rows.order_by("letter__handling_agency__sort_order", "letter__handling_agency__name")
        .values_list("letter__handling_agency__slug", "letter__handling_agency__name")
        .distinct()
    )
    type_ids = rows.values("letter__letter_type_id")
    types = LetterType.objects.filter(pk__in=type_ids).order_by("sort_order", "id")
    years = sorted({day.year for day in rows.dates("letter__replied_on", "year")}, reverse=True)
    return QAFilterChoices(
        agencies=[(slug, name) for slug, name in agencies if slug],
        types=[(letter_type.slug, letter_type.display_name) for letter_type in types],
        years=years,
    )


@dataclass(frozen=True)
class AgencyReplyTimes:
    """One agency's published Q&A and how long its replies took (working days from
    acceptance)."""

    slug: str
    name: str
    count: int
    mean_days: float | None
    longest_days: int | None


def qa_reply_times_by_agency() -> list[AgencyReplyTimes]:
    """Each agency with published Q&A: how many, the mean and the longest reply time."""
    rows = (
        published_qa()
        .values("letter__handling_agency__slug", "letter__handling_agency__name")
        .annotate(count=Count("pk"), mean_days=Avg("reply_days"), longest=Max("reply_days"))
        .order_by("letter__handling_agency__sort_order", "letter__handling_agency__name")
    )
    return [
        AgencyReplyTimes(
            slug=row["letter__handling_agency__slug"],
            name=row["letter__handling_agency__name"],
            count=row["count"],
            mean_days=float(row["mean_days"]) if row["mean_days"] is not None else None,
            longest_days=row["longest"],
        )
        for row in rows
        if row["letter__handling_agency__slug"]
    ]


# --------------------------------------------------------------------------- annual report


def letter_figures_of_year(
    year: int, *, agency_ids: Iterable[int] | None = None
) -> Figures | Counts:
    """The letters' figures of ``year`` as of its 31 December (received, replied, ratings …,
    see :mod:`gongkai.interaction.letters.statistics`): of every letter for the whole
    government (``agency_ids`` None), or of the letters the agencies ``agency_ids`` answered.
    Read as of the year's last day, so that a later reply never changes a past year's report.
    The government's are counted by the database (``statistics.government_counts``: the
    counts only, no replay of the events); an agency's by replaying its letters' events, as a
    reply or a rating belongs to the agency that answered."""
    start, end = year_period(year)
    if agency_ids is None:
        return government_counts(start, end, as_of=end)
    facts = load_facts(start, end, as_of=end)
    chosen: AgencyFilter = frozenset(agency_ids)
    return statistics_figures(facts, start=start, end=end, as_of=end, agency=chosen)


# --------------------------------------------------------------------------- statistics (统计报送)

# (agency id, first day of a month) -> how many: the shape of the statistics' counts.
MonthlyCounts = dict[tuple[int, datetime.date], int]


def _letter_owner() -> Coalesce:
    """The agency a letter counts for: its handling agency, else the agency the writer
    addressed (a letter with neither is nobody's yet and is not counted)."""
    return Coalesce("handling_agency_id", "agency_id")


def _letter_counts(rows: QuerySet[Letter], date_field: str) -> MonthlyCounts:
    counted = (
        rows.order_by()
        .annotate(stat_owner=_letter_owner())
        .exclude(stat_owner=None)
        .annotate(stat_month=TruncMonth(date_field, output_field=DateField()))
        .values("stat_owner", "stat_month")
        .annotate(stat_count=Count("pk", distinct=True))
    )
    return {(row["stat_owner"], row["stat_month"]): row["stat_count"] for row in counted}


def _for_agencies(rows: QuerySet[Letter], agency_ids: Any) -> QuerySet[Letter]:
    if agency_ids is None:
        return rows
    ids = list(agency_ids)
    return rows.annotate(stat_owner=_letter_owner()).filter(stat_owner__in=ids)


def letters_received_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Any = None
) -> MonthlyCounts:
    """Letters received from ``start`` to ``end`` inclusive (receipt date), not refused
    (不予受理), counted per agency and month."""
    rows = Letter.objects.filter(received_on__gte=start, received_on__lte=end).exclude(
        state=State.REJECTED
    )
    return _letter_counts(_for_agencies(rows, agency_ids), "received_on")


def letters_replied_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Any = None
) -> MonthlyCounts:
    """Letters replied from ``start`` to ``end`` inclusive (reply date), per agency and month."""
    rows = Letter.objects.filter(replied_on__gte=start, replied_on__lte=end)
    return _letter_counts(_for_agencies(rows, agency_ids), "replied_on")


def letters_overdue_counts(
    start: datetime.date, end: datetime.date, *, agency_ids: Any = None
) -> MonthlyCounts:
    """Letters that became overdue (their ``overdue`` event) from ``start`` to ``end``, each
    counted once per agency and month in which the limit was passed."""
    events = LetterEvent.objects.filter(code=LetterEvent.Code.OVERDUE, on__gte=start, on__lte=end)
    rows = Letter.objects.filter(pk__in=events.values("letter_id"))
    rows = _for_agencies(rows, agency_ids)
    counted = (
        events.filter(letter__in=rows)
        .order_by()
        .annotate(
            stat_owner=Coalesce("letter__handling_agency_id", "letter__agency_id"),
            stat_month=TruncMonth("on", output_field=DateField()),
        )
        .exclude(stat_owner=None)
        .values("stat_owner", "stat_month")
        .annotate(stat_count=Count("letter_id", distinct=True))
    )
    return {(row["stat_owner"], row["stat_month"]): row["stat_count"] for row in counted}
