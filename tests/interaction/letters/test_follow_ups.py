"""Hotline follow-ups as letters: a case taken on air for follow-up (下线后调查办理) is registered
by the office as a letter that came by the hotline, linked to its session, and handled like any
other letter; the session's follow-up figure then counts those letters."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.interaction.channels import selectors as channel_selectors
from gongkai.interaction.channels.models import HotlineProgramme, HotlineSession
from gongkai.interaction.letters import services
from gongkai.interaction.letters.models import Letter, LetterEvent
from gongkai.interaction.letters.workflow import LetterError, LetterPermissionDenied
from tests.interaction.letters.conftest import REPLY, at, letter_input

pytestmark = pytest.mark.django_db
D = datetime.date
AIRED = D(2025, 9, 23)  # a Tuesday
TODAY = D(2025, 9, 26)


@pytest.fixture
def session(db, handling_agency):
    programme = HotlineProgramme.objects.create(name="政风行风热线")
    session = HotlineSession.objects.create(
        programme=programme, aired_on=AIRED, calls=3, answered_on_air=1, follow_ups=2
    )
    session.agencies.set([handling_agency])
    return session


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def follow_up(session, office, *, received_on=AIRED, **overrides) -> Letter:
    with at(TODAY):
        letter, _code = services.register_letter(
            letter_input("complaint", email="", **overrides),
            actor=office,
            channel=Letter.Channel.HOTLINE,
            received_on=received_on,
            hotline_session=session,
        )
    return letter


def state() -> tuple:
    return (
        list(Letter.objects.order_by("pk").values_list("pk", "hotline_session_id", "state")),
        LetterEvent.objects.count(),
        AuditEntry.objects.filter(kind=AuditEntry.Kind.CHANGE).count(),
    )


# --- the service -----------------------------------------------------------------------------


def test_a_follow_up_is_a_hotline_letter_linked_to_its_session(session, office):
    letter = follow_up(session, office)

    assert letter.hotline_session == session
    assert letter.channel == Letter.Channel.HOTLINE
    assert letter.state == Letter.State.RECEIVED
    event = letter.events.get()
    assert event.code == LetterEvent.Code.REGISTERED
    assert event.data["hotline_session"] == session.pk
    entry = AuditEntry.objects.get(action="letters.register")
    assert entry.details["hotline_session"] == session.pk
    assert list(session.follow_up_letters.all()) == [letter]


def test_a_follow_up_is_handled_like_any_letter(
    session, office, handler, reviewer, handling_agency, django_capture_on_commit_callbacks
):
    letter = follow_up(session, office)
    with at(TODAY), django_capture_on_commit_callbacks(execute=True):
        services.accept_letter(letter, actor=office, handling_agency=handling_agency)
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
        services.submit_for_review(letter, actor=handler)
        letter = services.review_letter(letter, actor=reviewer, approve=True)
    assert letter.state == Letter.State.REPLIED
    assert letter.hotline_session_id == session.pk


@pytest.mark.parametrize(
    ("channel", "received_on", "message"),
    [
        (Letter.Channel.PHONE, AIRED, "A follow-up of a hotline session comes by the hotline."),
        (
            Letter.Channel.HOTLINE,
            AIRED - datetime.timedelta(days=1),
            "A follow-up cannot be received before its session was on air (2025-09-23).",
        ),
    ],
)
def test_a_follow_up_comes_by_the_hotline_after_the_session(
    session, office, channel, received_on, message
):
    before = state()
    with at(TODAY), pytest.raises(LetterError, match=re.escape(message)):
        services.register_letter(
            letter_input("complaint"),
            actor=office,
            channel=channel,
            received_on=received_on,
            hotline_session=session,
        )
    assert state() == before


def test_a_session_has_no_more_follow_ups_than_calls(session, office):
    for _n in range(session.calls):
        follow_up(session, office)
    before = state()
    with pytest.raises(LetterError, match="The session took 3 calls"):
        follow_up(session, office)
    assert state() == before


def test_only_the_office_registers_follow_ups(session, stranger, handler):
    before = state()
    for user in (stranger, handler):
        with at(TODAY), pytest.raises(LetterPermissionDenied):
            services.register_letter(
                letter_input("complaint"),
                actor=user,
                channel=Letter.Channel.HOTLINE,
                received_on=AIRED,
                hotline_session=session,
            )
    assert state() == before


def test_the_database_refuses_a_follow_up_by_another_channel(session, office):
    letter = follow_up(session, office)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Letter.objects.filter(pk=letter.pk).update(channel=Letter.Channel.PHONE)


# --- the session's figure --------------------------------------------------------------------


def test_the_follow_up_figure_counts_the_letters_once_there_are_any(session, office):
    """Decision: the linked letters win as soon as there is one; a session without any keeps
    the number entered (a session of 2014, recorded before follow-ups were letters)."""
    assert session.follow_up_cases == 2  # as entered
    records = channel_selectors.load_year(2025)
    assert channel_selectors.summarise(records).hotline.follow_ups == 2

    follow_up(session, office)

    session.refresh_from_db()
    assert session.follow_up_cases == 1  # the one letter, not the 2 entered
    records = channel_selectors.load_year(2025)
    assert [row.follow_up_letters for row in records.sessions] == [1]
    assert channel_selectors.summarise(records).hotline.follow_ups == 1
    annotated = channel_selectors.sessions_of_year(2025).get()
    assert annotated.follow_up_cases == 1


# --- the pages -------------------------------------------------------------------------------


def test_the_session_page_lists_its_follow_ups_and_offers_to_register_one(english, session, office):
    letter = follow_up(session, office)
    english.force_login(office)

    response = english.get(reverse("channels_staff:hotline_detail", args=[session.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-letter="{letter.pk}"' in page
    assert letter.number in page
    register = reverse("letters_staff:register") + f"?session={session.pk}"
    assert f'href="{register}"' in page
    assert "Counted from the 1 follow-up letter registered (the number entered was 2)." in page


def test_registering_a_follow_up_from_the_session_page(english, session, office):
    english.force_login(office)
    address = reverse("letters_staff:register")

    form = english.get(address, {"session": session.pk})
    page = form.content.decode()
    assert form.status_code == 200
    assert "Register a follow-up of a hotline session" in page
    assert f'name="hotline_session" value="{session.pk}"' in page
    assert 'value="2025-09-23"' in page  # the date starts from the day on air
    assert '<option value="hotline" selected>' in page

    with at(TODAY):
        response = english.post(
            address,
            {
                "hotline_session": session.pk,
                "channel": "hotline",
                "received_on": "2025-09-23",
                "letter_type": letter_input("complaint").letter_type.pk,
                "name": "王先生",
                "phone": "13900001111",
                "subject": "小区供暖管道漏水",
                "content": "节目中反映的供暖管道漏水问题，请相关部门上门查看。",
            },
        )
        detail = english.get(response["Location"]).content.decode()
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letters_staff:detail", args=[letter.pk])
    assert letter.hotline_session == session
    assert reverse("channels_staff:hotline_detail", args=[session.pk]) in detail


def test_staff_of_another_agency_may_not_register_a_follow_up(english, session, stranger):
    english.force_login(stranger)
    address = reverse("letters_staff:register")
    before = state()

    assert english.get(address, {"session": session.pk}).status_code == 403
    response = english.post(
        address,
        {
            "hotline_session": session.pk,
            "channel": "hotline",
            "received_on": "2025-09-23",
            "letter_type": letter_input("complaint").letter_type.pk,
            "name": "王先生",
            "phone": "13900001111",
            "subject": "小区供暖管道漏水",
            "content": "节目中反映的供暖管道漏水问题，请相关部门上门查看。",
        },
    )
    assert response.status_code == 403
    assert state() == before
    assert (
        english.get(reverse("channels_staff:hotline_detail", args=[session.pk])).status_code == 403
    )


def test_an_unknown_session_is_refused(english, office):
    english.force_login(office)
    response = english.get(reverse("letters_staff:register"), {"session": "999999"})
    assert response.status_code == 403
    assert Letter.objects.count() == 0
