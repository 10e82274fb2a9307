"""The demonstration: 2014 exactly as the seed reports it, 2024–2026 besides, idempotent."""

from __future__ import annotations

import datetime

import pytest

from gongkai.agencies.models import Agency
from gongkai.interaction.channels import demo, selectors
from gongkai.interaction.channels.models import (
    Channel,
    ChannelFigure,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
)
from tests.demo.conftest import assert_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""
    return district.output


def programme_totals(summary, name):
    return next(row.totals for row in summary.programmes if row.programme.name == name)


def test_2014_hotline_is_the_seeds(loaded):
    """政风行风热线: 28 departments on air, 600-odd calls; 区长面对面: 7 sessions, 160-odd calls,
    70-odd cases investigated after the programme, the rest answered on air."""
    summary = selectors.year_summary(2014)
    face_to_face = programme_totals(summary, demo.FACE_TO_FACE)
    assert face_to_face.sessions == 7
    assert 160 <= face_to_face.calls < 170
    assert 70 <= face_to_face.follow_ups < 80
    assert face_to_face.answered_on_air + face_to_face.follow_ups == face_to_face.calls
    assert 600 <= summary.hotline.calls < 700
    assert summary.hotline.agencies_on_air == 28
    departments = Agency.objects.filter(hotline_sessions__aired_on__year=2014).distinct()
    assert set(departments.values_list("kind", flat=True)) == {Agency.Kind.DEPARTMENT}


def test_2014_archive_is_the_seeds(loaded):
    summary = selectors.year_summary(2014)
    assert summary.services.figures() == {
        "visitors": 512,
        "phone_consultations": 231,
        "files_consulted": 3194,
        "pages_copied": 972,
        "certificates_issued": 411,
    }
    (archive,) = summary.points
    assert archive.point.agency.slug == "archives"
    logs = ServiceLog.objects.filter(date__year=2014)
    assert logs.count() == summary.services.days
    # Files, copies and certificates only when someone came, never more certificates than people.
    assert not logs.filter(visitors=0, files_consulted__gt=0).exists()
    assert all(log.certificates_issued <= log.visitors for log in logs)


def test_2014_channels_are_the_seeds(loaded):
    """The microblog's and the mobile bulletin's figures are totals since opening (截至目前);
    the printed bulletin's and the text messages' are 2014's."""
    channels = {row.channel.name: row for row in selectors.year_summary(2014).channels}
    weibo = {figure.metric: figure for figure in channels[demo.WEIBO].figures}
    assert 4500 <= weibo["posts"].since_opening < 4600
    assert 70 <= weibo["messages_answered"].since_opening < 80
    assert weibo["messages_answered"].since_opening == weibo["messages_received"].since_opening
    assert weibo["followers"].in_year > 50_000
    mobile = {figure.metric: figure for figure in channels[demo.MOBILE].figures}
    assert 670 <= mobile["issues"].since_opening < 680
    assert 7000 <= mobile["posts"].since_opening < 7100
    assert mobile["subscribers"].in_year == 41_000
    bulletin = {figure.metric: figure.in_year for figure in channels[demo.BULLETIN].figures}
    assert bulletin == {"issues": 94, "copies": 9_400_000}
    sms = {figure.metric: figure.in_year for figure in channels[demo.SMS].figures}
    assert sms == {"messages_sent": 2982}
    weibo_channel = Channel.objects.get(name=demo.WEIBO)
    assert weibo_channel.opened_on == datetime.date(2013, 8, 1)
    assert ChannelFigure.objects.filter(channel=weibo_channel, year=2013).exists()


def test_recent_years_have_every_kind_of_record(loaded):
    end = demo.end_date()
    for year in range(2024, end.year + 1):
        summary = selectors.year_summary(year)
        assert {row.programme.name for row in summary.programmes} == {
            demo.HOTLINE,
            demo.FACE_TO_FACE,
        }
        assert len(summary.points) == 2
        assert summary.channels
        assert summary.opinions.found
    states = set(OpinionResponse.objects.values_list("state", flat=True))
    assert states == {"open", "responded", "closed"}
    newest = max(
        ServiceLog.objects.latest("date").date, HotlineSession.objects.latest("aired_on").aired_on
    )
    assert newest <= end
    for opinion in OpinionResponse.objects.filter(state="responded"):
        assert opinion.working_days_to_respond is not None
        assert opinion.working_days_to_respond >= 0


def test_a_second_run_changes_nothing(loaded, reloaded):
    assert_unchanged(reloaded, "interaction")
    assert " 0 hotline sessions" in reloaded.output
