"""The demonstration letters: the seed's 2014 figures and a recent set in every type and
state, loaded through the services (so their clocks and histories are real) and only once."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Count

from gongkai.core.models import OutgoingMail
from gongkai.interaction.channels import selectors as channel_selectors
from gongkai.interaction.channels.models import HotlineSession
from gongkai.interaction.letters import demo, statistics
from gongkai.interaction.letters.clocks import read_clock
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterType, PublishedLetter
from gongkai.interaction.letters.selectors import published_qa
from tests.demo.conftest import assert_unchanged

pytestmark = pytest.mark.django_db

State = Letter.State
Code = LetterEvent.Code


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package (``tests/demo/conftest.py``)."""
    return district.output, district.seconds


def test_2014_is_the_seeds_376_letters_with_a_reply_rate_above_98_percent(loaded):
    """Seed, part 三: "2014年收到各类咨询、投诉、建议376条，回复率98%以上"."""
    letters = Letter.objects.filter(received_on__year=2014)
    assert letters.count() == 376
    assert set(letters.values_list("channel", flat=True)) == {Letter.Channel.ONLINE}
    kinds = set(letters.values_list("letter_type__kind", flat=True))
    assert kinds == {"consultation", "complaint", "suggestion"}
    replied = letters.filter(replied_on__isnull=False)
    assert replied.count() == 370
    assert replied.count() / letters.count() >= 0.98
    # The reply rate from the events, as the statistics will compute it.
    assert LetterEvent.objects.filter(letter__in=letters, code=Code.REPLIED).count() == 370
    rejected = letters.filter(state=State.REJECTED)
    assert sorted(rejected.values_list("rejection_reason", flat=True)) == [
        "duplicate", "duplicate", "info_request", "info_request", "out_of_scope", "petition",
    ]  # fmt: skip
    assert set(letters.exclude(state=State.REJECTED).values_list("state", flat=True)) == {
        State.CLOSED
    }
    for letter in replied:
        assert letter.events.get(code=Code.REPLIED).data["working_days"] <= letter.limit_days


def test_recent_letters_cover_every_type_state_channel_and_reason(loaded):
    recent = Letter.objects.filter(received_on__year__gte=2024)
    assert set(recent.values_list("letter_type__slug", flat=True)) == {
        "mailbox", "mailbox-deputy", "consultation", "complaint", "suggestion",
    }  # fmt: skip
    assert set(recent.values_list("state", flat=True)) == set(State.values)
    assert set(recent.values_list("channel", flat=True)) == set(Letter.Channel.values)
    assert set(recent.filter(state=State.REJECTED).values_list("rejection_reason", flat=True)) == (
        set(Letter.Rejection.values)
    )
    assert set(recent.exclude(rating="").values_list("rating", flat=True)) == set(
        Letter.Rating.values
    )
    assert LetterEvent.objects.filter(letter__in=recent, code=Code.TRANSFERRED).exists()
    assert LetterEvent.objects.filter(letter__in=recent, code=Code.REVIEW_RETURNED).exists()
    mailbox = LetterType.objects.get(slug="mailbox")
    assert mailbox.leader_name and mailbox.agency is not None


def test_some_are_overdue_and_one_was_reopened(loaded):
    overdue = Letter.objects.filter(clock_state="overdue")
    assert overdue.count() >= 3
    for letter in overdue:
        assert letter.state in (State.ACCEPTED, State.HANDLING, State.REVIEW)
        assert letter.events.filter(code=Code.OVERDUE).count() == 1
    [reopened] = Letter.objects.filter(reopened=True)
    assert reopened.events.filter(code=Code.REPLIED).count() == 2
    assert reopened.events.get(code=Code.REOPENED).data == {"limit": reopened.limit_days}
    assert reopened.events.filter(code=Code.RATED).count() == 2


def test_the_stored_clocks_are_the_clocks_of_the_events(loaded):
    for letter in Letter.objects.filter(state__in=[State.ACCEPTED, State.HANDLING, State.REVIEW]):
        reading = read_clock(letter)
        assert reading is not None
        assert (letter.due_on, letter.clock_state) == (reading.due_date, reading.state)


def test_writers_are_invented_and_old_notices_are_not_sent_again(loaded):
    emails = set(Letter.objects.exclude(email="").values_list("email", flat=True))
    assert all(email.endswith("@example.invalid") for email in emails)
    assert all("0000" in phone for phone in Letter.objects.values_list("phone", flat=True))
    assert not OutgoingMail.objects.filter(topic__startswith="letters.", sent_at__isnull=True)
    assert Letter.objects.values("number").annotate(n=Count("id")).filter(n__gt=1).count() == 0


def test_loading_again_changes_nothing(loaded, reloaded):
    output, _seconds = loaded
    assert re.search(r"Letters: \d+ loaded \(376 of 2014, \d+ of 2024–2026, \d+ open\)", output)
    assert re.search(r"Letters: \d+ of them follow-ups of \d+ hotline sessions", output)
    assert "present already, none loaded" in reloaded.output
    assert_unchanged(reloaded, "interaction")


def test_the_statistics_give_the_seeds_reply_rate_for_2014(loaded):
    """Seed, part 三: "收到各类咨询、投诉、建议376条，回复率98%以上" — counted by the statistics
    from the events, read at the end of 2014 as the annual report would be."""
    start, end = statistics.year_period(2014)
    total = statistics.letter_statistics(start, end, as_of=end).total
    assert (total.received, total.received_online, total.replied_online) == (376, 376, 370)
    assert total.reply_rate == Decimal("98.4")
    assert total.rejected == 6 and total.late == 0


def test_some_recent_hotline_sessions_have_their_follow_ups_as_letters(loaded):
    sessions = HotlineSession.objects.filter(follow_up_letters__isnull=False).distinct()
    assert sessions.count() >= 3
    for session in sessions:
        assert session.aired_on.year in (2025, 2026)
        letters = Letter.objects.filter(hotline_session=session)
        assert set(letters.values_list("channel", flat=True)) == {Letter.Channel.HOTLINE}
        assert set(letters.values_list("received_on", flat=True)) == {session.aired_on}
        # Every case entered is a letter: the figure counted from letters is the same.
        assert letters.count() == session.follow_ups == session.follow_up_cases
        on_air = set(session.agencies.values_list("pk", flat=True))
        assert set(letters.exclude(handling_agency=None).values_list(
            "handling_agency", flat=True
        )) <= on_air  # fmt: skip
    # 2014's sessions keep the figures entered (follow-ups were not letters then).
    assert not HotlineSession.objects.filter(
        aired_on__year=2014, follow_up_letters__isnull=False
    ).exists()
    totals = channel_selectors.year_summary(2025).hotline
    entered = sum(
        HotlineSession.objects.filter(aired_on__year=2025).values_list("follow_ups", flat=True)
    )
    assert totals.follow_ups == entered


def test_some_closed_letters_are_published_as_public_qa_and_one_withdrawn(loaded):
    output, _seconds = loaded
    published = list(published_qa().select_related("letter"))
    assert len(published) >= 10
    assert re.search(rf"Public Q&A: {len(published)} published", output)
    for publication in published:
        letter = publication.letter
        assert letter.consent_to_publish and letter.state == State.CLOSED
        assert letter.name not in publication.public_content + publication.public_reply
        assert publication.published_at.date() > letter.closed_on
    withdrawn = PublishedLetter.objects.get(state=PublishedLetter.State.WITHDRAWN)
    assert withdrawn.withdrawal_reason == demo.QA_WITHDRAWAL_REASON
    assert not PublishedLetter.objects.filter(letter__consent_to_publish=False).exists()
