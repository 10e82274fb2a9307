"""Queries and computations the assessment pages, the demonstration and the annual report share.

A scorecard is computed the same way whether it is provisional (during the year, from the
records as they stand) or being published (then stored as ``Scorecard``/``Score`` rows and
never computed again): :func:`compute_card` walks the scheme's tree, asks each computed leaf's
measure for its figure over the agency's period, scores it, takes each hand-scored leaf from
its ``HandScore`` and adds the groups up. :func:`rank_totals` ranks totals with ties sharing a
rank (1, 2, 2, 4).

An agency's period is the part of the year (up to today while the year runs) in which it was a
member of the disclosure system (成员单位), read from the membership history through the
agencies' selectors: an agency that joined in July is assessed from July.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from gongkai.agencies.models import Agency, MembershipChange
from gongkai.agencies.selectors import members_on, membership_changes_between
from gongkai.supervision.assessment import scoring
from gongkai.supervision.assessment.measures import MEASURES, MeasureResult, RecordRow
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    HandScore,
    Indicator,
    IndicatorScheme,
    Score,
    Scorecard,
)

ZERO = Decimal("0.00")
Kind = Indicator.Kind
Basis = Score.Basis


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def assessed_until(year: int, *, today: datetime.date | None = None) -> datetime.date | None:
    """The last day of ``year`` counted so far: the year's end once it is over, today while it
    runs, None before it begins."""
    today = today or timezone.localdate()
    start, end = year_bounds(year)
    if today < start:
        return None
    return min(end, today)


def year_is_over(year: int, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return today > year_bounds(year)[1]


# --------------------------------------------------------------------------- membership


@dataclass(frozen=True)
class MemberPeriod:
    agency: Agency
    start: datetime.date
    end: datetime.date


def member_periods(start: datetime.date, end: datetime.date) -> list[MemberPeriod]:
    """Each agency that was a member on some day from ``start`` to ``end``, with the first and
    last such day, in display order. Two queries."""
    first: dict[int, datetime.date] = {}
    last: dict[int, datetime.date] = {}
    member_since: dict[int, datetime.date] = {}
    agencies: dict[int, Agency] = {}
    for agency in members_on(start):
        agencies[agency.pk] = agency
        member_since[agency.pk] = start
    after_start = start + datetime.timedelta(days=1)
    for change in membership_changes_between(after_start, end) if after_start <= end else []:
        pk = change.agency_id
        agencies.setdefault(pk, change.agency)
        if change.change == MembershipChange.Change.JOINED:
            member_since.setdefault(pk, change.date)
        elif pk in member_since:
            since = member_since.pop(pk)
            until = change.date - datetime.timedelta(days=1)
            if since <= until:
                first.setdefault(pk, since)
                last[pk] = until
    for pk, since in member_since.items():
        first.setdefault(pk, since)
        last[pk] = end
    periods = [MemberPeriod(agencies[pk], first[pk], last[pk]) for pk in first]
    return sorted(periods, key=lambda period: (period.agency.sort_order, period.agency.pk))


def member_period(agency: Agency, start: datetime.date, end: datetime.date) -> MemberPeriod | None:
    for period in member_periods(start, end):
        if period.agency.pk == agency.pk:
            return period
    return None


# --------------------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Node:
    indicator: Indicator
    depth: int


def indicator_tree(scheme: IndicatorScheme) -> list[Node]:
    """The scheme's indicators depth first, each group before its children, siblings in their
    display order. One query (plus the assessors)."""
    indicators = list(scheme.indicators.select_related("assessor").order_by("sort_order", "pk"))
    children: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        children.setdefault(indicator.parent_id, []).append(indicator)
    nodes: list[Node] = []

    def walk(parent: int | None, depth: int) -> None:
        for indicator in children.get(parent, []):
            nodes.append(Node(indicator, depth))
            walk(indicator.pk, depth + 1)

    walk(None, 0)
    return nodes


def leaves(scheme: IndicatorScheme) -> list[Indicator]:
    return [node.indicator for node in indicator_tree(scheme) if node.indicator.is_leaf]


def max_total(nodes: Iterable[Node]) -> Decimal:
    return sum((node.indicator.max_points for node in nodes if node.depth == 0), ZERO)


def rule_text(indicator: Indicator) -> str:
    """What a computed leaf measures and how it scores, in one line."""
    if indicator.kind != Kind.COMPUTED:
        return ""
    measure = MEASURES.get(indicator.measure)
    unit = measure.unit_sign if measure else ""
    return scoring.describe(indicator.scoring, indicator.parameters, unit=unit)


# --------------------------------------------------------------------------- scorecards


@dataclass(frozen=True)
class Line:
    """One indicator on a scorecard."""

    indicator: Indicator
    depth: int
    basis: str  # Score.Basis
    points: Decimal
    figure: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    records: tuple[RecordRow, ...] = ()
    hand_score: HandScore | None = None

    @property
    def max_points(self) -> Decimal:
        return self.indicator.max_points

    @property
    def unit_sign(self) -> str:
        measure = MEASURES.get(self.indicator.measure)
        return measure.unit_sign if measure else ""

    @property
    def measure_label(self) -> Any:
        measure = MEASURES.get(self.indicator.measure)
        return measure.label if measure else ""

    @property
    def rule(self) -> str:
        return rule_text(self.indicator)

    @property
    def has_records(self) -> bool:
        return self.indicator.kind == Kind.COMPUTED


@dataclass
class Card:
    """An agency's scorecard under a scheme: provisional (computed now) or published."""

    scheme: IndicatorScheme
    agency: Agency
    start: datetime.date
    end: datetime.date
    lines: list[Line]
    total: Decimal
    max_total: Decimal
    published: bool = False
    rank: int | None = None
    missing: list[Indicator] = field(default_factory=list)  # required hand scores not given

    def line_for(self, indicator_pk: int) -> Line | None:
        for line in self.lines:
            if line.indicator.pk == indicator_pk:
                return line
        return None

    @property
    def top_lines(self) -> list[Line]:
        return [line for line in self.lines if line.depth == 0]


def score_computed(indicator: Indicator, result: MeasureResult) -> tuple[str, Decimal]:
    """The basis and points of a computed leaf from its measure's result."""
    if result.value is None:
        points = indicator.max_points if indicator.unscored == Indicator.Unscored.FULL else ZERO
        return Basis.NO_RECORDS, scoring.points(points)
    return Basis.COMPUTED, scoring.score(
        indicator.scoring,
        result.value,
        max_points=indicator.max_points,
        params=indicator.parameters,
    )


def score_by_hand(indicator: Indicator, hand_score: HandScore | None) -> tuple[str, Decimal]:
    """The basis and points of a hand-scored leaf: the assessor's, else what the indicator
    gives without a score (full points, none, or none while a score is required)."""
    if hand_score is not None:
        return Basis.HAND, scoring.points(min(hand_score.points, indicator.max_points))
    if indicator.unscored == Indicator.Unscored.FULL:
        return Basis.UNSCORED, scoring.points(indicator.max_points)
    return Basis.UNSCORED, ZERO


def hand_scores_of(
    scheme: IndicatorScheme, agency: Agency | None = None, *, evidence: bool = True
) -> dict[tuple[int, int], HandScore]:
    """The scheme's hand scores by (indicator, agency), with their evidence unless a page
    shows only the points (``evidence=False``: read lazily if asked for after all)."""
    rows = HandScore.objects.filter(indicator__scheme=scheme).select_related("assessor")
    if agency is not None:
        rows = rows.filter(agency=agency)
    if evidence:
        rows = rows.prefetch_related("files", "documents")
    return {(row.indicator_id, row.agency_id): row for row in rows}


def compute_card(
    scheme: IndicatorScheme,
    agency: Agency,
    start: datetime.date,
    end: datetime.date,
    *,
    nodes: list[Node] | None = None,
    hand_scores: Mapping[tuple[int, int], HandScore] | None = None,
    results: Mapping[tuple[str, int], MeasureResult] | None = None,
) -> Card:
    """``agency``'s scorecard over ``start``–``end`` under ``scheme``, computed now (from
    ``results``, by measure and agency, where the caller measured many agencies at once)."""
    nodes = indicator_tree(scheme) if nodes is None else nodes
    if hand_scores is None:
        hand_scores = hand_scores_of(scheme, agency)
    leaf_lines: dict[int, Line] = {}
    missing: list[Indicator] = []
    for node in nodes:
        indicator = node.indicator
        if indicator.kind == Kind.COMPUTED:
            measure = MEASURES[indicator.measure]
            result = (results or {}).get((indicator.measure, agency.pk))
            if result is None:
                result = measure.function(agency, start, end)
            basis, points = score_computed(indicator, result)
            leaf_lines[indicator.pk] = Line(
                indicator, node.depth, basis, points, result.value, result.numerator,
                result.denominator, result.records,
            )  # fmt: skip
        elif indicator.kind == Kind.MANUAL:
            hand_score = hand_scores.get((indicator.pk, agency.pk))
            if hand_score is None and indicator.unscored == Indicator.Unscored.REQUIRED:
                missing.append(indicator)
            basis, points = score_by_hand(indicator, hand_score)
            leaf_lines[indicator.pk] = Line(
                indicator, node.depth, basis, points, hand_score=hand_score
            )
    lines = _with_groups(nodes, leaf_lines)
    total = sum((line.points for line in lines if line.depth == 0), ZERO)
    return Card(scheme, agency, start, end, lines, total, max_total(nodes), missing=missing)


def _with_groups(nodes: list[Node], leaf_lines: Mapping[int, Line]) -> list[Line]:
    """The lines in tree order, each group's points the sum of its children's."""
    children: dict[int | None, list[Indicator]] = {}
    for node in nodes:
        children.setdefault(node.indicator.parent_id, []).append(node.indicator)
    sums: dict[int, Decimal] = {}

    def points_of(indicator: Indicator) -> Decimal:
        if indicator.is_leaf:
            return leaf_lines[indicator.pk].points
        if indicator.pk not in sums:
            sums[indicator.pk] = sum(
                (points_of(child) for child in children.get(indicator.pk, [])), ZERO
            )
        return sums[indicator.pk]

    return [
        leaf_lines[node.indicator.pk]
        if node.indicator.is_leaf
        else Line(node.indicator, node.depth, Basis.GROUP, points_of(node.indicator))
        for node in nodes
    ]


def rank_totals(totals: Mapping[Any, Decimal]) -> dict[Any, int]:
    """Competition ranking: the highest total is 1, equal totals share a rank and the next
    rank skips as many places (100, 90, 90, 80 → 1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    first_place: dict[Decimal, int] = {}
    for position, total in enumerate(ordered, start=1):
        first_place.setdefault(total, position)
    return {key: first_place[total] for key, total in totals.items()}


def measure_members(
    nodes: list[Node], periods: list[MemberPeriod]
) -> dict[tuple[str, int], MeasureResult]:
    """Every computed indicator's measure for every member, by (measure, agency id): each
    measure once for all the agencies sharing a period (most share the year so far), rather
    than once an agency."""
    by_period: dict[tuple[datetime.date, datetime.date], list[Agency]] = {}
    for period in periods:
        by_period.setdefault((period.start, period.end), []).append(period.agency)
    codes = {node.indicator.measure for node in nodes if node.indicator.kind == Kind.COMPUTED}
    results: dict[tuple[str, int], MeasureResult] = {}
    for code in sorted(codes):
        measure = MEASURES.get(code)
        if measure is None:
            continue
        for (start, end), agencies in by_period.items():
            for agency_pk, result in measure.for_agencies(agencies, start, end).items():
                results[(code, agency_pk)] = result
    return results


def compute_cards(
    scheme: IndicatorScheme,
    *,
    end: datetime.date,
    agencies: Iterable[int] | None = None,
    nodes: list[Node] | None = None,
    evidence: bool = True,
) -> list[Card]:
    """Every member agency's scorecard over the scheme's year up to ``end``, ranked (ranks
    among all members, also when ``agencies`` keeps only some of the cards)."""
    start = year_bounds(scheme.year)[0]
    nodes = indicator_tree(scheme) if nodes is None else nodes
    hand_scores = hand_scores_of(scheme, evidence=evidence)
    periods = member_periods(start, end)
    results = measure_members(nodes, periods)
    cards = [
        compute_card(
            scheme,
            period.agency,
            period.start,
            period.end,
            nodes=nodes,
            hand_scores=hand_scores,
            results=results,
        )
        for period in periods
    ]
    ranks = rank_totals({card.agency.pk: card.total for card in cards})
    for card in cards:
        card.rank = ranks[card.agency.pk]
    if agencies is not None:
        wanted = set(agencies)
        cards = [card for card in cards if card.agency.pk in wanted]
    return sorted(cards, key=lambda card: (card.rank or 0, card.agency.sort_order, card.agency.pk))


def provisional_card(
    scheme: IndicatorScheme, agency: Agency, *, today: datetime.date | None = None
) -> Card | None:
    """``agency``'s scorecard as it stands, computed now, without a rank (ranking needs every
    agency's); None when the agency was not a member during the year so far."""
    end = assessed_until(scheme.year, today=today)
    if end is None:
        return None
    period = member_period(agency, year_bounds(scheme.year)[0], end)
    if period is None:
        return None
    return compute_card(scheme, agency, period.start, period.end)


# --------------------------------------------------------------------------- published


def published_scheme(year: int) -> IndicatorScheme | None:
    """The year's published scheme: its latest published version."""
    return (
        IndicatorScheme.objects.filter(year=year, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def published_years() -> list[int]:
    """Years with published scorecards, the latest first."""
    return list(
        IndicatorScheme.objects.filter(published_at__isnull=False)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def earlier_publications(scheme: IndicatorScheme) -> list[IndicatorScheme]:
    """The year's earlier published versions, which ``scheme`` corrects, latest first."""
    return list(
        IndicatorScheme.objects.filter(
            year=scheme.year, version__lt=scheme.version, published_at__isnull=False
        ).order_by("-version")
    )


def published_ranking(scheme: IndicatorScheme) -> QuerySet[Scorecard]:
    """The published scorecards of ``scheme``, by rank."""
    return scheme.scorecards.select_related("agency").order_by(
        "rank", "agency__sort_order", "agency_id"
    )


def published_card(scheme: IndicatorScheme, agency: Agency) -> Card | None:
    """``agency``'s scorecard as it was published under ``scheme``: the stored rows only."""
    scorecard = (
        Scorecard.objects.filter(scheme=scheme, agency=agency)
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=Score.objects.select_related("hand_score", "hand_score__assessor"),
            )
        )
        .first()
    )
    if scorecard is None:
        return None
    nodes = indicator_tree(scheme)
    scores = {score.indicator_id: score for score in scorecard.scores.all()}
    lines = []
    for node in nodes:
        score = scores.get(node.indicator.pk)
        if score is None:  # cannot happen for a published scheme; shown as no points
            lines.append(Line(node.indicator, node.depth, Basis.UNSCORED, ZERO))
            continue
        lines.append(
            Line(
                node.indicator, node.depth, score.basis, score.points, score.figure,
                score.numerator, score.denominator,
                tuple(RecordRow.from_json(row) for row in score.records), score.hand_score,
            )
        )  # fmt: skip
    return Card(
        scheme, agency, scorecard.period_start, scorecard.period_end, lines, scorecard.total,
        max_total(nodes), published=True, rank=scorecard.rank,
    )  # fmt: skip


def missing_hand_scores(
    scheme: IndicatorScheme, *, end: datetime.date
) -> list[tuple[Indicator, int]]:
    """The required hand-scored indicators still missing scores, with how many agencies lack
    one (members during the year up to ``end``)."""
    required = list(
        scheme.indicators.filter(kind=Kind.MANUAL, unscored=Indicator.Unscored.REQUIRED).order_by(
            "sort_order", "pk"
        )
    )
    if not required:  # the members are read only when there is something to score
        return []
    start = year_bounds(scheme.year)[0]
    members = {period.agency.pk for period in member_periods(start, end)}
    scored: dict[int, set[int]] = {indicator.pk: set() for indicator in required}
    for indicator_id, agency_id in HandScore.objects.filter(indicator__in=required).values_list(
        "indicator_id", "agency_id"
    ):
        scored[indicator_id].add(agency_id)
    result = []
    for indicator in required:
        lacking = len(members - scored[indicator.pk])
        if lacking:
            result.append((indicator, lacking))
    return result


# --------------------------------------------------------------------------- accountability


def accountability_summary(year: int) -> dict[str, Any]:
    """The year's accountability records counted by measure, for the annual report: no person
    is named. ``by_measure`` lists every measure, in the order of the choices."""
    # One query: the (measure, agency) pairs with their counts — a year holds a few records.
    rows = (
        AccountabilityRecord.objects.filter(decided_on__year=year)
        .order_by()
        .values_list("measure", "agency_id")
        .annotate(count=Count("pk"))
    )
    counts: dict[str, int] = {}
    agencies: set[int | None] = set()
    for measure, agency_id, count in rows:
        counts[measure] = counts.get(measure, 0) + count
        agencies.add(agency_id)
    by_measure = [
        {"measure": value, "label": label, "count": counts.get(value, 0)}
        for value, label in AccountabilityRecord.Measure.choices
    ]
    return {
        "year": year,
        "total": sum(counts.values()),
        "agencies": len(agencies),
        "by_measure": by_measure,
    }
