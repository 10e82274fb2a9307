"""The yearly totals: pure functions over rows, and the same totals read from the records for
one agency and for the whole government."""

from __future__ import annotations

import datetime

import pytest

from gongkai.interaction.channels import selectors, services
from gongkai.interaction.channels.models import Channel, Metric, ServicePoint
from gongkai.interaction.channels.selectors import (
    FigureRow,
    LogRow,
    OpinionRow,
    SessionRow,
    channel_year,
    hotline_totals,
    opinion_totals,
    service_totals,
)
from tests.interaction.channels.conftest import TODAY

D = datetime.date

# --- pure functions ----------------------------------------------------------------------------


def test_hotline_totals_for_the_government_and_for_an_agency():
    rows = [
        SessionRow(1, D(2014, 1, 16), 24, 13, 11, frozenset({10, 11})),
        SessionRow(1, D(2014, 3, 20), 22, 12, 10, frozenset({11})),
        SessionRow(2, D(2014, 4, 1), 15, 9, 4, frozenset()),
    ]
    assert hotline_totals(rows) == selectors.HotlineTotals(
        sessions=3, calls=61, answered_on_air=34, follow_ups=25, agencies_on_air=2
    )
    # A session counts for every agency on air in it.
    assert hotline_totals(rows, agency_id=11) == selectors.HotlineTotals(
        sessions=2, calls=46, answered_on_air=25, follow_ups=21, agencies_on_air=1
    )
    assert hotline_totals(rows, agency_id=10).calls == 24
    assert hotline_totals(rows, agency_id=99) == selectors.HotlineTotals()


def test_service_totals_add_every_figure_and_count_the_days():
    rows = [
        LogRow(1, 10, D(2014, 1, 2), 3, 1, 12, 5, 2),
        LogRow(1, 10, D(2014, 1, 3), 0, 2, 0, 0, 0),
        LogRow(2, 10, D(2014, 1, 3), 1, 0, 2, 0, 1),
    ]
    totals = service_totals(rows)
    assert totals.days == 3
    assert totals.figures() == {
        "visitors": 4,
        "phone_consultations": 3,
        "files_consulted": 14,
        "pages_copied": 5,
        "certificates_issued": 3,
    }
    assert service_totals([]) == selectors.ServiceTotals()


def test_channel_year_adds_counts_and_takes_the_last_level():
    rows = [
        FigureRow(1, 2013, month, metric, value)
        for month in range(8, 13)
        for metric, value in (("posts", 100), ("followers", 1000 * month))
    ] + [
        FigureRow(1, 2014, month, metric, value)
        for month in range(1, 13)
        for metric, value in (("posts", 200), ("followers", 20_000 + month))
    ]
    rows.append(FigureRow(1, 2015, 1, "posts", 999))  # after the year: ignored
    figures = channel_year(rows, year=2014, metrics=["posts", "followers"], opened_on=D(2013, 8, 1))
    assert [(f.metric, f.in_year, f.since_opening) for f in figures] == [
        (Metric.POSTS, 2400, 2900),
        (Metric.FOLLOWERS, 20_012, None),
    ]
    # Only 2013: the level is the one at the end of the latest month of the year.
    assert channel_year(rows, year=2013, metrics=["followers"])[0].in_year == 12_000


def test_channel_year_shows_no_total_since_opening_across_a_gap():
    rows = [
        FigureRow(1, 2013, None, "issues", 150),
        FigureRow(1, 2015, None, "issues", 300),  # 2014 was never entered
    ]
    (issues,) = channel_year(rows, year=2015, metrics=["issues"], opened_on=D(2013, 1, 1))
    assert issues.in_year == 300 and issues.since_opening is None
    (issues,) = channel_year(rows, year=2013, metrics=["issues"], opened_on=D(2013, 1, 1))
    assert issues.since_opening == 150
    # Without an opening date there is no total since opening; a year without rows is None.
    assert channel_year(rows, year=2015, metrics=["issues"])[0].since_opening is None
    assert channel_year(rows, year=2014, metrics=["issues"])[0].in_year is None


def test_opinion_totals_mean_working_days_over_the_responded():
    rows = [
        OpinionRow(10, "responded", D(2024, 1, 9), D(2024, 1, 11), 2),
        OpinionRow(10, "responded", D(2024, 3, 1), D(2024, 3, 6), 3),
        OpinionRow(11, "responded", D(2024, 5, 6), D(2024, 5, 7), 1),
        OpinionRow(11, "closed", D(2024, 6, 3)),
        OpinionRow(11, "open", D(2024, 7, 1)),
    ]
    totals = opinion_totals(rows)
    assert totals == selectors.OpinionTotals(
        found=5, responded=3, closed=1, open=1, mean_working_days=2.0, longest_working_days=3
    )
    assert opinion_totals(rows, agency_id=10).mean_working_days == 2.5
    assert opinion_totals(rows, agency_id=11).found == 3
    assert opinion_totals([]).mean_working_days is None


# --- from the records --------------------------------------------------------------------------


@pytest.fixture
def year_of_records(db, office, agency, other_agency, programme, point, channel):
    """2014 records of two agencies: sessions (one with both on air), logs, figures, matters."""
    services.record_hotline_session(
        programme, aired_on=D(2014, 1, 16), agencies=[agency, other_agency],
        calls=24, answered_on_air=13, follow_ups=11, notes="内部：下期请住建局准备材料",
        actor=office, today=TODAY,
    )  # fmt: skip
    services.record_hotline_session(
        programme, aired_on=D(2014, 3, 20), agencies=[other_agency],
        calls=22, answered_on_air=12, follow_ups=10, actor=office, today=TODAY,
    )  # fmt: skip
    services.record_hotline_session(  # another year: not counted
        programme, aired_on=D(2015, 1, 15), agencies=[agency],
        calls=30, answered_on_air=20, follow_ups=10, actor=office, today=TODAY,
    )  # fmt: skip
    other_point = ServicePoint.objects.create(
        agency=other_agency, name="政府信息查阅室", kind=ServicePoint.Kind.READING_ROOM
    )
    for day, visitors in ((D(2014, 1, 2), 3), (D(2014, 1, 3), 4)):
        services.record_service_log(
            point, day=day, visitors=visitors, files_consulted=10, actor=office, today=TODAY
        )
    services.record_service_log(
        other_point, day=D(2014, 1, 2), visitors=1, actor=office, today=TODAY
    )
    services.record_channel_figures(
        channel, year=2014, month=None, values={"posts": 1200}, actor=office, today=TODAY
    )
    other_channel = Channel.objects.create(
        agency=other_agency, name="张店通讯", kind=Channel.Kind.PRINTED_BULLETIN, metrics=["issues"]
    )
    services.record_channel_figures(
        other_channel, year=2014, month=None, values={"issues": 94}, actor=office, today=TODAY
    )
    found = D(2014, 9, 29)  # Monday; 10-01..10-07 is the National Day holiday
    matter = services.record_opinion(
        agency, topic="网民反映暖气不热", source="forum", found_on=found, actor=office, today=TODAY
    )
    services.respond_to_opinion(
        matter, responded_on=D(2014, 10, 9), url="https://example.com/a", title="情况通报",
        actor=office, today=TODAY,
    )  # fmt: skip
    services.record_opinion(
        other_agency, topic="网传停水", source="social_media", found_on=D(2014, 12, 1),
        actor=office, today=TODAY,
    )  # fmt: skip


def test_year_summary_of_the_whole_government(year_of_records, agency, other_agency):
    summary = selectors.year_summary(2014)
    assert summary.hotline == selectors.HotlineTotals(
        sessions=2, calls=46, answered_on_air=25, follow_ups=21, agencies_on_air=2
    )
    assert summary.services.visitors == 8 and summary.services.days == 3
    assert {row.point.name: row.totals.visitors for row in summary.points} == {
        "档案馆查档接待室": 7,
        "政府信息查阅室": 1,
    }
    assert {row.channel.name for row in summary.channels} == {"今日张店", "张店通讯"}
    # 2014-09-29 (Mon) → 10-09 (Thu): 9-30, then the National Day week off, 10-08, 10-09.
    assert summary.opinions == selectors.OpinionTotals(
        found=2, responded=1, closed=0, open=1, mean_working_days=3.0, longest_working_days=3
    )


def test_year_summary_of_one_agency(year_of_records, agency, other_agency):
    own = selectors.year_summary(2014, agency=agency)
    assert own.hotline.sessions == 1 and own.hotline.calls == 24
    assert own.services.visitors == 7
    assert [row.channel.name for row in own.channels] == ["今日张店"]
    assert own.opinions.found == 1 and own.opinions.responded == 1
    other = selectors.year_summary(2014, agency=other_agency)
    assert other.hotline.sessions == 2 and other.hotline.calls == 46
    assert other.services.visitors == 1
    assert other.opinions.open == 1
    rows = selectors.agency_summaries(selectors.load_year(2014))
    assert [row.agency for row in rows] == sorted(
        [agency, other_agency], key=lambda a: (a.sort_order, a.pk)
    )


def test_years_with_records(year_of_records):
    assert selectors.years_with_records() == [2015, 2014]
    assert selectors.year_summary(2013).is_empty


def test_loading_a_year_takes_a_fixed_number_of_queries(
    year_of_records, agency, other_agency, django_assert_num_queries
):
    selectors.load_year(2014)  # the working-day calendar is read once a process
    # Sessions (with programmes and agencies on air), logs (with points), figures (with
    # channels), opinions: never a query for what a row refers to.
    with django_assert_num_queries(4):
        records = selectors.load_year(2014)
    assert [point.name for point in records.points] == ["档案馆查档接待室", "政府信息查阅室"]
    assert {session.agency_ids for session in records.sessions} == {
        frozenset({agency.pk, other_agency.pk}),
        frozenset({other_agency.pk}),
    }
    with django_assert_num_queries(3):
        without = selectors.load_year(2014, opinions=False)
    assert without.opinions == [] and without.sessions == records.sessions
