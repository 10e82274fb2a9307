"""Scorecards computed from a scheme: each agency's period of membership, points of each kind
of leaf, groups and totals, and ranks with ties."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from gongkai.supervision.assessment import selectors, services
from gongkai.supervision.assessment.models import Score
from gongkai.supervision.assessment.selectors import rank_totals
from tests.supervision.assessment.conftest import (
    build_scheme,
    document,
    indicator,
    info_request,
    join,
    leave,
)

pytestmark = pytest.mark.django_db

D = datetime.date
Basis = Score.Basis


def test_rank_totals_share_ranks_on_ties_and_skip_places():
    totals = {"a": Decimal("90"), "b": Decimal("100"), "c": Decimal("90"), "d": Decimal("80.5")}
    assert rank_totals(totals) == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert rank_totals({"x": Decimal("5"), "y": Decimal("5")}) == {"x": 1, "y": 1}
    assert rank_totals({}) == {}


def test_member_periods_cut_the_year_at_joining_and_leaving(agency_factory):
    always = join(agency_factory())
    joined = join(agency_factory(), on=D(2025, 7, 1))
    left = leave(join(agency_factory()), on=D(2025, 3, 1))
    gone = leave(join(agency_factory()), on=D(2024, 6, 1))
    later = join(agency_factory(), on=D(2026, 2, 1))
    back = leave(join(agency_factory()), on=D(2025, 2, 1))
    join(back, on=D(2025, 9, 1))

    periods = {
        p.agency.pk: (p.start, p.end)
        for p in selectors.member_periods(D(2025, 1, 1), D(2025, 12, 31))
    }

    assert periods[always.pk] == (D(2025, 1, 1), D(2025, 12, 31))
    assert periods[joined.pk] == (D(2025, 7, 1), D(2025, 12, 31))
    assert periods[left.pk] == (D(2025, 1, 1), D(2025, 2, 28))  # not a member on the day it left
    assert periods[back.pk] == (D(2025, 1, 1), D(2025, 12, 31))  # first to last member day
    assert gone.pk not in periods and later.pk not in periods


def test_a_card_scores_each_leaf_and_adds_the_groups_up(office, agency, evidence_document):
    scheme = build_scheme(office, assessor=office)
    # 3 of 4 applications on time: 75% on a 60–100 line of 20 points gives 7.50.
    for replied, due in [(3, 30), (4, 30), (5, 30), (29, 28)]:
        info_request(
            agency, received=D(2025, 3, 1), due=D(2025, 3, due), replied=D(2025, 3, replied)
        )
    document(agency, published=D(2025, 5, 5), late=True)  # one late: 10 - 2 = 8
    services.record_hand_score(
        indicator(scheme, "2"), agency, points="7.5", comment="抽查发现栏目更新不及时",
        documents=[evidence_document], actor=office,
    )  # fmt: skip

    card = selectors.compute_card(scheme, agency, D(2025, 1, 1), D(2025, 12, 31))

    lines = {line.indicator.code: line for line in card.lines}
    assert [line.indicator.code for line in card.lines] == ["1", "1.1", "1.2", "2", "3"]
    assert (lines["1.1"].basis, lines["1.1"].figure, lines["1.1"].points) == (
        Basis.COMPUTED, Decimal("75.00"), Decimal("7.50")
    )  # fmt: skip
    assert (lines["1.1"].numerator, lines["1.1"].denominator) == (3, 4)
    assert (lines["1.2"].figure, lines["1.2"].points) == (Decimal("1"), Decimal("8.00"))
    assert (lines["1"].basis, lines["1"].points) == (Basis.GROUP, Decimal("15.50"))
    assert (lines["2"].basis, lines["2"].points) == (Basis.HAND, Decimal("7.50"))
    assert (lines["3"].basis, lines["3"].points) == (Basis.UNSCORED, Decimal("0.00"))  # a bonus
    assert card.total == Decimal("23.00")
    assert card.max_total == Decimal("45.00")


def test_no_records_give_full_points_or_none_as_the_indicator_says(office, agency):
    rows = [
        {"code": "A", "name": "按时答复", "kind": "computed", "max_points": "20",
         "measure": "request_reply_rate", "scoring": "linear",
         "parameters": {"zero_at": "60", "full_at": "100"}},
        {"code": "B", "name": "来信满意率", "kind": "computed", "max_points": "10",
         "measure": "letter_satisfaction", "scoring": "linear", "unscored": "zero",
         "parameters": {"zero_at": "60", "full_at": "100"}},
        {"code": "C", "name": "日常抽测", "kind": "manual", "max_points": "10"},
    ]  # fmt: skip
    scheme = build_scheme(office, rows=rows)

    card = selectors.compute_card(scheme, agency, D(2025, 1, 1), D(2025, 12, 31))

    assert [(line.basis, line.points) for line in card.lines] == [
        (Basis.NO_RECORDS, Decimal("20.00")),
        (Basis.NO_RECORDS, Decimal("0.00")),
        (Basis.UNSCORED, Decimal("10.00")),
    ]
    assert card.total == Decimal("30.00")


def test_compute_cards_rank_every_member_with_ties(office, agency, other_agency, agency_factory):
    third = join(agency_factory())
    join(agency_factory(), on=D(2026, 3, 1))  # not a member in 2025: no card
    scheme = build_scheme(office)
    info_request(agency, received=D(2025, 3, 1), due=D(2025, 3, 28), replied=D(2025, 3, 31))  # late

    cards = selectors.compute_cards(scheme, end=D(2025, 12, 31))

    ranks = {card.agency.pk: (card.total, card.rank) for card in cards}
    assert ranks[agency.pk] == (Decimal("20.00"), 4)  # 0% on time: its 20 points lost
    # The three others (the office's own agency too) tie at 40 and share the first rank.
    assert ranks[other_agency.pk] == ranks[third.pk] == (Decimal("40.00"), 1)
    assert len(cards) == len(ranks) == 4  # with the office's own agency
    assert [card.rank for card in cards] == sorted(card.rank for card in cards)


def test_provisional_card_runs_to_today(office, agency):
    scheme = build_scheme(office)
    info_request(agency, received=D(2025, 3, 1), due=D(2025, 3, 28), replied=D(2025, 3, 10))
    info_request(agency, received=D(2025, 9, 1), due=D(2025, 9, 28), replied=D(2025, 9, 10))

    card = selectors.provisional_card(scheme, agency, today=D(2025, 6, 30))

    assert (card.start, card.end) == (D(2025, 1, 1), D(2025, 6, 30))
    assert card.line_for(indicator(scheme, "1.1").pk).denominator == 1
    assert selectors.provisional_card(scheme, agency, today=D(2024, 12, 31)) is None
