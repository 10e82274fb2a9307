"""The services: what each records, the rules that refuse bad figures (with a clear message and
nothing changed), corrections audited old → new, and who may do what."""

from __future__ import annotations

import datetime

import pytest

from gongkai.core.models import AuditEntry
from gongkai.interaction.channels import services
from gongkai.interaction.channels.models import (
    ChannelFigure,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
)
from gongkai.interaction.channels.services import ChannelsError, ChannelsPermissionDenied, Leader
from tests.interaction.channels.conftest import TODAY, everything

pytestmark = pytest.mark.django_db

D = datetime.date


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=f"channels.{action}").latest("id")


def refused(call, message: str, *, field: str | None = None, error=ChannelsError):
    """``call()`` is refused with ``message`` (naming ``field``) and changes nothing."""
    before = everything()
    with pytest.raises(error) as caught:
        call()
    assert caught.value.message == message
    if field is not None:
        assert caught.value.field == field
    assert everything() == before


# --- hotline sessions --------------------------------------------------------------------------


def session_values(**overrides):
    values = {
        "aired_on": D(2014, 1, 16),
        "leaders": [Leader("王建国", "区长"), Leader("李文华", "副区长")],
        "topics": "暖气不热",
        "calls": 24,
        "answered_on_air": 13,
        "follow_ups": 11,
        "notes": "内部备注",
        "today": TODAY,
    }
    values.update(overrides)
    return values


def test_the_office_records_a_session(office, programme, agency, other_agency):
    session = services.record_hotline_session(
        programme, agencies=[agency, other_agency], actor=office, **session_values()
    )
    session.refresh_from_db()
    assert session.leaders == [
        {"name": "王建国", "title": "区长"},
        {"name": "李文华", "title": "副区长"},
    ]
    assert set(session.agencies.all()) == {agency, other_agency}
    assert session.recorded_by == office
    entry = last_audit("record_hotline_session")
    assert entry.object_id == str(session.pk) and entry.details["calls"] == 24


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        (
            {"answered_on_air": 25},
            "Questions answered on air (25) cannot be more than the calls taken (24).",
            "answered_on_air",
        ),
        (
            {"follow_ups": 30},
            "Cases taken for follow-up (30) cannot be more than the calls taken (24).",
            "follow_ups",
        ),
        ({"calls": -1}, "Calls taken cannot be negative.", "calls"),
        (
            {"aired_on": D(2026, 11, 21)},
            "The date on air (2026-11-21) cannot be after today (2026-11-20).",
            "aired_on",
        ),
        ({"leaders": [Leader("", "区长")]}, "Give each leader's name.", "leaders"),
    ],
)
def test_bad_session_figures_are_refused(office, programme, overrides, message, field):
    refused(
        lambda: services.record_hotline_session(
            programme, actor=office, **session_values(**overrides)
        ),
        message,
        field=field,
    )


def test_one_session_a_programme_and_day(office, programme):
    services.record_hotline_session(programme, actor=office, **session_values())
    refused(
        lambda: services.record_hotline_session(programme, actor=office, **session_values()),
        "政风行风热线 already has a session on 2014-01-16.",
        field="aired_on",
    )


def test_only_the_office_records_sessions(editor, programme):
    refused(
        lambda: services.record_hotline_session(programme, actor=editor, **session_values()),
        "Hotline sessions are recorded by the disclosure office.",
        error=ChannelsPermissionDenied,
    )


def test_correcting_a_session_audits_old_and_new(office, programme, agency, other_agency):
    session = services.record_hotline_session(
        programme, agencies=[agency], actor=office, **session_values()
    )
    services.update_hotline_session(
        session,
        programme=programme,
        agencies=[agency, other_agency],
        actor=office,
        **session_values(calls=26, answered_on_air=15),
    )
    session.refresh_from_db()
    assert (session.calls, session.answered_on_air) == (26, 15)
    changes = last_audit("update_hotline_session").details["changes"]
    assert changes["calls"] == [24, 26]
    assert changes["answered_on_air"] == [13, 15]
    assert changes["agencies"] == [[agency.pk], sorted([agency.pk, other_agency.pk])]
    # The same values again: nothing to record.
    count = AuditEntry.objects.count()
    services.update_hotline_session(
        session,
        programme=programme,
        agencies=[agency, other_agency],
        actor=office,
        **session_values(calls=26, answered_on_air=15),
    )
    assert AuditEntry.objects.count() == count


def test_a_bad_correction_changes_nothing(office, programme):
    session = services.record_hotline_session(programme, actor=office, **session_values())
    refused(
        lambda: services.update_hotline_session(
            session,
            programme=programme,
            agencies=[],
            actor=office,
            **session_values(calls=10),
        ),
        "Questions answered on air (13) cannot be more than the calls taken (10).",
    )
    assert HotlineSession.objects.get().calls == 24


# --- service logs ------------------------------------------------------------------------------


def test_an_editor_logs_a_day_of_their_agency(editor, point):
    log = services.record_service_log(
        point, day=D(2014, 3, 3), visitors=4, phone_consultations=2, files_consulted=30,
        pages_copied=12, certificates_issued=3, actor=editor, today=TODAY,
    )  # fmt: skip
    assert log.figures() == {
        "visitors": 4,
        "phone_consultations": 2,
        "files_consulted": 30,
        "pages_copied": 12,
        "certificates_issued": 3,
    }
    entry = last_audit("record_service_log")
    assert entry.agency_id == point.agency_id and entry.details["figures"]["visitors"] == 4


def test_a_day_is_logged_once(editor, point):
    services.record_service_log(point, day=D(2014, 3, 3), visitors=4, actor=editor, today=TODAY)
    refused(
        lambda: services.record_service_log(
            point, day=D(2014, 3, 3), visitors=1, actor=editor, today=TODAY
        ),
        "档案馆查档接待室 already has a log for 2014-03-03: correct that day instead.",
        field="date",
    )
    assert ServiceLog.objects.get().visitors == 4


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"visitors": -3}, "Visitors cannot be negative.", "visitors"),
        ({"pages_copied": -1}, "Pages copied cannot be negative.", "pages_copied"),
        ({"files_consulted": 3_000_000_000}, "Files consulted is too large: check the figure.",
         "files_consulted"),
        (
            {"day": D(2026, 11, 23)},
            "A log cannot be dated after today: 2026-11-23 is later than 2026-11-20.",
            "date",
        ),
    ],
)  # fmt: skip
def test_bad_log_figures_are_refused(editor, point, overrides, message, field):
    values = {"day": D(2014, 3, 3), "visitors": 4, "actor": editor, "today": TODAY}
    values.update(overrides)
    refused(lambda: services.record_service_log(point, **values), message, field=field)


def test_correcting_a_day_replaces_its_figures(editor, point):
    log = services.record_service_log(
        point, day=D(2014, 3, 3), visitors=4, files_consulted=30, actor=editor, today=TODAY
    )
    services.update_service_log(
        log, visitors=5, phone_consultations=0, files_consulted=30, pages_copied=7,
        certificates_issued=0, actor=editor,
    )  # fmt: skip
    log.refresh_from_db()
    assert (log.visitors, log.pages_copied) == (5, 7)
    entry = last_audit("update_service_log")
    assert entry.details == {
        "date": "2014-03-03",
        "changes": {"pages_copied": [0, 7], "visitors": [4, 5]},
    }


def test_another_agencys_editor_may_not_log_or_correct(editor, stranger, point):
    log = services.record_service_log(
        point, day=D(2014, 3, 3), visitors=4, actor=editor, today=TODAY
    )
    message = f"You may not enter or change the figures of {point.agency.name}."
    refused(
        lambda: services.record_service_log(
            point, day=D(2014, 3, 4), visitors=1, actor=stranger, today=TODAY
        ),
        message,
        error=ChannelsPermissionDenied,
    )
    refused(
        lambda: services.update_service_log(
            log,
            visitors=0,
            phone_consultations=0,
            files_consulted=0,
            pages_copied=0,
            certificates_issued=0,
            actor=stranger,
        ),
        message,
        error=ChannelsPermissionDenied,
    )


def test_the_office_logs_for_any_agency(office, point):
    log = services.record_service_log(
        point, day=D(2014, 3, 3), visitors=2, actor=office, today=TODAY
    )
    assert log.recorded_by == office


# --- channel figures ---------------------------------------------------------------------------


def test_figures_of_a_month_and_their_correction(editor, channel):
    services.record_channel_figures(
        channel, year=2014, month=3, values={"posts": 300, "followers": 20_000},
        actor=editor, today=TODAY,
    )  # fmt: skip
    assert set(ChannelFigure.objects.values_list("metric", "value")) == {
        ("posts", 300),
        ("followers", 20_000),
    }
    services.update_channel_figures(
        channel, year=2014, month=3, values={"posts": 310, "messages_answered": 5},
        actor=editor, today=TODAY,
    )  # fmt: skip
    assert set(ChannelFigure.objects.values_list("metric", "value")) == {
        ("posts", 310),
        ("messages_answered", 5),
    }
    assert last_audit("update_channel_figures").details == {
        "period": "2014-03",
        "changes": {
            "followers": [20_000, None],
            "messages_answered": [None, 5],
            "posts": [300, 310],
        },
    }


@pytest.mark.parametrize(
    ("year", "month", "values", "message"),
    [
        (2014, 3, {"posts": -5}, "Items published cannot be negative."),
        (2014, 3, {"issues": 5}, "今日张店 does not report: issues published."),
        (2014, 3, {"posts": None}, "Enter at least one figure for the period."),
        (2013, 7, {"posts": 5}, "今日张店 opened on 2013-08-01: 2013-07 is before that."),
        (2026, 12, {"posts": 5},
         "Figures cannot be entered for 2026-12: the period has not begun."),
        (2027, None, {"posts": 5},
         "Figures cannot be entered for 2027: the period has not begun."),
        (2014, 13, {"posts": 5}, "Choose the month, or the whole year."),
    ],
)  # fmt: skip
def test_bad_channel_figures_are_refused(editor, channel, year, month, values, message):
    refused(
        lambda: services.record_channel_figures(
            channel, year=year, month=month, values=values, actor=editor, today=TODAY
        ),
        message,
    )


def test_a_year_is_entered_by_months_or_whole_never_both(editor, channel):
    services.record_channel_figures(
        channel, year=2014, month=1, values={"posts": 300}, actor=editor, today=TODAY
    )
    refused(
        lambda: services.record_channel_figures(
            channel, year=2014, month=None, values={"posts": 3000}, actor=editor, today=TODAY
        ),
        "今日张店 reported 2014 month by month: correct those months instead of entering the "
        "whole year.",
    )
    refused(
        lambda: services.record_channel_figures(
            channel, year=2014, month=1, values={"posts": 1}, actor=editor, today=TODAY
        ),
        "今日张店 already has figures for 2014-01: correct them instead.",
    )
    services.record_channel_figures(
        channel, year=2015, month=None, values={"posts": 3000}, actor=editor, today=TODAY
    )
    refused(
        lambda: services.record_channel_figures(
            channel, year=2015, month=2, values={"posts": 1}, actor=editor, today=TODAY
        ),
        "今日张店 reported 2015 as a whole year: correct that year instead of entering months.",
    )


def test_another_agencys_editor_may_not_enter_channel_figures(stranger, channel):
    refused(
        lambda: services.record_channel_figures(
            channel, year=2014, month=1, values={"posts": 1}, actor=stranger, today=TODAY
        ),
        f"You may not enter or change the figures of {channel.agency.name}.",
        error=ChannelsPermissionDenied,
    )


# --- opinion responses -------------------------------------------------------------------------


@pytest.fixture
def matter(editor, agency):
    return services.record_opinion(
        agency,
        topic="网民反映某小区暖气不热",
        source="forum",
        source_detail="张店论坛",
        found_on=D(2024, 9, 27),  # Friday; 2024-09-29 (Sunday) is a swapped working day
        notes="内部：已联系供热公司",
        actor=editor,
        today=TODAY,
    )


def test_working_days_to_respond_cross_the_national_day_holiday(editor, matter):
    """Found on Friday 2024-09-27, answered on Tuesday 2024-10-08: the swapped working Sunday
    09-29 and Monday 09-30 count, the holiday 10-01 to 10-07 does not, 10-08 does."""
    services.respond_to_opinion(
        matter, responded_on=D(2024, 10, 8), url="https://example.com/notice",
        title="关于供暖问题的情况通报", actor=editor, today=TODAY,
    )  # fmt: skip
    matter.refresh_from_db()
    assert matter.state == OpinionResponse.State.RESPONDED
    assert matter.working_days_to_respond == 3
    entry = last_audit("respond_to_opinion")
    assert (entry.details["from_state"], entry.details["to_state"]) == ("open", "responded")


def test_a_response_in_the_catalogue_must_be_public(editor, matter, catalogue_document):
    draft = catalogue_document(published=False)
    refused(
        lambda: services.respond_to_opinion(
            matter, responded_on=D(2024, 9, 30), document=draft, actor=editor, today=TODAY
        ),
        "The document chosen is not public: a response in the catalogue must be published "
        "there first.",
        field="document",
    )
    public = catalogue_document("关于暖气不热问题的回应")
    services.respond_to_opinion(
        matter, responded_on=D(2024, 9, 30), document=public, actor=editor, today=TODAY
    )
    matter.refresh_from_db()
    assert matter.response_document == public and matter.response_url == ""


@pytest.mark.parametrize(
    ("values", "message", "field"),
    [
        ({"responded_on": D(2024, 9, 26), "url": "https://example.com/a", "title": "通报"},
         "The date responded cannot be before the date found (2024-09-27).", "responded_on"),
        ({"responded_on": D(2026, 11, 21), "url": "https://example.com/a", "title": "通报"},
         "The date responded (2026-11-21) cannot be after today (2026-11-20).", "responded_on"),
        ({"responded_on": D(2024, 9, 30)},
         "Give the response: a document published in the catalogue, or the address of the page "
         "where it was published — one of the two.", "document"),
        ({"responded_on": D(2024, 9, 30), "url": "ftp://example.com/a", "title": "通报"},
         "Enter the full address of the published response, beginning with https://.", "url"),
        ({"responded_on": D(2024, 9, 30), "url": "https://example.com/a"},
         "Give the title of the response published there.", "title"),
    ],
)  # fmt: skip
def test_bad_responses_are_refused(editor, matter, values, message, field):
    refused(
        lambda: services.respond_to_opinion(matter, actor=editor, today=TODAY, **values),
        message,
        field=field,
    )


def test_closing_without_a_response(editor, matter):
    refused(
        lambda: services.close_opinion(matter, reason=" ", actor=editor),
        "Say why no public response is needed.",
        field="reason",
    )
    services.close_opinion(matter, reason="经核实系误解，已电话说明。", actor=editor)
    matter.refresh_from_db()
    assert matter.state == OpinionResponse.State.CLOSED
    refused(
        lambda: services.respond_to_opinion(
            matter,
            responded_on=D(2024, 9, 30),
            url="https://example.com/a",
            title="通报",
            actor=editor,
            today=TODAY,
        ),
        "A matter closed without a public response cannot be given one.",
    )
    refused(
        lambda: services.close_opinion(matter, reason="再次关闭", actor=editor),
        "A matter that is “closed without a public response” cannot become “closed without a "
        "public response”.",
    )


def test_correcting_a_matter(editor, office, matter, other_agency):
    services.update_opinion(
        matter, agency=matter.agency, topic="网民反映某小区暖气不热（已核实）", source="forum",
        source_detail="", found_on=D(2024, 9, 26), notes="", actor=editor, today=TODAY,
    )  # fmt: skip
    changes = last_audit("update_opinion").details["changes"]
    assert changes["found_on"] == ["2024-09-27", "2024-09-26"]
    # Moving it to another agency needs the right to enter figures for both: the office.
    refused(
        lambda: services.update_opinion(
            matter,
            agency=other_agency,
            topic=matter.topic,
            source="forum",
            source_detail="",
            found_on=D(2024, 9, 26),
            notes="",
            actor=editor,
            today=TODAY,
        ),
        f"You may not enter or change the figures of {other_agency.name}.",
        error=ChannelsPermissionDenied,
    )
    services.update_opinion(
        matter, agency=other_agency, topic=matter.topic, source="forum", source_detail="",
        found_on=D(2024, 9, 26), notes="", actor=office, today=TODAY,
    )  # fmt: skip
    matter.refresh_from_db()
    assert matter.agency == other_agency


def test_another_agencys_editor_may_not_touch_a_matter(stranger, matter):
    message = f"You may not enter or change the figures of {matter.agency.name}."
    refused(
        lambda: services.respond_to_opinion(
            matter,
            responded_on=D(2024, 9, 30),
            url="https://example.com/a",
            title="通报",
            actor=stranger,
            today=TODAY,
        ),
        message,
        error=ChannelsPermissionDenied,
    )
    refused(
        lambda: services.close_opinion(matter, reason="无需回应", actor=stranger),
        message,
        error=ChannelsPermissionDenied,
    )
