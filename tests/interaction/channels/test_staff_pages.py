"""The workbench pages: entry and correction with clear messages and nothing changed on bad
input, the yearly summary, and who may use them — an agency's editors for their agency, the
office for all and for the hotline; others refused with nothing changed, anonymous visitors
sent to sign in. Pages are requested in English (the language cookie) where a test reads them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.interaction.channels import services
from gongkai.interaction.channels.models import (
    ChannelFigure,
    HotlineSession,
    OpinionResponse,
    ServiceLog,
)
from gongkai.portal.navigation import main_navigation
from gongkai.workbench.navigation import navigation_for
from tests.interaction.channels.conftest import TODAY, everything

pytestmark = pytest.mark.django_db

D = datetime.date


def url(name: str, *args: object) -> str:
    return reverse(f"channels_staff:{name}", args=args)


@pytest.fixture
def records(office, editor, programme, point, channel, agency):
    """One record of each kind, of ``agency``."""
    session = services.record_hotline_session(
        programme, aired_on=D(2014, 1, 16), agencies=[agency], calls=24, answered_on_air=13,
        follow_ups=11, notes="内部：节目组联系人电话另存", actor=office, today=TODAY,
    )  # fmt: skip
    log = services.record_service_log(
        point, day=D(2014, 3, 3), visitors=4, actor=editor, today=TODAY
    )
    services.record_channel_figures(
        channel, year=2014, month=3, values={"posts": 300}, actor=editor, today=TODAY
    )
    services.record_channel_figures(
        channel, year=2013, month=None, values={"posts": 900}, actor=editor, today=TODAY
    )
    matter = services.record_opinion(
        agency, topic="网民反映暖气不热", source="forum", found_on=D(2024, 9, 27),
        actor=editor, today=TODAY,
    )  # fmt: skip
    return {"session": session, "log": log, "channel": channel, "matter": matter}


def agency_addresses(records) -> list[tuple[str, bool]]:
    """Every staff address that acts on ``agency``'s records, and whether it takes a form."""
    channel, matter = records["channel"], records["matter"]
    return [
        (url("log_edit", records["log"].pk), True),
        (url("channel_detail", channel.pk), False),
        (url("figures_new", channel.pk), True),
        (url("figures_edit", channel.pk, 2014, 3), True),
        (url("figures_edit_year", channel.pk, 2013), True),
        (url("opinion_detail", matter.pk), False),
        (url("opinion_edit", matter.pk), True),
        (url("opinion_respond", matter.pk), True),
        (url("opinion_close", matter.pk), True),
    ]


def hotline_addresses(records) -> list[tuple[str, bool]]:
    return [
        (url("hotline_list"), False),
        (url("hotline_new"), True),
        (url("hotline_detail", records["session"].pk), False),
        (url("hotline_edit", records["session"].pk), True),
    ]


def every_address(records) -> list[tuple[str, bool]]:
    return [
        (url("summary"), False),
        *hotline_addresses(records),
        (url("log_list"), False),
        (url("log_new"), True),
        (url("channel_list"), False),
        (url("opinion_list"), False),
        (url("opinion_new"), True),
        *agency_addresses(records),
    ]


def requests(client, addresses):
    """GET every address, and POST to those with a form (the others answer 405)."""
    for address, has_form in addresses:
        yield address, client.get(address)
        if has_form:
            yield address, client.post(address, FORM_DATA)


FORM_DATA = {
    "visitors": "9", "phone_consultations": "0", "files_consulted": "0", "pages_copied": "0",
    "certificates_issued": "0", "year": "2014", "month": "3", "posts": "1",
    "reason": "无需回应", "responded_on": "2024-09-30", "url": "https://example.com/a",
    "title": "通报", "calls": "1", "answered_on_air": "0", "follow_ups": "0",
    "aired_on": "2014-01-16",
}  # fmt: skip


# --- who ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, records):
    before = everything()
    for address, response in requests(client, every_address(records)):
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("workbench:login")), address
    assert everything() == before


def test_staff_without_an_entering_role_are_refused(english, handler, records):
    english.force_login(handler)
    before = everything()
    for address, response in requests(english, every_address(records)):
        assert response.status_code == 403, address
        assert "Nothing was changed." in response.content.decode()
    assert everything() == before


def test_another_agencys_editor_is_refused_on_every_address(english, stranger, records):
    english.force_login(stranger)
    before = everything()
    addresses = [*hotline_addresses(records), *agency_addresses(records)]
    for address, response in requests(english, addresses):
        assert response.status_code == 403, address
        assert "Nothing was changed." in response.content.decode()
    assert everything() == before
    # Their lists show nothing of the other agency's.
    for address in (url("log_list"), url("channel_list"), url("opinion_list")):
        html = english.get(address).content.decode()
        assert records["channel"].name not in html
        assert records["matter"].topic not in html
        assert "2014-03-03" not in html


def test_an_editor_may_not_record_hotline_sessions(english, editor, records):
    english.force_login(editor)
    response = english.get(url("hotline_new"))
    assert response.status_code == 403
    assert "Hotline sessions are recorded by the disclosure office." in response.content.decode()


def test_navigation_entries(client):
    """The public page is reached through the 政民互动 column (its landing page)."""
    interaction = next(entry for entry in main_navigation() if entry.key == "interaction")
    assert reverse("channels:index") in interaction.also
    landing = client.get(reverse("interaction:index")).content.decode()
    assert f'href="{reverse("channels:index")}"' in landing


def test_workbench_menu_shows_the_pages_to_editors_and_the_office(editor, office, handler):
    summary = url("summary")
    assert summary in [link.url for link in navigation_for(editor)]
    assert summary in [link.url for link in navigation_for(office)]
    assert summary not in [link.url for link in navigation_for(handler)]


# --- service logs ------------------------------------------------------------------------------


def log_form(point, **overrides) -> dict[str, str]:
    data = {
        "point": str(point.pk),
        "date": "2014-03-04",
        "visitors": "5",
        "phone_consultations": "2",
        "files_consulted": "40",
        "pages_copied": "12",
        "certificates_issued": "3",
    }
    data.update(overrides)
    return data


def test_an_editor_logs_a_day(english, editor, point):
    english.force_login(editor)
    response = english.post(url("log_new"), log_form(point))
    assert response.status_code == 302
    log = ServiceLog.objects.get()
    assert (log.date, log.visitors, log.certificates_issued) == (D(2014, 3, 4), 5, 3)
    page = english.get(url("log_list")).content.decode()
    assert "2014-03-04" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"visitors": "-2"}, "Visitors cannot be negative."),
        ({"certificates_issued": "-1"}, "Certificates issued cannot be negative."),
        ({"date": "2999-01-04"}, "A log cannot be dated after today: 2999-01-04 is later than"),
    ],
)
def test_bad_log_input_gets_a_message_and_changes_nothing(
    english, editor, point, overrides, message
):
    english.force_login(editor)
    before = everything()
    response = english.post(url("log_new"), log_form(point, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved." in html
    assert everything() == before


def test_a_day_already_logged_is_refused_with_a_message(english, editor, point, records):
    english.force_login(editor)
    before = everything()
    response = english.post(url("log_new"), log_form(point, date="2014-03-03"))
    assert "already has a log for 2014-03-03: correct that day instead." in (
        response.content.decode()
    )
    assert everything() == before


def test_correcting_a_day_through_the_page(english, editor, records):
    english.force_login(editor)
    log = records["log"]
    data = log_form(log.point, visitors="6")
    response = english.post(url("log_edit", log.pk), data)
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.visitors == 6 and log.files_consulted == 40


# --- hotline -----------------------------------------------------------------------------------


def session_form(programme, agency, **overrides) -> dict:
    data = {
        "programme": str(programme.pk),
        "aired_on": "2014-03-20",
        "leaders": "王建国 区长\n李文华，副区长",
        "agencies": [str(agency.pk)],
        "topics": "乱搭乱建",
        "calls": "22",
        "answered_on_air": "12",
        "follow_ups": "10",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_office_records_a_session_through_the_page(english, office, programme, agency):
    english.force_login(office)
    response = english.post(url("hotline_new"), session_form(programme, agency))
    assert response.status_code == 302
    session = HotlineSession.objects.get()
    assert session.leaders == [
        {"name": "王建国", "title": "区长"},
        {"name": "李文华", "title": "副区长"},
    ]
    assert list(session.agencies.all()) == [agency]


def test_answered_on_air_above_the_calls_gets_a_message(english, office, programme, agency):
    english.force_login(office)
    before = everything()
    response = english.post(
        url("hotline_new"), session_form(programme, agency, answered_on_air="30")
    )
    assert response.status_code == 200
    assert (
        "Questions answered on air (30) cannot be more than the calls taken (22)."
        in response.content.decode()
    )
    assert everything() == before


def test_hotline_list_has_bounded_queries(
    english, office, programme, agency, other_agency, django_assert_max_num_queries
):
    for month in range(1, 11):
        services.record_hotline_session(
            programme, aired_on=D(2014, month, 10), agencies=[agency, other_agency], calls=10,
            answered_on_air=5, follow_ups=5, actor=office, today=TODAY,
        )  # fmt: skip
    english.force_login(office)
    english.get(url("hotline_list") + "?year=2014")
    with django_assert_max_num_queries(16):  # the shell (sign-in, roles, menu) and 6 here
        response = english.get(url("hotline_list") + "?year=2014")
    assert response.content.decode().count(url("hotline_detail", 0)[:-2]) >= 10


# --- channel figures ---------------------------------------------------------------------------


def test_entering_and_correcting_figures(english, editor, channel):
    english.force_login(editor)
    response = english.post(
        url("figures_new", channel.pk),
        {
            "year": "2014",
            "month": "5",
            "posts": "320",
            "messages_answered": "",
            "followers": "21000",
        },
    )
    assert response.status_code == 302
    assert set(ChannelFigure.objects.values_list("month", "metric", "value")) == {
        (5, "posts", 320),
        (5, "followers", 21000),
    }
    response = english.post(
        url("figures_edit", channel.pk, 2014, 5),
        {"posts": "330", "messages_answered": "4", "followers": "21000"},
    )
    assert response.status_code == 302
    assert ChannelFigure.objects.get(metric="posts").value == 330
    assert ChannelFigure.objects.get(metric="messages_answered").value == 4
    detail = english.get(url("channel_detail", channel.pk)).content.decode()
    assert "2014-05" in detail and "330" in detail


def test_negative_figures_get_a_message(english, editor, channel):
    english.force_login(editor)
    before = everything()
    response = english.post(
        url("figures_new", channel.pk), {"year": "2014", "month": "5", "posts": "-3"}
    )
    assert "Items published cannot be negative." in response.content.decode()
    assert everything() == before


# --- opinion responses -------------------------------------------------------------------------


def test_recording_and_answering_a_matter(english, editor, agency, catalogue_document):
    english.force_login(editor)
    response = english.post(
        url("opinion_new"),
        {
            "agency": str(agency.pk),
            "topic": "网传某小区停水",
            "source": "social_media",
            "source_detail": "",
            "found_on": "2024-09-27",
            "notes": "",
        },
    )
    matter = OpinionResponse.objects.get()
    assert response["Location"] == url("opinion_detail", matter.pk)
    document = catalogue_document()
    response = english.post(
        url("opinion_respond", matter.pk),
        {"responded_on": timezone.localdate().isoformat(), "document": "no-such-number"},
    )
    assert "No public document has the index number no-such-number." in (response.content.decode())
    response = english.post(
        url("opinion_respond", matter.pk),
        {"responded_on": "2024-10-08", "document": document.index_number},
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.state == "responded" and matter.response_document == document
    detail = english.get(url("opinion_detail", matter.pk)).content.decode()
    assert '<dd data-testid="working-days">' in detail
    assert reverse("catalogue:document", args=[document.pk]) in detail


def test_closing_a_matter_through_the_page(english, editor, records):
    english.force_login(editor)
    matter = records["matter"]
    response = english.post(url("opinion_close", matter.pk), {"reason": ""})
    assert response.status_code == 200
    assert OpinionResponse.objects.get().state == "open"
    response = english.post(url("opinion_close", matter.pk), {"reason": "经核实系误解"})
    assert response.status_code == 302
    assert OpinionResponse.objects.get().state == "closed"
    response = english.get(url("opinion_respond", matter.pk))
    assert response.status_code == 403


# --- the summary -------------------------------------------------------------------------------


def test_the_office_sees_the_government_and_every_agency(english, office, records, agency):
    english.force_login(office)
    html = english.get(url("summary") + "?year=2014").content.decode()
    assert "The whole government" in html
    assert agency.name in html
    assert 'data-testid="hotline-total"' in html


def test_an_editor_sees_their_own_agency_only(
    english, editor, stranger, records, other_agency, point
):
    services.record_opinion(
        other_agency, topic="另一单位的舆情", source="forum", found_on=D(2014, 5, 5),
        actor=stranger, today=TODAY,
    )  # fmt: skip
    english.force_login(editor)
    html = english.get(url("summary") + "?year=2014").content.decode()
    assert "The whole government" not in html
    assert point.name in html
    assert other_agency.name not in html


def test_a_response_withdrawn_from_the_catalogue_is_flagged(
    english, editor, office, records, catalogue_document
):
    from gongkai.catalogue.services import withdraw_document

    document = catalogue_document("关于暖气问题的回应")
    services.respond_to_opinion(
        records["matter"], responded_on=D(2024, 9, 30), document=document, actor=editor,
        today=TODAY,
    )  # fmt: skip
    withdraw_document(document, actor=office, reason="内容已过时")
    english.force_login(editor)
    html = english.get(url("opinion_detail", records["matter"].pk)).content.decode()
    assert "(no longer public)" in html
    assert reverse("catalogue:document", args=[document.pk]) not in html
