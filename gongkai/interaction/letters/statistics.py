"""Statistics of letters (来信统计), counted from the letters and their events — never typed in.

The work is split in two, like the channels' yearly totals:

* :func:`load_facts` reads the letters that matter to a period and their events, in one query
  whatever their number, and condenses each letter into a :class:`LetterFacts` (the dates of its
  acceptance, assignments, replies, ratings …) with :func:`facts_from_events`;
* the pure functions :func:`figures` and :func:`tabulate` count those facts for a period — no
  database, no clock, the same answer for the same facts — so that a report can be checked
  against them and the tests can feed them facts directly. Only the working-day calendar
  (:mod:`gongkai.core.workdays`) is read, to count working days.

**Counted from events.** Each figure counts what happened in the period by the date it
happened, so that a later change of state never rewrites a past month: a letter replied in March
counts as replied in March even when it is reopened in April, and a rating counts on the day it
was given.

* *received* — letters whose receipt date (the online form's day, or the day a letter that came
  by post, phone, visit or the hotline arrived) is in the period;
* *accepted* / *not accepted* — the ``accepted`` and ``rejected`` events in the period;
* *replied* — the replies sent in the period (``replied`` events): a letter reopened after an
  unsatisfied rating and answered again has two replies, each on a clock of its own, each with
  its own rating; *reopened* counts the reopenings in the period;
* *replied on time* / *late* — a reply is on time when it went out on or before its due date:
  the type's limit in working days counted from the clock's start (the acceptance, or the
  reopening) on the official calendar, the start day not counted — as the reply clock counts
  (:mod:`gongkai.interaction.letters.clocks`);
* *working days to reply* — for each reply, the working days ``d`` with ``start < d <= reply``
  (:func:`~gongkai.core.workdays.working_days_between`); the mean (one decimal) and the median
  are over the replies of the period;
* *overdue* — letters whose reply clock had run past its due date without a reply at the end of
  the period (or today, while the period runs): a count at that day, from the events up to it;
* *satisfaction* — the writers' ratings given in the period: 满意 (satisfied), 基本满意 (fairly
  satisfied), 不满意 (unsatisfied); the satisfaction rate is (满意 + 基本满意) / rated. An
  unsatisfied rating that reopened the letter counts as 不满意.

**The reply rate as the seed reports it.** The 2014 report says "区政府门户网站设有'区长信箱'、
'网上投诉'、'网上咨询'…2014年收到各类咨询、投诉、建议376条，回复率98%以上": the letters received
*through the portal* (the online form, whatever their type: the leaders' mailboxes,
consultations, complaints and suggestions) in the period, and the share of them that were
answered. Precisely::

    reply rate = R / N
    N = letters received through the online form with a receipt date in the period
    R = those of the N with a reply sent on or before the reading day (``as_of``)

A letter not accepted (不予受理) is received and not replied: it counts in N and not in R (the
seed's 376 include such letters; the demonstration's 370 of 376 is 98.4%). A letter replied
twice counts once. Letters that came by post, phone, visit or the hotline are left out of this
rate, as the seed's figure is about the portal; they count in every other figure. The rate of a
period can only rise while the period's last letters are answered and never falls (a reply,
once sent, stays counted); to freeze it — for an annual report — read it ``as_of`` the day the
report is made.

**By agency.** A reply, a rating and a reopening belong to the agency that answered (the
``replied`` event names it); an overdue letter to the agency handling it that day; the letters
received (and accepted) in the period — and so the reply rate — to the agency that answered
them, or, before the reply, the agency handling them on the reading day (the office may still
transfer them). Letters not assigned to any agency (waiting, or not accepted) are counted in a
row of their own, so that the table adds up to the government's totals. **By type:** the type a
letter has — the office corrects a writer's choice once, at acceptance, which corrects the
classification of the whole letter rather than changing its state.
"""

from __future__ import annotations

import calendar
import datetime
import statistics
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db.models import Count, FilteredRelation, Q

from gongkai.agencies.models import Agency
from gongkai.core.workdays import CalendarNotCovered, add_working_days, working_days_between
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterType

Code = LetterEvent.Code
Rating = Letter.Rating
Channel = Letter.Channel

ONE_DECIMAL = Decimal("0.1")
# The events the statistics read; the others (drafts, reviews, reminders …) change no figure.
COUNTED_EVENTS: tuple[str, ...] = (
    Code.ACCEPTED,
    Code.REJECTED,
    Code.ASSIGNED,
    Code.TRANSFERRED,
    Code.REPLIED,
    Code.RATED,
    Code.REOPENED,
)


def percent(count: int, total: int) -> Decimal | None:
    """``count`` of ``total`` in per cent, rounded half up to one decimal; None of nothing."""
    if total <= 0:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True, slots=True)
class ReplyFact:
    """One reply: the day it went out, the agency that answered, its clock."""

    on: datetime.date
    agency_id: int | None
    started_on: datetime.date  # the clock's start: the acceptance, or the reopening
    due_on: datetime.date | None  # None when the calendar does not cover the dates
    working_days: int | None  # from the start (not counted) to the reply

    @property
    def on_time(self) -> bool | None:
        return None if self.due_on is None else self.on <= self.due_on


@dataclass(frozen=True, slots=True)
class RatingFact:
    on: datetime.date
    rating: str
    agency_id: int | None  # the agency of the reply rated


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """What the statistics need of one letter, condensed from its events."""

    pk: int
    type_id: int
    channel: str
    received_on: datetime.date
    accepted_on: datetime.date | None = None
    rejected_on: datetime.date | None = None
    limit: int | None = None  # working days, as set at acceptance
    assignments: tuple[tuple[datetime.date, int], ...] = ()  # (day, agency): assigned, transferred
    starts: tuple[datetime.date, ...] = ()  # the clock's starts: acceptance, reopening
    replies: tuple[ReplyFact, ...] = ()
    ratings: tuple[RatingFact, ...] = ()
    reopenings: tuple[tuple[datetime.date, int | None], ...] = ()  # (day, agency)

    def agency_on(self, day: datetime.date) -> int | None:
        """The handling agency at the end of ``day`` (None before the first assignment)."""
        agency = None
        for on, agency_id in self.assignments:
            if on > day:
                break
            agency = agency_id
        return agency

    def replied_by(self, day: datetime.date) -> bool:
        return any(reply.on <= day for reply in self.replies)

    def answered_by(self, day: datetime.date) -> int | None:
        """The agency a received letter is counted for as of ``day``: the one that sent its
        first reply by then, else the one handling it that day."""
        for reply in self.replies:
            if reply.on <= day:
                return reply.agency_id
        return self.agency_on(day)

    def overdue_on(self, day: datetime.date) -> bool:
        """Whether the reply clock had run past its due date, with no reply, at ``day``."""
        if self.limit is None or (self.rejected_on is not None and self.rejected_on <= day):
            return False
        starts = [start for start in self.starts if start <= day]
        if not starts:
            return False
        start = starts[-1]
        if any(start <= reply.on <= day for reply in self.replies):
            return False
        try:
            due = add_working_days(start, self.limit)
        except CalendarNotCovered:
            return False
        return due < day


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event as :func:`facts_from_events` reads it."""

    code: str
    on: datetime.date
    data: Mapping[str, Any]


def _reply(
    on: datetime.date, agency_id: int | None, start: datetime.date | None, limit: int | None
) -> ReplyFact:
    started = start or on
    due: datetime.date | None = None
    days: int | None = None
    try:
        days = working_days_between(started, on)
        if limit is not None:
            due = add_working_days(started, limit)
    except CalendarNotCovered:
        pass
    return ReplyFact(on=on, agency_id=agency_id, started_on=started, due_on=due, working_days=days)


def facts_from_events(
    *,
    pk: int,
    type_id: int,
    channel: str,
    received_on: datetime.date,
    limit: int | None,
    events: Iterable[EventRow],
) -> LetterFacts:
    """Condense a letter's events, in the order they happened, into its facts."""
    accepted_on = rejected_on = None
    assignments: list[tuple[datetime.date, int]] = []
    starts: list[datetime.date] = []
    replies: list[ReplyFact] = []
    ratings: list[RatingFact] = []
    reopenings: list[tuple[datetime.date, int | None]] = []
    current_agency: int | None = None
    for event in events:
        data = event.data or {}
        if event.code == Code.ACCEPTED:
            accepted_on = event.on
            starts.append(event.on)
            limit = data.get("limit", limit)
        elif event.code == Code.REJECTED:
            rejected_on = event.on
        elif event.code in (Code.ASSIGNED, Code.TRANSFERRED):
            agency = data.get("agency") if event.code == Code.ASSIGNED else data.get("to")
            if isinstance(agency, int):
                assignments.append((event.on, agency))
                current_agency = agency
        elif event.code == Code.REPLIED:
            agency = data.get("agency", current_agency)
            replies.append(_reply(event.on, agency, starts[-1] if starts else accepted_on, limit))
        elif event.code == Code.RATED:
            rating = data.get("rating", "")
            if rating in Rating.values:
                agency = replies[-1].agency_id if replies else current_agency
                ratings.append(RatingFact(on=event.on, rating=rating, agency_id=agency))
        elif event.code == Code.REOPENED:
            starts.append(event.on)
            limit = data.get("limit", limit)
            reopenings.append((event.on, replies[-1].agency_id if replies else current_agency))
    return LetterFacts(
        pk=pk,
        type_id=type_id,
        channel=channel,
        received_on=received_on,
        accepted_on=accepted_on,
        rejected_on=rejected_on,
        limit=limit,
        assignments=tuple(assignments),
        starts=tuple(starts),
        replies=tuple(replies),
        ratings=tuple(ratings),
        reopenings=tuple(reopenings),
    )


# --------------------------------------------------------------------------- figures (pure)


@dataclass(frozen=True)
class Figures:
    """The figures of a period for a set of letters (see the module for each definition)."""

    received: int = 0
    accepted: int = 0
    rejected: int = 0
    replied: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    reopened: int = 0
    satisfied: int = 0
    fairly_satisfied: int = 0
    unsatisfied: int = 0
    received_online: int = 0  # the reply rate's N
    replied_online: int = 0  # the reply rate's R
    working_days: tuple[int, ...] = field(default=(), repr=False)  # of each reply, sorted

    @property
    def rated(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.unsatisfied

    @property
    def reply_rate(self) -> Decimal | None:
        """R / N in per cent (the seed's 回复率)."""
        return percent(self.replied_online, self.received_online)

    @property
    def on_time_rate(self) -> Decimal | None:
        """Replies on time over the replies whose due date the calendar gives, in per cent."""
        return percent(self.on_time, self.on_time + self.late)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """(满意 + 基本满意) / rated, in per cent."""
        return percent(self.satisfied + self.fairly_satisfied, self.rated)

    @property
    def mean_working_days(self) -> Decimal | None:
        if not self.working_days:
            return None
        mean = Decimal(sum(self.working_days)) / Decimal(len(self.working_days))
        return mean.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    @property
    def median_working_days(self) -> Decimal | None:
        if not self.working_days:
            return None
        return Decimal(str(statistics.median(self.working_days))).quantize(ONE_DECIMAL)

    @property
    def is_empty(self) -> bool:
        return not (
            self.received
            or self.accepted
            or self.rejected
            or self.replied
            or self.overdue
            or self.rated
            or self.reopened
        )


class _All:
    """The agency filter meaning "every agency, and letters not assigned to any"."""

    def __repr__(self) -> str:
        return "ALL"


ALL = _All()
AgencyFilter = _All | int | None | Collection[int]


def _agency_matches(agency_id: int | None, chosen: AgencyFilter) -> bool:
    if isinstance(chosen, _All):
        return True
    if chosen is None or isinstance(chosen, int):
        return agency_id == chosen
    return agency_id in chosen


def figures(
    facts: Iterable[LetterFacts],
    *,
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
    agency: AgencyFilter = ALL,
    type_id: int | None = None,
) -> Figures:
    """The figures of the period ``start``–``end`` (both included) read on ``as_of``.

    ``agency``: :data:`ALL` (the government), one agency's pk, a collection of pks (an agency's
    staff see their own agencies), or None (the letters not assigned to any agency).
    ``type_id``: one letter type, or every type (None). Nothing after ``as_of`` is counted.
    """
    last = min(end, as_of)
    counts: dict[str, int] = defaultdict(int)
    days: list[int] = []
    if start > last:
        return Figures()
    for fact in facts:
        if type_id is not None and fact.type_id != type_id:
            continue
        cohort_agency = fact.answered_by(as_of)
        in_cohort = _agency_matches(cohort_agency, agency)
        if in_cohort and start <= fact.received_on <= last:
            counts["received"] += 1
            if fact.channel == Channel.ONLINE:
                counts["received_online"] += 1
                counts["replied_online"] += fact.replied_by(as_of)
        if in_cohort and fact.accepted_on is not None and start <= fact.accepted_on <= last:
            counts["accepted"] += 1
        if in_cohort and fact.rejected_on is not None and start <= fact.rejected_on <= last:
            counts["rejected"] += 1
        for reply in fact.replies:
            if start <= reply.on <= last and _agency_matches(reply.agency_id, agency):
                counts["replied"] += 1
                if reply.on_time is not None:
                    counts["on_time" if reply.on_time else "late"] += 1
                if reply.working_days is not None:
                    days.append(reply.working_days)
        for rating in fact.ratings:
            if start <= rating.on <= last and _agency_matches(rating.agency_id, agency):
                counts[rating.rating] += 1
        for on, agency_id in fact.reopenings:
            if start <= on <= last and _agency_matches(agency_id, agency):
                counts["reopened"] += 1
        if _agency_matches(fact.agency_on(last), agency) and fact.overdue_on(last):
            counts["overdue"] += 1
    return Figures(
        received=counts["received"],
        accepted=counts["accepted"],
        rejected=counts["rejected"],
        replied=counts["replied"],
        on_time=counts["on_time"],
        late=counts["late"],
        overdue=counts["overdue"],
        reopened=counts["reopened"],
        satisfied=counts[Rating.SATISFIED],
        fairly_satisfied=counts[Rating.FAIRLY_SATISFIED],
        unsatisfied=counts[Rating.UNSATISFIED],
        received_online=counts["received_online"],
        replied_online=counts["replied_online"],
        working_days=tuple(sorted(days)),
    )


def month_periods(
    start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar months from ``start``'s to ``end``'s, each clipped to the period."""
    periods = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        first = datetime.date(year, month, 1)
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        periods.append((max(first, start), min(last, end)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


@dataclass(frozen=True)
class Row:
    """One line of a table: an agency, a type or a month (``key``), and its figures."""

    key: Any  # an agency's or a type's pk, None (not assigned), or a month's first day
    figures: Figures
    start: datetime.date | None = None  # a month's period (clipped to the report's)
    end: datetime.date | None = None
    label: str = ""  # filled in by the selector (agency or type name)


@dataclass(frozen=True)
class Tables:
    total: Figures
    by_agency: list[Row]
    by_type: list[Row]
    by_month: list[Row]


def tabulate(
    facts: Sequence[LetterFacts],
    *,
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date,
    agencies: Collection[int] | None = None,
    agency_id: int | None = None,
    type_id: int | None = None,
) -> Tables:
    """The total, a row per agency, per type and per month of the period.

    ``agencies``: the agencies the reader may see (None: the government, with a row for the
    letters not assigned to any agency). ``agency_id`` / ``type_id`` narrow every table to one
    agency or type. Rows without any figure are left out; months after ``as_of`` too.
    """
    scope: AgencyFilter = ALL if agencies is None else frozenset(agencies)
    if agency_id is not None:
        scope = agency_id if (agencies is None or agency_id in agencies) else frozenset()

    agency_keys: set[int | None] = set()
    type_keys: set[int] = set()
    for fact in facts:
        type_keys.add(fact.type_id)
        agency_keys.update(agency for _on, agency in fact.assignments)
        agency_keys.update(reply.agency_id for reply in fact.replies)
        agency_keys.add(None)
    if isinstance(scope, _All):
        chosen_agencies: list[int | None] = sorted(
            agency_keys, key=lambda key: (key is None, key or 0)
        )
    elif isinstance(scope, int):
        chosen_agencies = [scope]
    else:
        chosen_agencies = [*sorted(cast(Collection[int], scope))]

    def count(**kwargs: Any) -> Figures:
        return figures(facts, as_of=as_of, **kwargs)

    total = count(start=start, end=end, agency=scope, type_id=type_id)
    by_agency = [
        Row(key, count(start=start, end=end, agency=key, type_id=type_id))
        for key in chosen_agencies
    ]
    by_type = [
        Row(key, count(start=start, end=end, agency=scope, type_id=key))
        for key in sorted(type_keys)
        if type_id is None or key == type_id
    ]
    by_month = [
        Row(
            first.replace(day=1),
            count(start=first, end=last, agency=scope, type_id=type_id),
            start=first,
            end=last,
        )
        for first, last in month_periods(start, end)
        if first <= as_of
    ]
    return Tables(
        total=total,
        by_agency=[row for row in by_agency if not row.figures.is_empty],
        by_type=[row for row in by_type if not row.figures.is_empty],
        by_month=by_month,
    )


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class TypeRow:
    """A letter type as the statistics name it (the annual report lists the types written to)."""

    pk: int
    name: str
    active: bool
    sort_order: int


def load_facts(
    start: datetime.date, end: datetime.date, *, as_of: datetime.date
) -> list[LetterFacts]:
    """The facts of every letter that may count in ``start``–``end`` read on ``as_of``: those
    received by then and not finished (closed or not accepted) before the period began — a
    finished letter has no event left to count. One query, whatever the number of letters
    (:func:`load_facts_and_types`)."""
    return load_facts_and_types(start, end, as_of=as_of)[0]


def load_facts_and_types(
    start: datetime.date, end: datetime.date, *, as_of: datetime.date
) -> tuple[list[LetterFacts], dict[int, TypeRow]]:
    """:func:`load_facts`, and the types of those letters by id: one query, each letter joined
    to its type and to its counted events up to ``as_of`` (a row per event, one with none for
    a letter without any)."""
    last = min(end, as_of)
    letters = (
        Letter.objects.filter(received_on__lte=last)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .alias(
            counted=FilteredRelation(
                "events", condition=Q(events__code__in=COUNTED_EVENTS, events__on__lte=as_of)
            )
        )
    )
    rows: dict[int, tuple[int, str, datetime.date, int | None]] = {}
    events: dict[int, list[EventRow]] = defaultdict(list)
    types: dict[int, TypeRow] = {}
    for row in letters.order_by("pk", "counted__on", "counted__at", "counted__id").values_list(
        "pk",
        "letter_type_id",
        "channel",
        "received_on",
        "limit_days",
        "letter_type__name",
        "letter_type__active",
        "letter_type__sort_order",
        "counted__code",
        "counted__on",
        "counted__data",
    ):
        pk, type_id, channel, received_on, limit, name, active, sort_order, code, on, data = row
        if pk not in rows:
            rows[pk] = (type_id, channel, received_on, limit)
            if type_id not in types:
                types[type_id] = TypeRow(type_id, name, active, sort_order)
        if code is not None:
            events[pk].append(EventRow(code, on, data))
    facts = [
        facts_from_events(
            pk=pk,
            type_id=type_id,
            channel=channel,
            received_on=received_on,
            limit=limit,
            events=events.get(pk, ()),
        )
        for pk, (type_id, channel, received_on, limit) in rows.items()
    ]
    return facts, types


@dataclass(frozen=True)
class Counts:
    """The counts of a period that need no replay of the events: what the annual report quotes
    of the letters (the same definitions as :class:`Figures`)."""

    received: int = 0
    replied: int = 0
    satisfied: int = 0
    fairly_satisfied: int = 0
    unsatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.unsatisfied


def government_counts(start: datetime.date, end: datetime.date, *, as_of: datetime.date) -> Counts:
    """The government's (every agency's and no agency's) letters received, replies sent and
    ratings given in ``start``–``end`` read on ``as_of``, counted by the database: the same
    letters as :func:`load_facts` and the same figures as :func:`figures` with :data:`ALL` —
    for the whole government no event needs replaying, as no agency is chosen. One query: the
    letters of the period joined to their replies and ratings in it (a letter without any
    still counts once as received)."""
    last = min(end, as_of)
    if start > last:
        return Counts()
    letters = Letter.objects.filter(received_on__lte=last).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    counted_events = FilteredRelation(
        "events",
        condition=Q(
            events__code__in=(Code.REPLIED, Code.RATED), events__on__gte=start, events__on__lte=last
        ),
    )

    def rated(rating: str) -> Count:
        return Count(
            "counted_event",
            filter=Q(counted_event__code=Code.RATED, counted_event__data__rating=rating),
        )

    counted = letters.alias(counted_event=counted_events).aggregate(
        received=Count("pk", filter=Q(received_on__gte=start), distinct=True),
        replied=Count("counted_event", filter=Q(counted_event__code=Code.REPLIED)),
        satisfied=rated(Rating.SATISFIED),
        fairly_satisfied=rated(Rating.FAIRLY_SATISFIED),
        unsatisfied=rated(Rating.UNSATISFIED),
    )
    return Counts(**counted)


@dataclass(frozen=True)
class Report:
    """The letters' statistics of a period, read on ``as_of``, with names on the rows."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    total: Figures
    by_agency: list[Row]
    by_type: list[Row]
    by_month: list[Row]
    agencies: dict[int, Agency] = field(default_factory=dict, repr=False)
    types: dict[int, LetterType] = field(default_factory=dict, repr=False)


def letter_statistics(
    start: datetime.date,
    end: datetime.date,
    *,
    as_of: datetime.date,
    agencies: Collection[int] | None = None,
    agency_id: int | None = None,
    type_id: int | None = None,
    facts: Sequence[LetterFacts] | None = None,
) -> Report:
    """The statistics of ``start``–``end`` read on ``as_of``, for the government
    (``agencies`` None) or the agencies a member of staff may see; see :func:`tabulate`.
    ``facts``: already read for a period that holds this one (a year for one of its months)."""
    if facts is None:
        facts = load_facts(start, end, as_of=as_of)
    tables = tabulate(
        facts,
        start=start,
        end=end,
        as_of=as_of,
        agencies=agencies,
        agency_id=agency_id,
        type_id=type_id,
    )
    agency_ids = {row.key for row in tables.by_agency if row.key is not None}
    named_agencies = {agency.pk: agency for agency in Agency.objects.filter(pk__in=agency_ids)}
    named_types = {
        letter_type.pk: letter_type
        for letter_type in LetterType.objects.filter(pk__in={row.key for row in tables.by_type})
    }

    def agency_order(row: Row) -> tuple[int, int, int]:
        agency = named_agencies.get(row.key) if row.key is not None else None
        if agency is None:
            return (1, 0, 0)
        return (0, agency.sort_order, agency.pk)

    def type_order(row: Row) -> tuple[int, int]:
        letter_type = named_types.get(row.key)
        return (letter_type.sort_order, letter_type.pk) if letter_type else (0, row.key)

    by_agency = [
        Row(
            row.key,
            row.figures,
            label=named_agencies[row.key].name if row.key in named_agencies else "",
        )
        for row in sorted(tables.by_agency, key=agency_order)
    ]
    by_type = [
        Row(
            row.key,
            row.figures,
            label=named_types[row.key].display_name if row.key in named_types else "",
        )
        for row in sorted(tables.by_type, key=type_order)
    ]
    return Report(
        start=start,
        end=end,
        as_of=as_of,
        total=tables.total,
        by_agency=by_agency,
        by_type=by_type,
        by_month=tables.by_month,
        agencies=named_agencies,
        types=named_types,
    )


def year_period(year: int, month: int | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last day of ``year``, or of its ``month``."""
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        datetime.date(year, month, 1),
        datetime.date(year, month, calendar.monthrange(year, month)[1]),
    )


def years_with_letters() -> list[int]:
    """The years in which letters were received, latest first."""
    return sorted({day.year for day in Letter.objects.dates("received_on", "year")}, reverse=True)
