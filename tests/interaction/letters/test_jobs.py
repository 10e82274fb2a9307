"""The daily job of letters (``manage.py run_letter_jobs``): it refreshes the reply clocks,
marks the overdue once, reminds staff of letters due soon or overdue at most once a day a
letter, and closes the replies left unrated — and running it again changes nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from gongkai.core.models import OutgoingMail
from gongkai.interaction.letters import services, tasks
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterSettings
from tests.interaction.letters.conftest import REPLY, WRITER_EMAIL, WRITER_NAME, at

pytestmark = pytest.mark.django_db
D = datetime.date
Code = LetterEvent.Code


def run(day: D, capture) -> dict[str, int]:
    with at(day), capture(execute=True):
        return tasks.run_all(today=day)


def test_reminders_go_once_a_day_to_whoever_the_letter_waits_for(
    assigned, write, office, handler, reviewer, django_capture_on_commit_callbacks
):
    drafting = assigned(D(2025, 9, 1))  # consultation, due 09-08
    reviewing = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 1)):
        services.draft_reply(reviewing, actor=handler, reply_text=REPLY)
        services.submit_for_review(reviewing, actor=handler)
    unassigned = write(D(2025, 9, 1))
    with at(D(2025, 9, 1)):
        unassigned = services.accept_letter(unassigned, actor=office)
    far = assigned(D(2025, 9, 1), "suggestion")  # due 09-22: not reminded on 09-05
    mail.outbox.clear()

    first = run(D(2025, 9, 5), django_capture_on_commit_callbacks)  # due soon: 1 day left
    assert first["reminded"] == 3
    sent = {(message.to[0], message.subject) for message in mail.outbox}
    assert sent == {
        (handler.email, f"Letter {drafting.number} is due on 2025-09-08"),
        (reviewer.email, f"Letter {reviewing.number} is due on 2025-09-08"),
        (office.email, f"Letter {unassigned.number} is due on 2025-09-08"),
    }
    for message in mail.outbox:  # the number, state and date only, never the writer
        assert WRITER_NAME not in message.body and WRITER_EMAIL not in message.body
    assert not far.events.filter(code=Code.REMINDED).exists()

    # The same day again: nothing more.
    mail.outbox.clear()
    assert run(D(2025, 9, 5), django_capture_on_commit_callbacks)["reminded"] == 0
    assert mail.outbox == []

    # The next working day after the due date: overdue, reminded again (once), marked once.
    second = run(D(2025, 9, 9), django_capture_on_commit_callbacks)
    assert second["reminded"] == 3
    assert "is overdue since 2025-09-08" in mail.outbox[0].subject
    run(D(2025, 9, 9), django_capture_on_commit_callbacks)
    for letter in (drafting, reviewing, unassigned):
        assert letter.events.filter(code=Code.REMINDED).count() == 2
        assert letter.events.filter(code=Code.OVERDUE).count() == 1
        letter.refresh_from_db()
        assert letter.clock_state == "overdue"


def test_a_replied_letter_is_neither_reminded_nor_marked(
    replied, django_capture_on_commit_callbacks
):
    letter = replied(D(2025, 9, 1), D(2025, 9, 10))  # late
    mail.outbox.clear()
    run(D(2025, 9, 11), django_capture_on_commit_callbacks)
    assert not letter.events.filter(code__in=[Code.REMINDED, Code.OVERDUE]).exists()
    assert mail.outbox == []


def test_replies_left_unrated_are_closed_once_the_writer_had_time(
    replied, django_capture_on_commit_callbacks
):
    LetterSettings.objects.create(rating_days=3)
    letter = replied(D(2025, 9, 1))
    assert run(D(2025, 9, 4), django_capture_on_commit_callbacks)["closed"] == 0  # 3 days
    letter.refresh_from_db()
    assert letter.state == Letter.State.REPLIED
    assert run(D(2025, 9, 5), django_capture_on_commit_callbacks)["closed"] == 1
    letter.refresh_from_db()
    assert (letter.state, letter.closed_on, letter.rating) == ("closed", D(2025, 9, 5), "")
    assert letter.events.get(code=Code.CLOSED).data == {"rated": False, "waited": 4}
    assert run(D(2025, 9, 8), django_capture_on_commit_callbacks)["closed"] == 0


def test_the_command_runs_the_jobs_and_is_repeat_safe(assigned, django_capture_on_commit_callbacks):
    letter = assigned(D(2025, 9, 1))
    out = io.StringIO()
    with at(D(2025, 9, 10)), django_capture_on_commit_callbacks(execute=True):
        call_command("run_letter_jobs", stdout=out)
        events = letter.events.count()
        mails = OutgoingMail.objects.count()
        call_command("run_letter_jobs", stdout=out)
    assert "clocks refreshed 1, closed unrated 0, reminders 1" in out.getvalue()
    assert "reminders 0" in out.getvalue().splitlines()[-1]
    assert letter.events.count() == events
    assert OutgoingMail.objects.count() == mails
