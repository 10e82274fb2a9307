"""The reply limits of letters (REGULATION.md §1): configurable per type, defaults
consultation 5, complaint 10, suggestion and mailbox 15 working days, counted from acceptance
on the official calendar (the day of acceptance not counted, holidays and swapped working
weekends as the State Council sets them)."""

from __future__ import annotations

import datetime

import pytest

from gongkai.core.workdays import working_days_between
from gongkai.interaction.letters import services
from gongkai.interaction.letters.clocks import read_clock
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterType
from tests.interaction.letters.conftest import at, letter_type

pytestmark = pytest.mark.django_db
D = datetime.date

# Friday 2025-09-26, before the National Day holiday (10-01 to 10-08); Sunday 09-28 and
# Saturday 10-11 are swapped working days (调休).
BEFORE_NATIONAL_DAY = D(2025, 9, 26)


def test_the_default_types_carry_the_regulations_limits():
    """REGULATION.md §1: consultation 5, complaint 10, suggestion / mailbox 15 working days."""
    limits = dict(LetterType.objects.values_list("kind", "reply_days"))
    assert limits == {"mailbox": 15, "consultation": 5, "complaint": 10, "suggestion": 15}
    mailbox = letter_type("mailbox")
    assert mailbox.leader_title == "区长"
    assert mailbox.display_name == "区长信箱（区长）"


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        # 09-28 (swapped Sunday), 09-29, 09-30, then 10-09, 10-10.
        ("consultation", D(2025, 10, 10)),
        # … 10-11 (swapped Saturday), 10-13, 10-14, 10-15, 10-16.
        ("complaint", D(2025, 10, 16)),
        ("suggestion", D(2025, 10, 23)),
        ("mailbox", D(2025, 10, 23)),
    ],
)
def test_each_types_limit_runs_across_the_national_day_holiday(assigned, kind, due):
    """REGULATION.md §1: working days from acceptance on the official calendar, the day of
    acceptance not counted, the holiday skipped and the swapped weekends counted."""
    letter = assigned(BEFORE_NATIONAL_DAY, kind)

    assert letter.accepted_on == BEFORE_NATIONAL_DAY
    assert letter.limit_days == letter_type(kind).reply_days
    assert letter.due_on == due
    assert working_days_between(BEFORE_NATIONAL_DAY, due) == letter.limit_days
    reading = read_clock(letter, today=BEFORE_NATIONAL_DAY)
    assert reading is not None and reading.due_date == due
    assert "Started 2025-09-26; that day is not counted." in reading.explanation


def test_the_clock_starts_at_acceptance_not_at_receipt(write, office):
    """REGULATION.md §1: "from acceptance". A letter written before the Spring Festival and
    accepted after it counts from the acceptance."""
    letter = write(D(2025, 1, 24))  # Friday before the Spring Festival (01-28 to 02-04)
    assert letter.due_on is None and read_clock(letter) is None
    with at(D(2025, 2, 5)):
        letter = services.accept_letter(letter, actor=office)
    assert letter.state == Letter.State.ACCEPTED
    # 02-06, 02-07, 02-08 (swapped Saturday), 02-10, 02-11.
    assert letter.due_on == D(2025, 2, 11)


def test_the_limit_is_the_types_when_accepted(write, office):
    """A type's limit changed later does not move letters already accepted."""
    letter = write(BEFORE_NATIONAL_DAY, "complaint")
    with at(BEFORE_NATIONAL_DAY):
        letter = services.accept_letter(letter, actor=office)
    LetterType.objects.filter(slug="complaint").update(reply_days=20)
    with at(D(2025, 10, 9)):
        services.refresh_letter_clock(letter)
    letter.refresh_from_db()
    assert letter.limit_days == 10
    assert letter.due_on == D(2025, 10, 16)


def test_the_office_may_correct_the_type_at_acceptance(write, office):
    letter = write(BEFORE_NATIONAL_DAY, "complaint")
    with at(BEFORE_NATIONAL_DAY):
        letter = services.accept_letter(
            letter, actor=office, letter_type=letter_type("consultation")
        )
    assert letter.letter_type.slug == "consultation"
    assert letter.limit_days == 5
    assert letter.due_on == D(2025, 10, 10)
    event = letter.events.get(code=LetterEvent.Code.ACCEPTED)
    assert event.data == {"limit": 5, "type": letter_type("consultation").pk}


def test_a_reply_on_the_last_day_is_on_time_and_a_day_later_is_late(replied):
    on_time = replied(BEFORE_NATIONAL_DAY, D(2025, 10, 10))
    late = replied(BEFORE_NATIONAL_DAY, D(2025, 10, 11))  # the swapped Saturday: a working day

    for letter, expected in ((on_time, True), (late, False)):
        reading = read_clock(letter)
        assert reading is not None
        assert reading.stopped_on == letter.replied_on
        assert reading.on_time is expected
        event = letter.events.get(code=LetterEvent.Code.REPLIED)
        assert event.data["due_on"] == "2025-10-10"
    assert on_time.events.get(code=LetterEvent.Code.REPLIED).data["working_days"] == 5
    assert late.events.get(code=LetterEvent.Code.REPLIED).data["working_days"] == 6


def test_a_transfer_does_not_restart_the_clock(assigned, office, next_agency):
    letter = assigned(BEFORE_NATIONAL_DAY)
    with at(D(2025, 9, 30)):
        letter = services.transfer_letter(
            letter, actor=office, agency=next_agency, reason="属于住建局职责"
        )
    assert letter.due_on == D(2025, 10, 10)


def test_a_reopened_letter_gets_a_new_clock_of_the_same_limit(replied):
    letter = replied(BEFORE_NATIONAL_DAY, D(2025, 9, 30))
    with at(D(2025, 10, 9)):
        letter = services.rate_letter(
            letter, rating=Letter.Rating.UNSATISFIED, comment="路灯仍然不亮", reopen=True
        )
    assert letter.state == Letter.State.HANDLING
    # Five working days from 10-09: 10-10, 10-11 (swapped Saturday), 10-13, 10-14, 10-15.
    assert letter.due_on == D(2025, 10, 15)
    reading = read_clock(letter, today=D(2025, 10, 9))
    assert reading is not None and reading.started_on == D(2025, 10, 9)


def test_the_due_date_cache_follows_the_clock_into_overdue(assigned):
    letter = assigned(BEFORE_NATIONAL_DAY)
    with at(D(2025, 10, 13)):
        letter = services.refresh_letter_clock(letter)
    assert letter.clock_state == "overdue"
    overdue = letter.events.filter(code=LetterEvent.Code.OVERDUE)
    assert overdue.count() == 1
    assert overdue.get().data == {"due_on": "2025-10-10"}
    with at(D(2025, 10, 14)):
        services.refresh_letter_clock(letter)
    assert overdue.count() == 1  # marked once a clock
