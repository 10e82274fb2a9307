"""The workbench pages of letters: the queue, the case page with its action panels,
registration and the writer's files.

Who sees what: the office sees every letter, the handling agency's handlers and reviewers
their agency's, another agency's staff nothing — every staff URL refuses them (404 or 403) and
nothing changes; each view of the writer's data is audited.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from gongkai.core.models import AuditEntry, OutgoingMail
from gongkai.interaction.letters import services
from gongkai.interaction.letters.models import Letter, LetterAttachment, LetterEvent
from gongkai.workbench.navigation import navigation_for
from gongkai.workbench.queue import queue_for
from tests.catalogue.conftest import make_png
from tests.interaction.letters.conftest import (
    REPLY,
    WRITER_EMAIL,
    WRITER_NAME,
    WRITER_PHONE,
    at,
    letter_input,
    letter_type,
)

pytestmark = pytest.mark.django_db
D = datetime.date
State = Letter.State
Code = LetterEvent.Code
TODAY = D(2025, 9, 24)  # a Wednesday


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def editor(agency, staff_role_factory):
    """Staff with a role, but none for letters."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user


def url(name: str, *args: object) -> str:
    return reverse(f"letters_staff:{name}", args=args)


def numbers(response) -> list[str]:
    return [row.letter.number for row in response.context["rows"]]


def snapshot(letter: Letter) -> tuple:
    """What a refused request must leave exactly as it was."""
    letter.refresh_from_db()
    return (
        letter.state,
        letter.updated_at,
        letter.handling_agency_id,
        letter.reply_text,
        LetterEvent.objects.filter(letter=letter).count(),
        LetterAttachment.objects.filter(letter=letter).count(),
        OutgoingMail.objects.count(),
    )


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- access ------------------------------------------------------------------------------------


def test_pages_need_sign_in(client, assigned):
    letter = assigned(D(2025, 9, 1))
    for address in (url("queue"), url("detail", letter.pk), url("register")):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workbench:login"))


def test_staff_without_a_letters_role_are_refused(client, editor, assigned):
    letter = assigned(D(2025, 9, 1))
    before = snapshot(letter)
    client.force_login(editor)
    assert client.get(url("queue")).status_code == 403
    assert client.get(url("detail", letter.pk)).status_code == 403
    assert client.get(url("register")).status_code == 403
    assert client.post(url("draft", letter.pk), {"reply_text": REPLY}).status_code == 403
    assert snapshot(letter) == before


def test_navigation_shows_letters_to_letters_roles(office, handler, reviewer, stranger, editor):
    for user in (office, handler, reviewer, stranger):
        assert "letters" in [link.key for link in navigation_for(user)]
    assert "letters" not in [link.key for link in navigation_for(editor)]


def test_another_agencys_staff_are_refused_on_every_staff_url_and_nothing_changes(
    client, write, assigned, office, handler, reviewer, stranger, other_agency
):
    """Staff of another agency: every page of these letters is a 404 (as if they did not
    exist), every action refused; no state, event, file, mail or read entry changes."""
    image = SimpleUploadedFile("照片.png", make_png())
    letter = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 1)):
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
        services.submit_for_review(letter, actor=handler)
        received, _code = services.submit_letter(
            letter_input(), submission_key="stranger-000000001", attachments=[image]
        )
    stored = received.attachments.get()
    replied = assigned(D(2025, 9, 2))
    with at(D(2025, 9, 2)):
        services.draft_reply(replied, actor=handler, reply_text=REPLY)
        services.submit_for_review(replied, actor=handler)
        services.review_letter(replied, actor=reviewer, approve=True)
    cases = (letter, received, replied)
    before = [snapshot(case) for case in cases]
    reads = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count()
    client.force_login(stranger)

    posts = {
        "accept": {"letter_type": str(letter_type().pk), "handling_agency": str(other_agency.pk)},
        "reject": {"reason": "abusive"},
        "assign": {"agency": str(other_agency.pk)},
        "transfer": {"agency": str(other_agency.pk), "reason": "我们来办"},
        "draft": {"reply_text": REPLY + "（改）"},
        "submit": {},
        "review": {"decision": "approve"},
        "close": {},
    }
    with at(TODAY):
        for case in cases:
            assert client.get(url("detail", case.pk)).status_code == 404
            for name, data in posts.items():
                assert client.post(url(name, case.pk), data).status_code == 404, name
        assert client.get(url("download_attachment", received.pk, stored.pk)).status_code == 404
        queue = client.get(url("queue"))
        finished = client.get(url("queue"), {"show": "finished"})
        register = client.post(url("register"), {})

    assert [snapshot(case) for case in cases] == before
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count() == reads
    assert queue.status_code == 200 and queue.context["rows"] == []
    assert finished.context["rows"] == []
    assert register.status_code == 403
    for case in cases:
        assert case.number not in queue.content.decode()
    assert not [item for item in queue_for(stranger, other_agency) if item.kind == "letter"]


def test_the_agency_asked_sees_nothing_before_it_is_assigned(
    client, write, office, handling_agency, handler
):
    letter = write(D(2025, 9, 1), agency=handling_agency)
    client.force_login(handler)
    with at(TODAY):
        assert client.get(url("detail", letter.pk)).status_code == 404
        services.accept_letter(letter, actor=office, handling_agency=handling_agency)
        assert client.get(url("detail", letter.pk)).status_code == 200


def test_a_handler_cannot_take_the_offices_or_the_reviewers_actions(
    client, assigned, handler, next_agency
):
    letter = assigned(D(2025, 9, 1))
    before = snapshot(letter)
    client.force_login(handler)
    with at(TODAY):
        transfer = client.post(
            url("transfer", letter.pk), {"agency": str(next_agency.pk), "reason": "不归我们"}
        )
        review = client.post(url("review", letter.pk), {"decision": "approve"})
    assert transfer.status_code == review.status_code == 403
    assert snapshot(letter) == before


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_marks_due_soon_and_overdue_and_puts_the_most_urgent_first(
    english, assigned, write, office
):
    overdue = assigned(D(2025, 9, 1))  # consultation: due 09-08
    due_soon = assigned(D(2025, 9, 18))  # due 09-25: one working day left on 09-24
    later = assigned(D(2025, 9, 23), "suggestion")  # due 10-17
    new = write(D(2025, 9, 24))
    english.force_login(office)
    with at(TODAY):
        response = english.get(url("queue"))
    assert numbers(response) == [overdue.number, due_soon.number, later.number, new.number]
    urgency = {row.letter.number: row.urgency for row in response.context["rows"]}
    assert urgency == {overdue.number: "overdue", due_soon.number: "due_soon",
                       later.number: "", new.number: ""}  # fmt: skip
    html = response.content.decode()
    assert re.search(rf'data-letter="{overdue.pk}"\s+data-urgency="overdue"', html)
    assert "12 working days late" in html
    assert "1 working day left" in html
    # The office sees the writers' names (recorded as a read), never their phone or e-mail.
    assert WRITER_NAME in html
    assert WRITER_PHONE not in html and WRITER_EMAIL not in html
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).latest("id")
    assert entry.details["fields"] == ["name"]


def test_the_handlers_queue_holds_their_agencys_letters_without_the_writers_name(
    english, assigned, write, handler, reviewer
):
    mine = assigned(D(2025, 9, 1))
    write(D(2025, 9, 2))  # not assigned yet: the office's
    english.force_login(handler)
    with at(TODAY):
        response = english.get(url("queue"))
    assert numbers(response) == [mine.number]
    assert WRITER_NAME not in response.content.decode()


def test_queue_filters_and_the_finished_tab(english, assigned, replied, write, office):
    consultation = assigned(D(2025, 9, 1))
    complaint = assigned(D(2025, 9, 2), "complaint", subject="噪音扰民问题")
    closed = replied(D(2025, 9, 3))
    with at(D(2025, 9, 4)):
        services.rate_letter(closed, rating="satisfied")
    english.force_login(office)
    with at(TODAY):
        by_type = english.get(url("queue"), {"letter_type": letter_type("complaint").pk})
        by_words = english.get(url("queue"), {"q": "噪音"})
        finished = english.get(url("queue"), {"show": "finished"})
        bad = english.get(url("queue"), {"state": "nonsense"})
    assert numbers(by_type) == [complaint.number]
    assert numbers(by_words) == [complaint.number]
    assert numbers(finished) == [closed.number]
    assert consultation.number not in numbers(finished)
    assert bad.status_code == 400


@pytest.mark.parametrize("who", ["office", "handler"])
def test_the_queue_query_count_does_not_grow_with_rows(
    who, request, client, assigned, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    for day in (1, 2):
        assigned(D(2025, 9, day))
    client.force_login(user)
    with at(TODAY), CaptureQueriesContext(connection) as few:
        assert len(client.get(url("queue")).context["rows"]) == 2
    for day in range(3, 15):
        assigned(D(2025, 9, day))
    with at(TODAY), django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url("queue")).context["rows"]) == 14


def test_my_queue_shows_each_role_what_waits_for_it(
    assigned, write, office, handler, reviewer, handling_agency
):
    waiting = write(D(2025, 9, 1))
    drafting = assigned(D(2025, 9, 2))
    reviewing = assigned(D(2025, 9, 3))
    with at(D(2025, 9, 3)):
        services.draft_reply(reviewing, actor=handler, reply_text=REPLY)
        services.submit_for_review(reviewing, actor=handler)

    def titles(user) -> list[str]:
        return [item.title.split()[0] for item in queue_for(user, handling_agency)]

    assert titles(office) == [waiting.number]
    assert titles(handler) == [drafting.number]
    assert titles(reviewer) == [reviewing.number]


# --- the case page -----------------------------------------------------------------------------


def test_the_case_page_shows_the_writer_the_clock_and_the_history_and_is_audited(
    english, assigned, handler
):
    letter = assigned(D(2025, 9, 26))
    english.force_login(handler)
    with at(D(2025, 9, 29)):
        response = english.get(url("detail", letter.pk))
    html = response.content.decode()
    assert WRITER_NAME in html and WRITER_PHONE in html and WRITER_EMAIL in html
    assert "Due 2025-10-10." in html
    assert "Started 2025-09-26; that day is not counted." in html
    assert 'data-action="draft"' in html
    assert 'data-action="accept"' not in html  # the office's
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).latest("id")
    assert entry.details == {"fields": ["name", "phone", "email"]}
    assert entry.object_repr == letter.number
    assert WRITER_NAME not in str(entry.details)


def test_the_whole_path_through_the_action_views(
    english, client, write, office, handler, reviewer, handling_agency, next_agency,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    letter = write(D(2025, 9, 1), "complaint")
    english.force_login(office)
    with at(D(2025, 9, 2)):
        response = english.post(
            url("accept", letter.pk),
            {"letter_type": letter_type("complaint").pk, "handling_agency": next_agency.pk,
             "note": "请核实"},
        )  # fmt: skip
        assert response.status_code == 302
        assert "accepted and assigned" in message_texts(response)[0]
        # A transfer without its reason comes back on the form with the message.
        refused = english.post(url("transfer", letter.pk), {"agency": handling_agency.pk})
        assert refused.status_code == 400
        assert "Give the reason for the transfer." in refused.content.decode()
        english.post(
            url("transfer", letter.pk), {"agency": handling_agency.pk, "reason": "城管职责"}
        )
    letter.refresh_from_db()
    assert (letter.state, letter.handling_agency) == (State.HANDLING, handling_agency)

    english.force_login(handler)
    with at(D(2025, 9, 3)):
        empty = english.post(url("draft", letter.pk), {"reply_text": ""})
        assert empty.status_code == 400
        assert "Write the reply." in empty.content.decode()
        english.post(url("draft", letter.pk), {"reply_text": REPLY})
        english.post(url("submit", letter.pk), {})
    letter.refresh_from_db()
    assert letter.state == State.REVIEW

    english.force_login(reviewer)
    with at(D(2025, 9, 4)):
        no_comment = english.post(url("review", letter.pk), {"decision": "return"})
        assert no_comment.status_code == 400
        assert "Say what must change." in no_comment.content.decode()
        no_decision = english.post(url("review", letter.pk), {})
        assert "Choose to approve or to return the reply." in no_decision.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            approved = english.post(url("review", letter.pk), {"decision": "approve"})
    assert "approved and sent" in message_texts(approved)[0]
    letter.refresh_from_db()
    assert letter.state == State.REPLIED
    assert OutgoingMail.objects.filter(topic="letters.replied", sent_at__isnull=False).exists()

    english.force_login(office)
    with at(D(2025, 9, 5)):
        english.post(url("close", letter.pk), {"comment": "电话回访已解决"})
    letter.refresh_from_db()
    assert letter.state == State.CLOSED


def test_the_office_refuses_a_letter_through_its_panel(english, write, office):
    letter = write(D(2025, 9, 1))
    english.force_login(office)
    with at(D(2025, 9, 1)):
        page = english.get(url("detail", letter.pk)).content.decode()
        # The panel shows what the writer is told for each reason.
        assert "Your letter asks for government information." in page
        missing = english.post(url("reject", letter.pk), {"reason": "out_of_scope"})
        assert missing.status_code == 400
        assert "Tell the writer where to turn instead" in missing.content.decode()
        english.post(url("reject", letter.pk), {"reason": "info_request"})
    letter.refresh_from_db()
    assert (letter.state, letter.rejection_reason) == (State.REJECTED, "info_request")


def test_an_action_no_longer_offered_is_refused_on_its_form(english, assigned, office):
    letter = assigned(D(2025, 9, 1))
    english.force_login(office)
    with at(D(2025, 9, 1)):
        response = english.post(url("accept", letter.pk), {"letter_type": letter_type().pk})
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()


# --- registration and files --------------------------------------------------------------------


def test_the_office_registers_a_phone_call_and_sees_the_code_once(english, office):
    english.force_login(office)
    with at(TODAY):
        response = english.post(
            url("register"),
            {
                "channel": "phone",
                "received_on": "2025-09-23",
                "letter_type": letter_type("complaint").pk,
                "name": WRITER_NAME,
                "phone": WRITER_PHONE,
                "subject": "夜间施工噪音",
                "content": "小区旁工地每晚十一点后仍在施工。",
                "attachments": [SimpleUploadedFile("照片.png", make_png())],
            },
        )
    letter = Letter.objects.get()
    assert response.status_code == 302
    [text] = message_texts(response)
    code = re.search(r"query code ([A-Z0-9]{8})", text).group(1)
    assert services.check_query_code(letter, code)
    assert (letter.channel, letter.received_on, letter.email) == ("phone", D(2025, 9, 23), "")
    assert letter.attachments.count() == 1


def test_registration_refuses_bad_input_and_stores_nothing(english, office, handler):
    english.force_login(office)
    with at(TODAY):
        response = english.post(
            url("register"),
            {"channel": "phone", "received_on": "2025-09-25",
             "letter_type": letter_type().pk, "name": "张三", "phone": "x",
             "subject": "问", "content": "问题"},
        )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "The date cannot be in the future." in html
    assert not Letter.objects.exists()
    english.force_login(handler)
    assert english.get(url("register")).status_code == 403


def test_the_writers_files_are_downloaded_through_the_case_and_audited(client, office):
    with at(TODAY):
        letter, _code = services.submit_letter(
            letter_input(),
            submission_key="files-00000000001",
            attachments=[SimpleUploadedFile("现场.png", make_png())],
        )
    stored = letter.attachments.get()
    client.force_login(office)
    response = client.get(url("download_attachment", letter.pk, stored.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(
        kind=AuditEntry.Kind.READ, details__fields=["attachment"]
    ).exists()
    assert not settings.MEDIA_URL or stored.file.url.startswith(settings.MEDIA_URL)
    # MEDIA_URL is never served: the file is reachable only through this view.
    assert client.get(stored.file.url).status_code == 404
