"""The yearly totals of hotline sessions, services, channels and opinion responses.

The public page, the staff summary and (later) the annual report read these, and nothing else:
each figure is counted from the records, never typed in. The work is split in two:

* loaders (``load_year``) read a year's records as small immutable rows, in a fixed number of
  queries however many records there are;
* pure functions (``hotline_totals``, ``service_totals``, ``channel_year``, ``opinion_totals``)
  add the rows up — no database, no clock, the same answer for the same rows — so that a report
  can be checked against them and the tests can feed them rows directly.

What a year holds: hotline sessions aired in it, service logs dated in it, channel figures of
its periods (plus, for the totals since a channel opened, every earlier period), and opinion
matters *found* in it (a matter found in December and answered in January counts in December's
year, with its working days to respond).

For one agency: the sessions it was on air in (a session with three agencies on air counts for
each of them, so agencies' figures do not add up to the government's), the logs of its service
points, its channels, and the matters it was responsible for. For the whole government
(``agency`` None): every record once.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractYear

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import published_documents
from gongkai.interaction.channels.models import (
    LEVEL_METRICS,
    SERVICE_FIGURES,
    Channel,
    ChannelFigure,
    HotlineProgramme,
    HotlineSession,
    Metric,
    OpinionResponse,
    ServiceLog,
    ServicePoint,
    follow_up_cases,
    response_working_days,
)

OpinionState = OpinionResponse.State

# --------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A hotline session as the totals read it: ``follow_ups`` as entered, and the letters
    registered as its follow-ups."""

    programme_id: int
    aired_on: datetime.date
    calls: int
    answered_on_air: int
    follow_ups: int
    agency_ids: frozenset[int] = frozenset()
    follow_up_letters: int = 0
    pk: int = 0  # the session's id, for links to the records behind a figure

    @property
    def follow_up_cases(self) -> int:
        """The follow-up figure counted: the letters when there are any, else as entered."""
        return follow_up_cases(self.follow_ups, self.follow_up_letters)


@dataclass(frozen=True, slots=True)
class LogRow:
    """A day's service log as the totals read it."""

    point_id: int
    agency_id: int
    date: datetime.date
    visitors: int = 0
    phone_consultations: int = 0
    files_consulted: int = 0
    pages_copied: int = 0
    certificates_issued: int = 0


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One figure of one channel for a month, or a whole year (``month`` None)."""

    channel_id: int
    year: int
    month: int | None
    metric: str
    value: int


@dataclass(frozen=True, slots=True)
class OpinionRow:
    """An opinion matter as the totals read it; ``working_days`` from found to responded."""

    agency_id: int
    state: str
    found_on: datetime.date
    responded_on: datetime.date | None = None
    working_days: int | None = None


# --------------------------------------------------------------------------- totals (pure)


@dataclass(frozen=True)
class HotlineTotals:
    sessions: int = 0
    calls: int = 0
    answered_on_air: int = 0
    follow_ups: int = 0
    agencies_on_air: int = 0  # distinct agencies


def hotline_totals(rows: Iterable[SessionRow], *, agency_id: int | None = None) -> HotlineTotals:
    """Sessions, calls, questions answered on air, follow-up cases (each session's
    :attr:`SessionRow.follow_up_cases`) and the distinct agencies on air, over ``rows`` — or
    over the sessions ``agency_id`` was on air in."""
    chosen = [row for row in rows if agency_id is None or agency_id in row.agency_ids]
    return HotlineTotals(
        sessions=len(chosen),
        calls=sum(row.calls for row in chosen),
        answered_on_air=sum(row.answered_on_air for row in chosen),
        follow_ups=sum(row.follow_up_cases for row in chosen),
        agencies_on_air=len({pk for row in chosen for pk in row.agency_ids})
        if agency_id is None
        else int(bool(chosen)),
    )


@dataclass(frozen=True)
class ServiceTotals:
    days: int = 0  # days logged
    visitors: int = 0
    phone_consultations: int = 0
    files_consulted: int = 0
    pages_copied: int = 0
    certificates_issued: int = 0

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in SERVICE_FIGURES}


def service_totals(rows: Iterable[LogRow]) -> ServiceTotals:
    """Each figure added up over ``rows``, and the number of distinct days logged."""
    sums = dict.fromkeys(SERVICE_FIGURES, 0)
    days: set[tuple[int, datetime.date]] = set()
    for row in rows:
        days.add((row.point_id, row.date))
        for name in SERVICE_FIGURES:
            sums[name] += getattr(row, name)
    return ServiceTotals(days=len(days), **sums)


@dataclass(frozen=True)
class MetricYear:
    """One figure of a channel for a year.

    ``in_year``: a count added up over the year's periods, or for a level (followers,
    subscribers) the value at the end of the latest period of the year. ``since_opening``: a
    count added up from the channel's opening to the end of the year — only when every month
    from the opening to the latest period reported is covered, so that a gap never passes for
    a total; None otherwise, and always for levels.
    """

    metric: Metric
    in_year: int | None
    since_opening: int | None = None

    @property
    def is_level(self) -> bool:
        return self.metric.value in LEVEL_METRICS


def _months(row: FigureRow) -> range:
    """The months a row covers, numbered year * 12 + month - 1."""
    first = row.year * 12
    if row.month is not None:
        return range(first + row.month - 1, first + row.month)
    return range(first, first + 12)


def channel_year(
    rows: Iterable[FigureRow],
    *,
    year: int,
    metrics: Sequence[str],
    opened_on: datetime.date | None = None,
) -> list[MetricYear]:
    """The figures ``metrics`` of one channel for ``year``, from all its ``rows`` (rows after
    the year are ignored; earlier ones count only towards the totals since opening)."""
    by_metric: dict[str, list[FigureRow]] = defaultdict(list)
    for row in rows:
        if row.year <= year:
            by_metric[row.metric].append(row)
    result = []
    for name in metrics:
        metric = Metric(name)
        metric_rows = by_metric.get(name, [])
        in_year_rows = [row for row in metric_rows if row.year == year]
        if not in_year_rows:
            result.append(MetricYear(metric, None))
            continue
        if name in LEVEL_METRICS:
            latest = max(in_year_rows, key=lambda row: 13 if row.month is None else row.month)
            result.append(MetricYear(metric, latest.value))
            continue
        in_year = sum(row.value for row in in_year_rows)
        since_opening = None
        if opened_on is not None:
            covered = {month for row in metric_rows for month in _months(row)}
            start = opened_on.year * 12 + opened_on.month - 1
            end = max(covered)
            if all(month in covered for month in range(start, end + 1)):
                since_opening = sum(row.value for row in metric_rows if _months(row).stop > start)
        result.append(MetricYear(metric, in_year, since_opening))
    return result


@dataclass(frozen=True)
class OpinionTotals:
    found: int = 0
    responded: int = 0
    closed: int = 0  # closed without a public response
    open: int = 0
    mean_working_days: float | None = None  # of the responded, to respond
    longest_working_days: int | None = None


def opinion_totals(rows: Iterable[OpinionRow], *, agency_id: int | None = None) -> OpinionTotals:
    """Matters found, responded, closed without a response and still open, and the mean and
    longest working days to respond (over the responded whose days the calendar gives)."""
    chosen = [row for row in rows if agency_id is None or row.agency_id == agency_id]
    days = [
        row.working_days
        for row in chosen
        if row.state == OpinionState.RESPONDED and row.working_days is not None
    ]
    return OpinionTotals(
        found=len(chosen),
        responded=sum(row.state == OpinionState.RESPONDED for row in chosen),
        closed=sum(row.state == OpinionState.CLOSED for row in chosen),
        open=sum(row.state == OpinionState.OPEN for row in chosen),
        mean_working_days=round(sum(days) / len(days), 1) if days else None,
        longest_working_days=max(days) if days else None,
    )


# --------------------------------------------------------------------------- one year


@dataclass(frozen=True)
class ProgrammeYear:
    programme: HotlineProgramme
    totals: HotlineTotals


@dataclass(frozen=True)
class PointYear:
    point: ServicePoint
    totals: ServiceTotals


@dataclass(frozen=True)
class ChannelYear:
    channel: Channel
    figures: list[MetricYear]

    @property
    def reported(self) -> bool:
        return any(figure.in_year is not None for figure in self.figures)


@dataclass(frozen=True)
class YearSummary:
    """Everything counted for one year, for one agency or (``agency`` None) the government."""

    year: int
    agency: Agency | None
    hotline: HotlineTotals
    programmes: list[ProgrammeYear]
    services: ServiceTotals
    points: list[PointYear]
    channels: list[ChannelYear]
    opinions: OpinionTotals

    @property
    def is_empty(self) -> bool:
        return (
            not self.hotline.sessions
            and not self.services.days
            and not any(channel.reported for channel in self.channels)
            and not self.opinions.found
        )


@dataclass
class YearRecords:
    """A year's records as rows, read once (see :func:`load_year`)."""

    year: int
    sessions: list[SessionRow] = field(default_factory=list)
    logs: list[LogRow] = field(default_factory=list)
    figures: dict[int, list[FigureRow]] = field(default_factory=dict)  # by channel, up to year
    opinions: list[OpinionRow] = field(default_factory=list)
    programmes: list[HotlineProgramme] = field(default_factory=list)
    points: list[ServicePoint] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)


def _sessions_of_year(year: int) -> tuple[list[SessionRow], list[HotlineProgramme]]:
    """``year``'s hotline sessions as rows, with their agencies on air and follow-up letters
    counted, and the programmes they were aired in (in display order): one query, a row per
    session and agency on air (one with none when no agency was)."""
    sessions = (
        HotlineSession.objects.filter(aired_on__year=year)
        .select_related("programme")
        .annotate(
            follow_up_letter_total=Count("follow_up_letters", distinct=True), on_air=F("agencies")
        )
        .order_by("pk")
    )
    rows: dict[int, SessionRow] = {}
    on_air: dict[int, set[int]] = defaultdict(set)
    programmes: dict[int, HotlineProgramme] = {}
    for session in sessions:
        if session.on_air is not None:
            on_air[session.pk].add(session.on_air)
        if session.pk in rows:
            continue
        programmes.setdefault(session.programme_id, session.programme)
        rows[session.pk] = SessionRow(
            session.programme_id,
            session.aired_on,
            session.calls,
            session.answered_on_air,
            session.follow_ups,
            follow_up_letters=session.follow_up_letter_total,
            pk=session.pk,
        )
    ordered = sorted(
        programmes.values(), key=lambda programme: (programme.sort_order, programme.pk)
    )
    return [
        dataclasses.replace(row, agency_ids=frozenset(on_air[pk])) for pk, row in rows.items()
    ], ordered


def _session_rows(year: int) -> list[SessionRow]:
    """``year``'s hotline sessions as rows (:func:`_sessions_of_year`)."""
    return _sessions_of_year(year)[0]


def hotline_year(year: int) -> HotlineTotals:
    """``year``'s hotline totals for the whole government (one query)."""
    return hotline_totals(_session_rows(year))


def load_year(year: int, *, opinions: bool = True) -> YearRecords:
    """Read ``year``'s records as rows: four queries, whatever their number (three without
    the ``opinions``, which the annual report does not quote). Each kind of row is read with
    what it refers to (a session's programme and agencies on air, a log's service point, a
    figure's channel), not in a query of its own."""
    records = YearRecords(year)
    records.sessions, records.programmes = _sessions_of_year(year)
    points: dict[int, ServicePoint] = {}
    for log in ServiceLog.objects.filter(date__year=year).select_related("point__agency"):
        points.setdefault(log.point_id, log.point)
        records.logs.append(
            LogRow(
                log.point_id,
                log.point.agency_id,
                log.date,
                *(getattr(log, name) for name in SERVICE_FIGURES),
            )
        )
    records.points = sorted(points.values(), key=lambda point: (point.sort_order, point.pk))
    # Every figure up to the year of the channels with a figure in it (for the totals since
    # a channel opened), each with its channel.
    reported = ChannelFigure.objects.filter(year=year).order_by().values("channel_id")
    channels: dict[int, Channel] = {}
    figures: dict[int, list[FigureRow]] = defaultdict(list)
    for figure in ChannelFigure.objects.filter(
        channel_id__in=reported, year__lte=year
    ).select_related("channel__agency"):
        channels.setdefault(figure.channel_id, figure.channel)
        figures[figure.channel_id].append(
            FigureRow(figure.channel_id, figure.year, figure.month, figure.metric, figure.value)
        )
    records.channels = sorted(
        channels.values(), key=lambda channel: (channel.sort_order, channel.pk)
    )
    records.figures = dict(figures)
    if opinions:
        records.opinions = [
            OpinionRow(
                agency_id,
                state,
                found_on,
                responded_on,
                response_working_days(found_on, responded_on),
            )
            for agency_id, state, found_on, responded_on in OpinionResponse.objects.filter(
                found_on__year=year
            ).values_list("agency_id", "state", "found_on", "responded_on")
        ]
    return records


def summarise(records: YearRecords, *, agency: Agency | None = None) -> YearSummary:
    """The year's totals from its rows, for ``agency`` or the whole government."""
    agency_id = agency.pk if agency is not None else None
    sessions = [row for row in records.sessions if agency_id is None or agency_id in row.agency_ids]
    logs = [row for row in records.logs if agency_id is None or row.agency_id == agency_id]
    programmes = [
        ProgrammeYear(
            programme,
            hotline_totals(row for row in sessions if row.programme_id == programme.pk),
        )
        for programme in records.programmes
    ]
    points = [
        PointYear(point, service_totals(row for row in logs if row.point_id == point.pk))
        for point in records.points
        if agency_id is None or point.agency_id == agency_id
    ]
    channels = [
        ChannelYear(
            channel,
            channel_year(
                records.figures.get(channel.pk, []),
                year=records.year,
                metrics=channel.metrics or [],
                opened_on=channel.opened_on,
            ),
        )
        for channel in records.channels
        if agency_id is None or channel.agency_id == agency_id
    ]
    return YearSummary(
        year=records.year,
        agency=agency,
        hotline=hotline_totals(records.sessions, agency_id=agency_id),
        programmes=[row for row in programmes if row.totals.sessions],
        services=service_totals(logs),
        points=[row for row in points if row.totals.days],
        channels=[row for row in channels if row.reported],
        opinions=opinion_totals(records.opinions, agency_id=agency_id),
    )


def year_summary(year: int, *, agency: Agency | None = None) -> YearSummary:
    """``year``'s totals for ``agency``, or (None) for the whole government."""
    return summarise(load_year(year), agency=agency)


def agency_summaries(records: YearRecords) -> list[YearSummary]:
    """The year's totals of each agency that has any, in the agencies' display order."""
    agency_ids: set[int] = {pk for row in records.sessions for pk in row.agency_ids}
    agency_ids |= {row.agency_id for row in records.logs}
    agency_ids |= {channel.agency_id for channel in records.channels}
    agency_ids |= {row.agency_id for row in records.opinions}
    agencies = Agency.objects.filter(pk__in=agency_ids).order_by("sort_order", "id")
    return [summarise(records, agency=agency) for agency in agencies]


# --------------------------------------------------------------------------- lists


def with_follow_up_letters(sessions: QuerySet[HotlineSession]) -> QuerySet[HotlineSession]:
    """``sessions`` with the number of their follow-up letters (``follow_up_letter_total``,
    read by :attr:`HotlineSession.follow_up_cases`)."""
    return sessions.annotate(follow_up_letter_total=Count("follow_up_letters", distinct=True))


def sessions_of_year(year: int) -> QuerySet[HotlineSession]:
    """The year's hotline sessions in the order they were aired, with their programme,
    agencies on air and follow-up letters counted (for the public list: never show
    ``notes``)."""
    return (
        with_follow_up_letters(HotlineSession.objects.filter(aired_on__year=year))
        .select_related("programme")
        .prefetch_related("agencies")
        .order_by("aired_on", "programme__sort_order", "id")
    )


def years_with_records() -> list[int]:
    """The years for which anything was recorded, latest first."""
    hotline, *others = (
        queryset.order_by().values_list("y", flat=True).distinct()
        for queryset in (
            HotlineSession.objects.annotate(y=ExtractYear("aired_on")),
            ServiceLog.objects.annotate(y=ExtractYear("date")),
            ChannelFigure.objects.annotate(y=F("year")),
            OpinionResponse.objects.annotate(y=ExtractYear("found_on")),
        )
    )
    # One query (a UNION) on every page of the section, rather than one a kind of record.
    return sorted({year for year in hotline.union(*others) if year is not None}, reverse=True)


def session_rows(sessions: Iterable[HotlineSession]) -> list[SessionRow]:
    """Rows of sessions already read (with their agencies prefetched)."""
    return [
        SessionRow(
            session.programme_id,
            session.aired_on,
            session.calls,
            session.answered_on_air,
            session.follow_ups,
            frozenset(agency.pk for agency in session.agencies.all()),
            session.follow_up_letter_count,
            session.pk,
        )
        for session in sessions
    ]


def public_response_document(opinion: OpinionResponse) -> Document | None:
    """The catalogue document of ``opinion``'s response while it is public (a document may be
    withdrawn after it was linked), with its public title (``public_title``); else None."""
    if opinion.response_document_id is None:
        return None
    return published_documents().filter(pk=opinion.response_document_id).first()


def open_opinions(agencies: QuerySet[Agency] | None = None) -> QuerySet[OpinionResponse]:
    """Matters still waiting for a response (oldest first), of ``agencies`` or all."""
    queryset = OpinionResponse.objects.filter(state=OpinionState.OPEN)
    if agencies is not None:
        queryset = queryset.filter(agency__in=agencies)
    return queryset.select_related("agency").order_by("found_on", "id")


def channel_periods(channel: Channel) -> list[tuple[int, int | None, dict[str, int]]]:
    """``channel``'s periods entered, latest first, each with its figures by metric."""
    periods: dict[tuple[int, int | None], dict[str, int]] = defaultdict(dict)
    for year, month, metric, value in ChannelFigure.objects.filter(channel=channel).values_list(
        "year", "month", "metric", "value"
    ):
        periods[(year, month)][metric] = value
    return [
        (year, month, periods[(year, month)])
        for year, month in sorted(
            periods,
            key=lambda period: (period[0], 13 if period[1] is None else period[1]),
            reverse=True,
        )
    ]


__all__ = [
    "ChannelYear",
    "FigureRow",
    "HotlineTotals",
    "LogRow",
    "MetricYear",
    "OpinionRow",
    "OpinionTotals",
    "PointYear",
    "ProgrammeYear",
    "ServiceTotals",
    "SessionRow",
    "YearRecords",
    "YearSummary",
    "agency_summaries",
    "channel_periods",
    "channel_year",
    "hotline_totals",
    "hotline_year",
    "load_year",
    "open_opinions",
    "opinion_totals",
    "public_response_document",
    "service_totals",
    "session_rows",
    "sessions_of_year",
    "summarise",
    "with_follow_up_letters",
    "year_summary",
    "years_with_records",
]
