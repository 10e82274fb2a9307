"""The public scorecards /scorecards/: only what was published, read from the stored rows; the
ranking and each agency's scorecard as tables (always there, without JavaScript) with their
chart data as JSON for the static chart script; no assessor's comment, no record behind a
figure, no person held accountable."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from gongkai.portal.navigation import main_navigation
from gongkai.supervision.assessment import services
from tests.supervision.assessment.conftest import (
    AFTER_YEAR,
    APPLICANT,
    PERSON,
    WRITER,
    build_scheme,
    indicator,
    info_request,
    letter,
)

pytestmark = pytest.mark.django_db

D = datetime.date
COMMENT = "抽查发现栏目更新不及时，扣2分"


@pytest.fixture
def published(office, agency, other_agency, evidence_document):
    scheme = build_scheme(office, assessor=office)
    info_request(agency, received=D(2025, 3, 2), due=D(2025, 3, 30), replied=D(2025, 4, 10))
    letter(agency, received=D(2025, 3, 2), due=D(2025, 3, 9), replied=D(2025, 3, 5))
    services.record_hand_score(
        indicator(scheme, "2"), agency, points="8", comment=COMMENT,
        documents=[evidence_document], actor=office,
    )  # fmt: skip
    services.record_accountability(
        agency, person=PERSON, reason="未按时公开", measure="criticism",
        decided_on=D(2025, 5, 6), actor=office, now=AFTER_YEAR,
    )  # fmt: skip
    services.publish_scores(scheme, actor=office, now=AFTER_YEAR)
    return scheme


def assert_nothing_private(html: str) -> None:
    for secret in (COMMENT, PERSON, APPLICANT, WRITER, "YSQ", "LX0"):
        assert secret not in html, secret


def chart_data(html: str) -> dict:
    found = re.search(r'<script id="scorecard-chart-data" type="application/json">(.*?)</script>',
                      html, re.S)  # fmt: skip
    assert found, "the chart data is written with json_script"
    return json.loads(found.group(1))


def no_inline_script(html: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_the_year_page_ranks_every_agency(english, published, agency, other_agency):
    response = english.get(reverse("assessment:index"))

    html = response.content.decode()
    assert response.status_code == 200
    table = re.search(r'<table class="data-table" data-testid="ranking">.*?</table>', html, re.S)
    row = r'<tr>\s*<td class="num">(\d+)</td>\s*<th scope="row">\s*<a href="([^"]+)">'
    rows = re.findall(row, table.group(0))
    assert rows[0][0] == "1"  # the office's own agency and the other tie at 40
    assert ("1", reverse("assessment:agency", args=[2025, other_agency.slug])) in rows
    assert ("3", reverse("assessment:agency", args=[2025, agency.slug])) in rows
    data = chart_data(html)
    assert data["kind"] == "ranking" and data["max"] == 45.0
    assert data["values"][0] == 40.0
    assert "vendor/echarts/echarts.min.js" in html and "scorecard-charts.js" in html
    no_inline_script(html)
    assert_nothing_private(html)
    assert reverse("assessment:year", args=[2025]) in html


def test_an_agencys_scorecard_shows_figures_and_points_only(english, published, agency):
    response = english.get(reverse("assessment:agency", args=[2025, agency.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    # 0 of 20 for the late reply, 10 for publishing on time, 8 by hand, no bonus.
    assert re.search(r'data-testid="card-total">\s*18.00 / 45.00', html)
    assert "3 of 3" in html  # the rank
    assert "0.00%" in html and "0 of 1" in html  # the late reply, counted not listed
    assert "scored by the assessor" in html
    main = re.search(r"<main.*</main>", html, re.S).group(0)
    assert "/workbench/" not in main
    data = chart_data(html)
    assert data["kind"] == "card"
    assert data["labels"][0].startswith("1 ") and data["max"][0] == 30.0
    no_inline_script(html)
    assert_nothing_private(html)


def test_a_published_scorecard_does_not_change_with_the_records(english, published, agency):
    def table() -> str:
        html = english.get(reverse("assessment:agency", args=[2025, agency.slug])).content.decode()
        return re.search(r"<main.*</main>", html, re.S).group(0)

    before = table()
    info_request(agency, received=D(2025, 5, 2), due=D(2025, 5, 30), replied=D(2025, 5, 3))
    assert table() == before


def test_unpublished_years_and_agencies_are_not_found(english, office, agency, agency_factory):
    build_scheme(office)  # active, provisional: not public
    assert english.get(reverse("assessment:year", args=[2025])).status_code == 404
    assert english.get(reverse("assessment:agency", args=[2025, agency.slug])).status_code == 404
    index = english.get(reverse("assessment:index"))
    assert index.status_code == 200
    assert 'data-testid="none-published"' in index.content.decode()


def test_a_correction_is_marked(english, office, published, agency):
    draft = services.new_version(published, change_note="加分项计分规则调整", actor=office)
    services.activate_scheme(draft, actor=office)
    services.publish_scores(draft, actor=office, now=AFTER_YEAR + datetime.timedelta(days=5))

    html = english.get(reverse("assessment:year", args=[2025])).content.decode()

    assert 'data-testid="correction"' in html
    assert "version 2" in html and "加分项计分规则调整" in html
    card = english.get(reverse("assessment:agency", args=[2025, agency.slug])).content.decode()
    assert 'data-testid="correction"' in card
    assert draft.scorecards.get(agency=agency).total == Decimal("18.00")


def test_the_portal_menu_has_the_scorecards(published):
    entries = {entry.key: entry for entry in main_navigation()}
    assert entries["scorecards"].url == reverse("assessment:index")


def test_the_public_pages_have_bounded_queries(
    client, published, agency, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        client.get(reverse("assessment:year", args=[2025]))
    with django_assert_max_num_queries(15):
        client.get(reverse("assessment:agency", args=[2025, agency.slug]))
