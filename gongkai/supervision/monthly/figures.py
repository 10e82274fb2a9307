"""The monthly figures (每月公示), computed from the records of the other apps, read-only.

Every figure is a count of records: a function of (agencies, first day, last day) that returns,
for each agency, the primary keys of the records it counted — the value is their number and the
keys are the drill-down. Nothing here writes, caches or knows about publications, so the same
functions serve the monthly table (``monthly.services`` freezes their results) and any other
measure over a period (the assessment's indicators)::

    from gongkai.supervision.monthly import figures

    figures.figure("documents_late").measure(agency, start, end)       # -> Measure
    figures.figure("documents_late").measure_many(agencies, start, end)  # {agency id: Measure}
    figures.figure("documents_late").records(measure.record_ids)       # the rows behind it

Dates are local (Asia/Shanghai) days, both ends included. What each figure counts — and which
agency a record belongs to — is stated on its definition below; in short:

* **publications** (``documents_published``): versions of an agency's documents published in
  the period with the manner 主动公开 — first publications and amendments alike, since REG 26's
  20 working days run from the day information is formed *or changed*; **late**
  (``documents_late``) those of them the catalogue marked late when it published them (the
  REG 26 clock of ``catalogue.clocks``, on the agency's limit);
* **interpretations missing** (``interpretations_missing``): policies needing an
  interpretation (三同步) whose lag (``catalogue.clocks``: the agency's working days after the
  policy's publication) ended in the period with no interpretation of them published by then —
  each policy counts once, in the month its lag ran out, even if one came later;
* **applications** (依申请公开): received (legal receipt date in the period), replied (reply
  date in the period) and of those replied on time (the reply clock of
  ``info_requests.clocks``, read from the events, stopped on or before its due date); an
  application belongs to its handling agency, or to the agency asked while none is assigned;
* **letters** (来信): received (receipt date in the period, not refused), replied (reply date in
  the period), of those replied on time (``letters.clocks``), rated in the period and of those
  rated 满意 or 基本满意; a letter belongs to its handling agency, or to the agency the writer
  addressed; a letter with neither is nobody's yet and is not counted;
* **structured lists updated** (``lists_updated``): list records published in the period.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.clocks import catalogue_settings_for
from gongkai.catalogue.models import (
    AgencyCatalogueSettings,
    Document,
    DocumentVersion,
    ListRecord,
)
from gongkai.core.clock import ClockError, ClockEvent
from gongkai.core.context import request_memo
from gongkai.core.workdays import CalendarNotCovered, add_working_days
from gongkai.info_requests.clocks import read_clock as read_request_clock
from gongkai.info_requests.models import InfoRequest, RequestEvent
from gongkai.interaction.letters.clocks import read_clock as read_letter_clock
from gongkai.interaction.letters.models import Letter

__all__ = [
    "FIGURES",
    "RATES",
    "Figure",
    "Measure",
    "Rate",
    "compute_table",
    "figure",
    "month_range",
    "percentage",
]

Collected = dict[int, list[int]]  # agency id -> primary keys of the records counted
Collector = Callable[[list[int], datetime.date, datetime.date], Collected]
AgencyLike = Agency | int


@dataclass(frozen=True)
class Measure:
    """A figure of one agency over one period: the count and the records behind it."""

    value: int
    record_ids: tuple[int, ...]

    @classmethod
    def of(cls, ids: Iterable[int]) -> Measure:
        ordered = tuple(sorted(set(ids)))
        return cls(value=len(ordered), record_ids=ordered)


EMPTY = Measure(value=0, record_ids=())


@dataclass(frozen=True)
class Figure:
    """One figure of the table: a key, its labels and the function that counts it."""

    key: str
    label: str | Promise  # the column heading
    description: str | Promise  # what is counted, for the page's notes
    group: str  # the table's column group: catalogue, requests, letters, lists
    model: type[models.Model]  # the model of ``record_ids``
    collect: Collector

    def measure_many(
        self, agencies: Iterable[AgencyLike], start: datetime.date, end: datetime.date
    ) -> dict[int, Measure]:
        """The figure of each of ``agencies`` over [start, end] (an agency with none: zero)."""
        ids = _agency_ids(agencies)
        if not ids:
            return {}
        collected = self.collect(ids, start, end)
        return {pk: Measure.of(collected[pk]) if pk in collected else EMPTY for pk in ids}

    def measure(self, agency: AgencyLike, start: datetime.date, end: datetime.date) -> Measure:
        """The figure of one agency over [start, end]."""
        pk = agency.pk if isinstance(agency, Agency) else int(agency)
        return self.measure_many([pk], start, end)[pk]

    def records(self, record_ids: Iterable[int]) -> QuerySet[models.Model]:
        """The records behind a measure (those that still exist)."""
        return self.model._default_manager.filter(pk__in=list(record_ids))


@dataclass(frozen=True)
class Rate:
    """A percentage the table derives from two figures (never stored: the counts are)."""

    key: str
    label: str | Promise
    numerator: str
    denominator: str


def percentage(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` in per cent, one decimal, rounded half-up; None for 0/0."""
    if denominator <= 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


# --- Periods ---------------------------------------------------------------------------------


def month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and the last day of a month."""
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """[start 00:00, the day after end 00:00) in the site's time zone, for timestamps."""
    zone = timezone.get_current_timezone()
    after = end + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
    )


def _agency_ids(agencies: Iterable[AgencyLike]) -> list[int]:
    seen: dict[int, None] = {}
    for agency in agencies:
        seen[agency.pk if isinstance(agency, Agency) else int(agency)] = None
    return list(seen)


def _bucket(rows: Iterable[tuple[int | None, int]]) -> Collected:
    collected: Collected = defaultdict(list)
    for agency_id, pk in rows:
        if agency_id is not None:
            collected[agency_id].append(pk)
    return dict(collected)


# --- The catalogue -------------------------------------------------------------------------


def _publications(ids: list[int], start: datetime.date, end: datetime.date) -> QuerySet:
    since, before = _bounds(start, end)
    return DocumentVersion.objects.filter(
        document__agency_id__in=ids,
        published_at__gte=since,
        published_at__lt=before,
        metadata__manner=Document.Manner.PROACTIVE.value,
    )


def _documents_published(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    return _bucket(_publications(ids, start, end).values_list("document__agency_id", "pk"))


def _documents_late(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    rows = _publications(ids, start, end).filter(metadata__late=True)
    return _bucket(rows.values_list("document__agency_id", "pk"))


# Policies published this long before the period may still have their lag end in it: the lag is
# counted in working days, and a working day is never more than 10 calendar days from the next.
_LAG_REACH_DAYS = 10


def _longest_lag() -> int:
    """The longest interpretation lag any agency has (the default when none is longer)."""
    saved = AgencyCatalogueSettings.objects.aggregate(longest=Max("interpretation_lag_days"))
    default = AgencyCatalogueSettings._meta.get_field("interpretation_lag_days").get_default()
    return max(saved["longest"] or 0, int(default))


def _interpretations_missing(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    longest = _longest_lag()
    reach = datetime.timedelta(days=(longest + 1) * _LAG_REACH_DAYS)
    since, before = _bounds(start - reach, end)
    policies = list(
        Document.objects.filter(
            agency_id__in=ids,
            needs_interpretation=True,
            published_at__gte=since,
            published_at__lt=before,
        )
        .exclude(kind=Document.Kind.INTERPRETATION)
        .select_related("agency__catalogue_settings")
        .order_by("published_at", "pk")
    )
    lags = {p.agency_id: catalogue_settings_for(p.agency).interpretation_lag_days for p in policies}
    due_in_period: dict[int, tuple[int, datetime.date]] = {}
    for policy in policies:
        assert policy.published_at is not None  # noqa: S101 - filtered above
        published_on = timezone.localdate(policy.published_at)
        try:
            due = add_working_days(published_on, lags[policy.agency_id])
        except CalendarNotCovered:
            continue  # the calendar is loud about a missing year elsewhere; nothing is due here
        if start <= due <= end:
            due_in_period[policy.pk] = (policy.agency_id, due)
    if not due_in_period:
        return {}
    interpreted: dict[int, datetime.date] = {}
    rows = Document.interprets.through.objects.filter(
        to_document_id__in=list(due_in_period),
        from_document__kind=Document.Kind.INTERPRETATION,
        from_document__published_at__isnull=False,
    ).values_list("to_document_id", "from_document__published_at")
    for policy_id, published_at in rows:
        day = timezone.localdate(published_at)
        if policy_id not in interpreted or day < interpreted[policy_id]:
            interpreted[policy_id] = day
    return _bucket(
        (agency_id, pk)
        for pk, (agency_id, due) in due_in_period.items()
        if pk not in interpreted or interpreted[pk] > due
    )


def _lists_updated(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    since, before = _bounds(start, end)
    rows = ListRecord.objects.filter(
        agency_id__in=ids, published_at__gte=since, published_at__lt=before
    )
    return _bucket(rows.values_list("agency_id", "pk"))


# --- Applications (依申请公开) -------------------------------------------------------------


def _requests_of(ids: list[int]) -> QuerySet[InfoRequest]:
    """Applications belonging to ``ids``: handled there, or asked there while unassigned."""
    return InfoRequest.objects.filter(
        Q(handling_agency_id__in=ids) | Q(handling_agency__isnull=True, agency_id__in=ids)
    )


def _request_rows(rows: QuerySet[InfoRequest]) -> Iterable[tuple[int, int]]:
    for pk, handling_id, asked_id in rows.values_list("pk", "handling_agency_id", "agency_id"):
        yield handling_id or asked_id, pk


def _requests_received(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    rows = _requests_of(ids).filter(received_on__gte=start, received_on__lte=end)
    return _bucket(_request_rows(rows))


def _requests_replied(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    rows = _requests_of(ids).filter(replied_on__gte=start, replied_on__lte=end)
    return _bucket(_request_rows(rows))


def _requests_on_time(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    """Replied in the period with the reply clock (from the events) stopped by its due date."""
    replied = list(
        _requests_of(ids)
        .filter(replied_on__gte=start, replied_on__lte=end)
        .only("pk", "rule_set", "received_on", "handling_agency_id", "agency_id")
    )
    events: dict[int, list[ClockEvent]] = defaultdict(list)
    rows = (
        RequestEvent.objects.filter(request_id__in=[r.pk for r in replied])
        .exclude(clock_kind="")
        .order_by("request_id", "on", "at", "id")
        .values_list("request_id", "clock_kind", "on", "clock_days", "comment")
    )
    for request_id, kind, on, days, comment in rows:
        events[request_id].append(ClockEvent(kind=kind, date=on, days=days, reason=comment))
    on_time = []
    for request in replied:
        clock = events.get(request.pk, [])
        if not clock:
            continue
        today = max(end, clock[-1].date)
        try:
            reading = read_request_clock(request, today=today, events=clock)
        except (ClockError, CalendarNotCovered):
            continue
        if reading.on_time:
            on_time.append((request.handling_agency_id or request.agency_id, request.pk))
    return _bucket(on_time)


# --- Letters (来信) --------------------------------------------------------------------------


def _letters_of(ids: list[int]) -> QuerySet[Letter]:
    """Letters belonging to ``ids``: handled there, or addressed there while unassigned."""
    return Letter.objects.filter(
        Q(handling_agency_id__in=ids) | Q(handling_agency__isnull=True, agency_id__in=ids)
    )


def _letter_rows(rows: QuerySet[Letter]) -> Iterable[tuple[int, int]]:
    for pk, handling_id, addressed_id in rows.values_list("pk", "handling_agency_id", "agency_id"):
        yield handling_id or addressed_id, pk


def _letters_received(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    rows = _letters_of(ids).filter(received_on__gte=start, received_on__lte=end)
    return _bucket(_letter_rows(rows.exclude(state=Letter.State.REJECTED)))


def _letters_replied(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    rows = _letters_of(ids).filter(replied_on__gte=start, replied_on__lte=end)
    return _bucket(_letter_rows(rows))


def _letters_on_time(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    """Replied in the period with the (current) reply clock stopped by its due date."""
    replied = (
        _letters_of(ids)
        .filter(replied_on__gte=start, replied_on__lte=end)
        .only("pk", "limit_days", "accepted_on", "handling_agency_id", "agency_id")
    )
    on_time = []
    memo = request_memo.get()
    token = request_memo.set({}) if memo is None else None  # the letter settings, read once
    try:
        for letter in replied:
            try:
                reading = read_letter_clock(letter, today=end)
            except (ClockError, CalendarNotCovered):
                continue
            if reading is not None and reading.on_time:
                on_time.append((letter.handling_agency_id or letter.agency_id, letter.pk))
    finally:
        if token is not None:
            request_memo.reset(token)
    return _bucket(on_time)


def _rated(ids: list[int], start: datetime.date, end: datetime.date) -> QuerySet[Letter]:
    since, before = _bounds(start, end)
    return _letters_of(ids).exclude(rating="").filter(rated_at__gte=since, rated_at__lt=before)


def _letters_rated(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    return _bucket(_letter_rows(_rated(ids, start, end)))


SATISFIED = (Letter.Rating.SATISFIED, Letter.Rating.FAIRLY_SATISFIED)


def _letters_satisfied(ids: list[int], start: datetime.date, end: datetime.date) -> Collected:
    return _bucket(_letter_rows(_rated(ids, start, end).filter(rating__in=SATISFIED)))


# --- The table -------------------------------------------------------------------------------

FIGURES: tuple[Figure, ...] = (
    Figure(
        "documents_published",
        _("Publications"),
        _("Documents published or republished after an amendment, proactively disclosed."),
        "catalogue",
        DocumentVersion,
        _documents_published,
    ),
    Figure(
        "documents_late",
        _("Late publications"),
        _("Of those, published after the 20 working days from their formation or change (REG 26)."),
        "catalogue",
        DocumentVersion,
        _documents_late,
    ),
    Figure(
        "interpretations_missing",
        _("Interpretations missing"),
        _(
            "Policies needing an interpretation whose time for it ran out this month without "
            "one published."
        ),
        "catalogue",
        Document,
        _interpretations_missing,
    ),
    Figure(
        "requests_received",
        _("Applications received"),
        _("Applications for information received this month (the legal receipt date)."),
        "requests",
        InfoRequest,
        _requests_received,
    ),
    Figure(
        "requests_replied",
        _("Applications replied"),
        _("Applications replied this month."),
        "requests",
        InfoRequest,
        _requests_replied,
    ),
    Figure(
        "requests_on_time",
        _("Replied on time"),
        _("Of those, replied within the time limit (extensions and pauses counted)."),
        "requests",
        InfoRequest,
        _requests_on_time,
    ),
    Figure(
        "letters_received",
        _("Letters received"),
        _("Letters received this month, those not accepted left out."),
        "letters",
        Letter,
        _letters_received,
    ),
    Figure(
        "letters_replied",
        _("Letters replied"),
        _("Letters replied this month."),
        "letters",
        Letter,
        _letters_replied,
    ),
    Figure(
        "letters_on_time",
        _("Letters replied on time"),
        _("Of those, replied within their type's time limit."),
        "letters",
        Letter,
        _letters_on_time,
    ),
    Figure(
        "letters_rated",
        _("Replies rated"),
        _("Replies the writers rated this month."),
        "letters",
        Letter,
        _letters_rated,
    ),
    Figure(
        "letters_satisfied",
        _("Rated satisfied"),
        _("Of those, rated satisfied or fairly satisfied."),
        "letters",
        Letter,
        _letters_satisfied,
    ),
    Figure(
        "lists_updated",
        _("List records published"),
        _("Records of the structured lists (power list, procurement …) published this month."),
        "lists",
        ListRecord,
        _lists_updated,
    ),
)

RATES: tuple[Rate, ...] = (
    Rate("requests_on_time_rate", _("Applications on time"), "requests_on_time",
         "requests_replied"),
    Rate("letters_on_time_rate", _("Letters on time"), "letters_on_time", "letters_replied"),
    Rate("satisfaction_rate", _("Satisfaction"), "letters_satisfied", "letters_rated"),
)  # fmt: skip

_BY_KEY = {item.key: item for item in FIGURES}


def figure(key: str) -> Figure:
    """The figure named ``key``; KeyError for an unknown key."""
    return _BY_KEY[key]


def compute_table(
    agencies: Sequence[AgencyLike], start: datetime.date, end: datetime.date
) -> dict[int, dict[str, Measure]]:
    """Every figure of every agency over [start, end]: one pass a figure for all agencies."""
    ids = _agency_ids(agencies)
    table: dict[int, dict[str, Measure]] = {pk: {} for pk in ids}
    for item in FIGURES:
        for pk, measure in item.measure_many(ids, start, end).items():
            table[pk][item.key] = measure
    return table
