"""The demonstration assessment, loaded on the demonstration records (agencies, catalogue,
applications, letters): the schemes of 2014, 2025 and 2026, the 2014 scorecard of each of the
87 members of the year, and — the point of it all — every computed figure equal to a count
recomputed directly from the records with plain ORM filters. Loaded once for the module."""

from __future__ import annotations

import datetime
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import F, Q

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document, DocumentVersion
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter
from gongkai.supervision.assessment import selectors
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    HandScore,
    Indicator,
    IndicatorScheme,
    Score,
    Scorecard,
)
from tests.demo.conftest import assert_unchanged

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""
    return district.output


# --------------------------------------------------------------------------- recounts


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)


def recount(code: str, agency: Agency, start: datetime.date, end: datetime.date):
    """(counted, of) for measure ``code``, straight from the records."""
    if code in ("request_reply_rate", "letter_reply_rate", "letter_satisfaction"):
        model = InfoRequest if code == "request_reply_rate" else Letter
        mine = model.objects.filter(
            Q(handling_agency=agency) | Q(handling_agency__isnull=True, agency=agency)
        )
        if model is Letter:
            mine = mine.exclude(state="rejected")
        replied = mine.filter(replied_on__gte=start, replied_on__lte=end)
        if code == "letter_satisfaction":
            rated = replied.exclude(rating="")
            return rated.filter(rating__in=["satisfied", "fairly_satisfied"]).count(), rated.count()
        opened = "received_on__lte" if model is InfoRequest else "accepted_on__lte"
        unanswered = (
            mine.filter(**{opened: end}, due_on__lt=end)
            .filter(Q(replied_on__isnull=True) | Q(replied_on__gt=end))
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        )
        on_time = replied.filter(Q(due_on__isnull=True) | Q(replied_on__lte=F("due_on")))
        return on_time.count(), replied.count() + unanswered.count()
    if code == "late_publications":
        late = DocumentVersion.objects.filter(
            document__agency=agency, published_at__date__gte=start, published_at__date__lte=end,
            metadata__late=True,
        ).count()  # fmt: skip
        return late, None
    public = Document.objects.filter(
        agency=agency, state="published", manner="proactive", versions__isnull=False
    ).distinct()
    if code == "documents_published":
        count = public.filter(published_at__date__gte=start, published_at__date__lte=end).count()
        return count, None
    if code == "statutory_coverage":
        covered = (
            public.filter(statutory_item__article=20, statutory_item__scope="all",
                          published_at__date__lte=end)
            .values("statutory_item").distinct().count()
        )  # fmt: skip
        return covered, 15
    if code == "interpretation_coverage":
        policies = Document.objects.filter(
            agency=agency, state="published", needs_interpretation=True,
            published_at__date__gte=start, published_at__date__lte=end,
        )  # fmt: skip
        interpreted = policies.filter(
            interpretations__kind="interpretation", interpretations__state="published",
            interpretations__published_at__date__lte=end,
        ).distinct()  # fmt: skip
        return interpreted.count(), policies.count()
    raise AssertionError(code)


def check(code, agency, start, end, *, figure, numerator, denominator) -> None:
    counted, of = recount(code, agency, start, end)
    where = f"{code} of {agency.name} {start}–{end}"
    if of is None:  # a count
        assert (numerator, denominator, figure) == (counted, None, Decimal(counted)), where
    else:
        assert (numerator, denominator) == (counted, of), where
        assert figure == percent(counted, of), where


# --------------------------------------------------------------------------- tests


def test_the_years_schemes(loaded):
    schemes = {s.year: s for s in IndicatorScheme.objects.all()}
    assert sorted(schemes) == [2014, 2025, 2026]
    assert schemes[2014].published_at.date() == D(2015, 1, 20)
    assert schemes[2025].published_at.date() == D(2026, 1, 20)
    assert schemes[2026].state == "active" and schemes[2026].published_at is None
    assert "3 indicator schemes" in loaded


def test_every_member_of_2014_has_its_published_scorecard(loaded):
    members = selectors.member_periods(D(2014, 1, 1), D(2014, 12, 31))
    scheme = IndicatorScheme.objects.get(year=2014)
    cards = Scorecard.objects.filter(scheme=scheme)
    # The seed: 74 bodies named, 79 members at the start, 8 joined and 1 left in the year.
    assert len(members) == cards.count() == 87
    assert {card.agency_id for card in cards} == {period.agency.pk for period in members}
    leaver = next(card for card in cards if card.period_end < D(2014, 12, 31))
    assert leaver.agency.name == "张店区城市管理指挥中心"  # the seed's 区城管指挥中心
    assert cards.filter(period_start__gt=D(2014, 1, 1)).count() == 8
    ranks = sorted(cards.values_list("total", "rank"), key=lambda row: row[1])
    assert ranks[0][1] == 1
    for (total, rank), (next_total, next_rank) in itertools.pairwise(ranks):
        assert total >= next_total
        assert (rank == next_rank) == (total == next_total)


def test_every_published_figure_equals_a_recount_of_the_records(loaded):
    scores = (
        Score.objects.filter(indicator__kind=Indicator.Kind.COMPUTED)
        .select_related("scorecard", "scorecard__agency", "indicator")
        .order_by("pk")
    )
    assert scores.count() > 1000
    for score in scores:
        card = score.scorecard
        check(
            score.indicator.measure, card.agency, card.period_start, card.period_end,
            figure=score.figure, numerator=score.numerator, denominator=score.denominator,
        )  # fmt: skip


def test_every_provisional_figure_of_2026_equals_a_recount(loaded):
    scheme = IndicatorScheme.objects.get(year=2026)
    end = D(2026, 11, 20)
    cards = selectors.compute_cards(scheme, end=end)
    assert len(cards) == 86
    computed = 0
    for card in cards:
        for line in card.lines:
            if line.indicator.kind != Indicator.Kind.COMPUTED:
                continue
            computed += 1
            check(
                line.indicator.measure, card.agency, card.start, card.end,
                figure=line.figure, numerator=line.numerator, denominator=line.denominator,
            )  # fmt: skip
    assert computed == 86 * 7


def test_the_demonstration_exercises_the_measures(loaded):
    """Not every figure is a trivial 0 or 100: the demonstration shows real differences."""
    scheme = IndicatorScheme.objects.get(year=2014)
    reply = Score.objects.filter(scorecard__scheme=scheme, indicator__measure="letter_satisfaction")
    assert reply.filter(basis="computed").count() == 3  # the three agencies handling letters
    assert {score.figure for score in reply.filter(basis="computed")} != {Decimal("100.00")}
    coverage = Score.objects.filter(
        scorecard__scheme=scheme, indicator__measure="statutory_coverage"
    )
    assert len(set(coverage.values_list("figure", flat=True))) >= 4
    requests_2026 = IndicatorScheme.objects.get(year=2026)
    cards = selectors.compute_cards(requests_2026, end=D(2026, 11, 20))
    late = [
        line
        for card in cards
        for line in card.lines
        if line.indicator.measure == "request_reply_rate" and line.figure not in (None, 100)
    ]
    assert late, "an application unanswered past its due date lowers a 2026 rate"


def test_hand_scores_carry_a_comment_and_evidence(loaded):
    scores = HandScore.objects.all()
    assert scores.count() == 8
    for score in scores:
        assert score.comment.strip()
        assert score.documents.exists() or score.files.exists()
    bonus = Score.objects.get(
        scorecard__scheme__year=2014, scorecard__agency__slug="education", indicator__code="5"
    )
    assert (bonus.basis, bonus.points) == ("hand", Decimal("4.00"))


def test_accountability_records_and_their_summary(loaded):
    assert AccountabilityRecord.objects.count() == 2
    summary = selectors.accountability_summary(2014)
    assert summary["total"] == 1
    assert "周建军" not in str(summary)


def test_a_second_run_changes_nothing(loaded, reloaded):
    assert_unchanged(reloaded, "supervision")
    assert "0 indicator schemes" in reloaded.output


@pytest.mark.parametrize(
    ("start", "end"), [(D(2014, 1, 1), D(2014, 12, 31)), (D(2025, 1, 1), D(2025, 12, 31))]
)
def test_each_measure_of_many_agencies_at_once_equals_its_measure_of_each(loaded, start, end):
    """The scorecards of every member measure each indicator once for all the agencies (one
    query or two, issue 10); the figures and records are exactly those of the measure of one
    agency, the function every other page uses."""
    from gongkai.supervision.assessment.measures import MEASURES

    agencies = list(Agency.objects.order_by("sort_order", "pk"))
    for code, measure in MEASURES.items():
        assert measure.batch is not None, code
        many = measure.for_agencies(agencies, start, end)
        each = {agency.pk: measure.function(agency, start, end) for agency in agencies}
        assert many == each, code
        if code != "late_publications":  # the demonstration publishes nothing late
            assert any(result.records for result in each.values()), code
