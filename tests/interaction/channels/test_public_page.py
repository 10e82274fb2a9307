"""The public page /services/: a year's totals and its hotline sessions, nothing internal."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gongkai.interaction.channels import services
from gongkai.interaction.channels.models import Channel
from gongkai.interaction.channels.services import Leader
from tests.interaction.channels.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
NOTE = "内部：主持人手机13912345678"
SOURCE_DETAIL = "某论坛某用户的帖子"


@pytest.fixture
def year_2014(office, programme, point, channel, agency, other_agency):
    services.record_hotline_session(
        programme, aired_on=D(2014, 1, 16), leaders=[Leader("王建国", "区长")],
        agencies=[agency], topics="暖气不热", calls=24, answered_on_air=13, follow_ups=11,
        notes=NOTE, actor=office, today=TODAY,
    )  # fmt: skip
    services.record_hotline_session(
        programme, aired_on=D(2014, 3, 20), agencies=[other_agency], topics="乱搭乱建",
        calls=22, answered_on_air=12, follow_ups=10, notes=NOTE, actor=office, today=TODAY,
    )  # fmt: skip
    services.record_service_log(
        point, day=D(2014, 3, 3), visitors=512, phone_consultations=231, files_consulted=3194,
        pages_copied=972, certificates_issued=411, actor=office, today=TODAY,
    )  # fmt: skip
    services.record_channel_figures(
        channel, year=2014, month=None, values={"posts": 4536, "followers": 50_460},
        actor=office, today=TODAY,
    )  # fmt: skip
    matter = services.record_opinion(
        agency, topic="网民反映暖气不热", source="forum", source_detail=SOURCE_DETAIL,
        found_on=D(2014, 9, 29), notes=NOTE, actor=office, today=TODAY,
    )  # fmt: skip
    services.respond_to_opinion(
        matter, responded_on=D(2014, 10, 9), url="https://example.com/a", title="情况通报",
        actor=office, today=TODAY,
    )  # fmt: skip
    services.record_hotline_session(  # another year
        programme, aired_on=D(2015, 2, 5), agencies=[agency], topics="2015年的话题",
        calls=5, answered_on_air=5, follow_ups=0, actor=office, today=TODAY,
    )  # fmt: skip


def page(client, **params):
    return client.get(reverse("channels:index"), params)


def test_the_page_shows_the_years_totals_and_sessions(english, year_2014, channel):
    response = page(english, year="2014")
    assert response.status_code == 200
    html = response.content.decode()
    for figure in ("512", "231", "3194", "972", "411", "4536", "50460"):
        assert figure in html
    assert "46" in html and "21" in html  # calls and follow-ups of the year
    assert "暖气不热" in html and "乱搭乱建" in html
    assert "区长 王建国" in html
    assert "2015年的话题" not in html
    # 2014-09-29 → 10-09 across the National Day holiday: 3 working days.
    assert "3.0" in html


def test_nothing_internal_reaches_the_page(english, year_2014):
    html = page(english, year="2014").content.decode()
    assert NOTE not in html
    assert "13912345678" not in html
    assert SOURCE_DETAIL not in html
    assert "网民反映暖气不热" not in html  # the matter's topic stays with staff


def test_the_latest_year_is_shown_by_default_and_years_are_offered(english, year_2014):
    html = page(english).content.decode()
    assert "2015年的话题" in html
    assert '?year=2014"' in html


@pytest.mark.parametrize("year", ["abc", "20145", "1800", "2999"])
def test_a_year_that_cannot_be_is_not_found(client, year):
    assert page(client, year=year).status_code == 404


def test_an_empty_year_says_so(english, db):
    response = page(english, year="2013")
    assert response.status_code == 200
    assert "No hotline session was recorded for this year." in response.content.decode()


def test_the_page_has_bounded_queries(
    client, year_2014, office, agency, django_assert_max_num_queries
):
    for n in range(5):
        extra = Channel.objects.create(
            agency=agency, name=f"渠道{n}", kind=Channel.Kind.OTHER, metrics=["posts"]
        )
        services.record_channel_figures(
            extra, year=2014, month=None, values={"posts": n + 1}, actor=office, today=TODAY
        )
    page(client, year="2014")
    with django_assert_max_num_queries(16):
        response = page(client, year="2014")
    assert response.status_code == 200
