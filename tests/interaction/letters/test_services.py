"""The actions on letters: receipt, routing (accept, refuse, assign, transfer), the reply and
its review, the writer's rating and the one reopening, the mail to the writer — each refused
with a clear message and nothing changed when it cannot be done."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from gongkai.core.models import AuditEntry, OutgoingMail
from gongkai.interaction.letters import services
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterSettings
from gongkai.interaction.letters.workflow import LetterError, LetterPermissionDenied
from tests.catalogue.conftest import make_png
from tests.interaction.letters.conftest import (
    REPLY,
    WRITER_EMAIL,
    WRITER_NAME,
    WRITER_PHONE,
    at,
    letter_input,
)

pytestmark = pytest.mark.django_db
D = datetime.date
State = Letter.State
Code = LetterEvent.Code
Rejection = Letter.Rejection
DAY = D(2025, 9, 1)  # a Monday

PNG = make_png()


def snapshot(letter: Letter) -> tuple:
    letter.refresh_from_db()
    return (
        letter.state,
        letter.handling_agency_id,
        letter.reply_text,
        letter.due_on,
        letter.rating,
        letter.events.count(),
        OutgoingMail.objects.count(),
    )


# --------------------------------------------------------------------------- receipt


def test_a_letter_written_online_is_numbered_with_a_hashed_query_code(write):
    with at(DAY):
        letter, code = services.submit_letter(letter_input(), submission_key="k" * 20)
    assert letter.number == "LX202500001"
    assert letter.state == State.RECEIVED
    assert letter.channel == Letter.Channel.ONLINE
    assert letter.received_on == DAY
    assert code is not None and len(code) == 8
    assert code not in letter.query_code
    assert services.check_query_code(letter, code)
    assert services.check_query_code(letter, code.lower())
    assert not services.check_query_code(letter, "ABCDEFGH")
    event = letter.events.get()
    assert (event.code, event.actor, event.to_state) == (Code.SUBMITTED, None, State.RECEIVED)
    # The history and the audit trail name the letter, never its writer.
    entry = AuditEntry.objects.get(action="letters.submit")
    for text in (str(event.data), event.comment, str(entry.details), entry.object_repr):
        assert WRITER_NAME not in text and WRITER_PHONE not in text and WRITER_EMAIL not in text


def test_numbers_follow_the_configured_pattern_and_restart_each_year(write):
    LetterSettings.objects.create(number_pattern="张信〔{year}〕{serial}号")
    first = write(D(2025, 12, 31))
    second = write(D(2026, 1, 5))
    assert (first.number, second.number) == ("张信〔2025〕1号", "张信〔2026〕1号")


def test_the_same_form_sent_twice_makes_one_letter(django_capture_on_commit_callbacks):
    data = letter_input()
    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        first, code = services.submit_letter(data, submission_key="same-form-0123456789")
        second, again = services.submit_letter(data, submission_key="same-form-0123456789")
    assert first.pk == second.pk
    assert code is not None and again is None
    assert Letter.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Give your name."),
        ({"phone": "call me"}, "phone", "Give a phone number we can call."),
        ({"email": ""}, "email", "Give an e-mail address: the reply is announced there."),
        ({"email": "not-an-address"}, "email", "The e-mail address is not valid."),
        ({"subject": "x"}, "subject", "Give a subject of 2 to 200 characters."),
        ({"content": "求助"}, "content", "Write what your letter is about."),
    ],
)
def test_an_incomplete_letter_is_refused_by_field_and_nothing_is_stored(overrides, field, message):
    with at(DAY), pytest.raises(LetterError) as refused:
        services.submit_letter(letter_input(**overrides), submission_key="x" * 20)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not Letter.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_a_closed_type_takes_no_letters():
    data = letter_input()
    data.letter_type.active = False
    data.letter_type.save()
    with at(DAY), pytest.raises(LetterError, match=r"Choose the kind of letter\."):
        services.submit_letter(data, submission_key="x" * 20)


def test_attachments_are_checked_by_content_and_stored_privately(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    good = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    with at(DAY):
        letter, _code = services.submit_letter(
            letter_input(), submission_key="with-files-000001", attachments=[good]
        )
    stored = letter.attachments.get()
    assert stored.original_name == "现场照片.png"
    assert stored.content_type == "image/png"
    assert stored.file.name.startswith("letters/")
    assert "现场照片" not in stored.file.name  # a random name, never the writer's
    assert letter.events.get().data["attachments"] == 1

    fake = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>")
    with at(DAY), pytest.raises(LetterError) as refused:
        services.submit_letter(
            letter_input(), submission_key="with-files-000002", attachments=[fake]
        )
    assert refused.value.field == "attachments"
    assert "is not a PDF" in refused.value.message
    too_many = [SimpleUploadedFile(f"{n}.png", PNG) for n in range(4)]
    with at(DAY), pytest.raises(LetterError, match=r"Attach at most 3 files\."):
        services.submit_letter(
            letter_input(), submission_key="with-files-000003", attachments=too_many
        )
    assert Letter.objects.count() == 1


def test_the_office_registers_a_letter_from_another_channel(office):
    with at(DAY):
        letter, code = services.register_letter(
            letter_input("complaint", email=""),
            actor=office,
            channel=Letter.Channel.HOTLINE,
            received_on=D(2025, 8, 29),
        )
    assert letter.channel == Letter.Channel.HOTLINE
    assert letter.received_on == D(2025, 8, 29)
    assert letter.registered_by == office
    assert letter.email == ""  # optional for a call or a paper letter
    assert services.check_query_code(letter, code)
    assert letter.events.get().code == Code.REGISTERED


def test_only_the_office_registers_and_not_for_the_future(handler, office):
    with at(DAY), pytest.raises(LetterPermissionDenied):
        services.register_letter(
            letter_input(), actor=handler, channel=Letter.Channel.PHONE, received_on=DAY
        )
    with at(DAY), pytest.raises(LetterError) as refused:
        services.register_letter(
            letter_input(), actor=office, channel=Letter.Channel.PHONE, received_on=D(2025, 9, 2)
        )
    assert refused.value.field == "received_on"
    with at(DAY), pytest.raises(LetterError) as refused:
        services.register_letter(
            letter_input(), actor=office, channel=Letter.Channel.ONLINE, received_on=DAY
        )
    assert refused.value.field == "channel"
    assert not Letter.objects.exists()


# --------------------------------------------------------------------------- routing


def test_accept_and_assign_then_transfer_with_the_reason_recorded(
    write, office, handling_agency, next_agency
):
    letter = write(DAY)
    with at(DAY):
        letter = services.accept_letter(letter, actor=office)
        letter = services.assign_letter(
            letter, actor=office, agency=handling_agency, note="请核实后答复"
        )
    assert (letter.state, letter.handling_agency) == (State.HANDLING, handling_agency)
    with at(D(2025, 9, 2)):
        letter = services.transfer_letter(
            letter, actor=office, agency=next_agency, reason="路灯属于住建局管理"
        )
    with at(D(2025, 9, 3)):
        letter = services.transfer_letter(
            letter, actor=office, agency=handling_agency, reason="住建局退回：由城管局维修"
        )
    assert letter.state == State.HANDLING
    assert letter.handling_agency == handling_agency
    transfers = list(letter.events.filter(code=Code.TRANSFERRED).order_by("on"))
    assert [(t.data["from"], t.data["to"], t.comment) for t in transfers] == [
        (handling_agency.pk, next_agency.pk, "路灯属于住建局管理"),
        (next_agency.pk, handling_agency.pk, "住建局退回：由城管局维修"),
    ]
    assert letter.events.get(code=Code.ASSIGNED).comment == "请核实后答复"
    assert AuditEntry.objects.filter(action="letters.transfer").count() == 2


def test_a_transfer_needs_a_reason_another_agency_and_a_letter_being_handled(
    write, assigned, office, handling_agency, next_agency
):
    letter = assigned(DAY)
    received = write(DAY)
    before = snapshot(letter)
    with at(DAY), pytest.raises(LetterError) as refused:
        services.transfer_letter(letter, actor=office, agency=next_agency, reason=" ")
    assert refused.value.field == "reason"
    with at(DAY), pytest.raises(LetterError, match="with that agency already"):
        services.transfer_letter(letter, actor=office, agency=handling_agency, reason="再次转办")
    with at(DAY), pytest.raises(LetterError, match="Only a letter being handled"):
        services.transfer_letter(received, actor=office, agency=next_agency, reason="转办")
    assert snapshot(letter) == before


REDIRECTS = {
    Rejection.INFO_REQUEST: "/apply/",
    Rejection.PETITION: "张店区信访局",
    Rejection.ABUSIVE: "abusive or insulting language",
    Rejection.DUPLICATE: "repeats a letter",
    Rejection.OUT_OF_SCOPE: "outside what the government's letters channel handles",
}


@pytest.mark.parametrize("reason", list(Rejection))
def test_each_rejection_reason_tells_the_writer_why_and_where_to_turn(
    write, office, agency_factory, django_capture_on_commit_callbacks, reason
):
    petitions = agency_factory(name="张店区信访局", slug="petitions")
    LetterSettings.objects.create(petition_agency=petitions, petition_note="电话 0533-0000000")
    earlier = write(DAY)
    letter = write(DAY)
    mail.outbox.clear()
    note = "请向区法院咨询。" if reason == Rejection.OUT_OF_SCOPE else ""
    duplicate_of = earlier.number if reason == Rejection.DUPLICATE else ""
    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        letter = services.reject_letter(
            letter, actor=office, reason=reason, note=note, duplicate_of=duplicate_of
        )
    assert letter.state == State.REJECTED
    assert letter.rejection_reason == reason
    assert letter.closed_on == DAY
    assert letter.due_on is None and letter.accepted_on is None
    event = letter.events.get(code=Code.REJECTED)
    assert event.data["reason"] == reason
    [sent] = mail.outbox
    assert sent.to == [letter.email]
    assert REDIRECTS[reason] in sent.body
    if reason == Rejection.DUPLICATE:
        assert letter.duplicate_of == earlier
        assert event.data["duplicate_of"] == earlier.number
    if reason == Rejection.PETITION:
        assert "0533-0000000" in sent.body


def test_a_rejection_is_refused_without_what_it_needs(write, office):
    letter = write(DAY)
    before = snapshot(letter)
    with at(DAY), pytest.raises(LetterError) as refused:
        services.reject_letter(letter, actor=office, reason="rude")
    assert refused.value.field == "reason"
    with at(DAY), pytest.raises(LetterError) as refused:
        services.reject_letter(letter, actor=office, reason=Rejection.OUT_OF_SCOPE)
    assert refused.value.field == "note"
    with at(DAY), pytest.raises(LetterError) as refused:
        services.reject_letter(
            letter, actor=office, reason=Rejection.DUPLICATE, duplicate_of="LX209900001"
        )
    assert refused.value.field == "duplicate_of"
    with at(DAY), pytest.raises(LetterError) as refused:
        services.reject_letter(
            letter, actor=office, reason=Rejection.DUPLICATE, duplicate_of=letter.number
        )
    assert refused.value.field == "duplicate_of"
    assert snapshot(letter) == before


def test_an_accepted_letter_cannot_be_refused_any_more(assigned, office):
    letter = assigned(DAY)
    before = snapshot(letter)
    with at(DAY), pytest.raises(LetterError, match="cannot become"):
        services.reject_letter(letter, actor=office, reason=Rejection.ABUSIVE)
    assert snapshot(letter) == before


# --------------------------------------------------------------------------- reply and review


def test_the_handler_drafts_the_reviewer_approves_and_the_writer_is_told(
    assigned, handler, reviewer, django_capture_on_commit_callbacks
):
    letter = assigned(DAY)
    mail.outbox.clear()
    with at(D(2025, 9, 3)), django_capture_on_commit_callbacks(execute=True) as callbacks:
        letter = services.draft_reply(letter, actor=handler, reply_text=REPLY)
        letter = services.submit_for_review(letter, actor=handler)
        assert letter.state == State.REVIEW
        with transaction.atomic():
            letter = services.review_letter(letter, actor=reviewer, approve=True)
            # Queued with the change, sent only after the commit.
            assert OutgoingMail.objects.filter(topic="letters.replied").count() == 1
            assert mail.outbox == []
    assert callbacks
    assert letter.state == State.REPLIED
    assert letter.replied_on == D(2025, 9, 3)
    assert letter.replied_at is not None
    [sent] = mail.outbox
    assert sent.to == [WRITER_EMAIL]
    assert REPLY in sent.body
    assert "/letters/status/?number=" + letter.number in sent.body
    assert OutgoingMail.objects.get(topic="letters.replied").sent_at is not None
    codes = list(letter.events.values_list("code", flat=True))
    assert codes[-4:] == [Code.DRAFTED, Code.SUBMITTED_FOR_REVIEW, Code.REVIEW_APPROVED,
                          Code.REPLIED]  # fmt: skip


def test_a_rolled_back_reply_sends_nothing(assigned, handler, reviewer):
    letter = assigned(DAY)
    with at(DAY):
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
        services.submit_for_review(letter, actor=handler)
    mail.outbox.clear()
    OutgoingMail.objects.all().delete()
    with at(DAY), pytest.raises(RuntimeError), transaction.atomic():
        services.review_letter(letter, actor=reviewer, approve=True)
        raise RuntimeError("the database failed")
    letter.refresh_from_db()
    assert letter.state == State.REVIEW
    assert not OutgoingMail.objects.exists()
    assert mail.outbox == []


def test_the_reviewer_returns_the_reply_with_comments(assigned, handler, reviewer):
    letter = assigned(DAY)
    with at(DAY):
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
        services.submit_for_review(letter, actor=handler)
        with pytest.raises(LetterError) as refused:
            services.review_letter(letter, actor=reviewer, approve=False)
        assert refused.value.field == "comment"
        letter = services.review_letter(
            letter, actor=reviewer, approve=False, comment="请写明维修完成的日期"
        )
    assert letter.state == State.HANDLING
    assert letter.events.get(code=Code.REVIEW_RETURNED).comment == "请写明维修完成的日期"


def test_the_handler_who_sent_the_reply_does_not_review_it(
    assigned, handler, handling_agency, staff_role_factory
):
    staff_role_factory(agency=handling_agency, role="reviewer", user=handler)
    letter = assigned(DAY)
    with at(DAY):
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
        services.submit_for_review(letter, actor=handler)
    before = snapshot(letter)
    with at(DAY), pytest.raises(LetterPermissionDenied, match="someone other than the handler"):
        services.review_letter(letter, actor=handler, approve=True)
    assert snapshot(letter) == before


def test_staff_of_another_agency_and_the_wrong_roles_change_nothing(
    write, assigned, office, handler, reviewer, stranger, next_agency
):
    letter = assigned(DAY)
    received = write(DAY)
    with at(DAY):
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
    before = snapshot(letter)
    before_received = snapshot(received)
    attempts = [
        lambda: services.accept_letter(received, actor=stranger),
        lambda: services.accept_letter(received, actor=handler),
        lambda: services.reject_letter(received, actor=stranger, reason=Rejection.ABUSIVE),
        lambda: services.assign_letter(received, actor=reviewer, agency=next_agency),
        lambda: services.transfer_letter(letter, actor=stranger, agency=next_agency, reason="x"),
        lambda: services.draft_reply(letter, actor=stranger, reply_text=REPLY + "！"),
        lambda: services.draft_reply(letter, actor=reviewer, reply_text=REPLY + "！"),
        lambda: services.submit_for_review(letter, actor=stranger),
        lambda: services.review_letter(letter, actor=stranger, approve=True),
        lambda: services.close_letter(letter, actor=handler),
    ]
    for attempt in attempts:
        with at(DAY), pytest.raises(LetterPermissionDenied):
            attempt()
    assert snapshot(letter) == before
    assert snapshot(received) == before_received


def test_a_reply_cannot_be_dated_before_the_letters_last_step(assigned, handler):
    letter = assigned(DAY)
    before = snapshot(letter)
    with at(D(2025, 9, 5)), pytest.raises(LetterError) as refused:
        services.draft_reply(letter, actor=handler, reply_text=REPLY, on=D(2025, 8, 29))
    assert refused.value.field == "on"
    with at(D(2025, 9, 5)), pytest.raises(LetterError, match="cannot be in the future"):
        services.draft_reply(letter, actor=handler, reply_text=REPLY, on=D(2025, 9, 6))
    assert snapshot(letter) == before


# --------------------------------------------------------------------------- the rating


@pytest.mark.parametrize("rating", [Letter.Rating.SATISFIED, Letter.Rating.FAIRLY_SATISFIED])
def test_a_rating_closes_the_letter(replied, rating):
    letter = replied(DAY)
    with at(D(2025, 9, 4)):
        letter = services.rate_letter(letter, rating=rating, comment="谢谢")
    assert letter.state == State.CLOSED
    assert (letter.rating, letter.rating_comment) == (rating, "谢谢")
    assert letter.closed_on == D(2025, 9, 4)
    rated = letter.events.get(code=Code.RATED)
    assert rated.data == {"rating": rating, "reopen": False}
    assert rated.actor is None
    assert letter.events.get(code=Code.CLOSED).data == {"rated": True}


def test_an_unsatisfied_rating_reopens_the_letter_once(replied, handler, reviewer):
    letter = replied(DAY)
    with at(D(2025, 9, 4)):
        with pytest.raises(LetterError) as refused:
            services.rate_letter(letter, rating=Letter.Rating.UNSATISFIED, reopen=True)
        assert refused.value.field == "comment"
        letter = services.rate_letter(
            letter, rating=Letter.Rating.UNSATISFIED, comment="路灯仍然不亮", reopen=True
        )
    assert letter.state == State.HANDLING
    assert letter.reopened
    assert letter.rating == ""  # rated again after the second reply
    assert letter.events.get(code=Code.RATED).comment == "路灯仍然不亮"
    with at(D(2025, 9, 8)):
        services.draft_reply(letter, actor=handler, reply_text=REPLY + "已更换灯具。")
        services.submit_for_review(letter, actor=handler)
        letter = services.review_letter(letter, actor=reviewer, approve=True)
    assert letter.state == State.REPLIED
    assert letter.replied_on == D(2025, 9, 8)
    assert letter.events.filter(code=Code.REPLIED).count() == 2
    before = snapshot(letter)
    with at(D(2025, 9, 9)), pytest.raises(LetterError, match="only once") as refused:
        services.rate_letter(
            letter, rating=Letter.Rating.UNSATISFIED, comment="还是不满意", reopen=True
        )
    assert refused.value.field == "reopen"
    assert snapshot(letter) == before
    with at(D(2025, 9, 9)):
        letter = services.rate_letter(
            letter, rating=Letter.Rating.UNSATISFIED, comment="还是不满意"
        )
    assert (letter.state, letter.rating) == (State.CLOSED, Letter.Rating.UNSATISFIED)


def test_a_rating_is_refused_when_it_cannot_apply(write, replied):
    waiting = write(DAY)
    before = snapshot(waiting)
    with at(DAY), pytest.raises(LetterError, match="not waiting for your rating"):
        services.rate_letter(waiting, rating=Letter.Rating.SATISFIED)
    assert snapshot(waiting) == before
    letter = replied(DAY)
    before = snapshot(letter)
    with at(DAY), pytest.raises(LetterError) as refused:
        services.rate_letter(letter, rating="great")
    assert refused.value.field == "rating"
    with at(DAY), pytest.raises(LetterError) as refused:
        services.rate_letter(letter, rating=Letter.Rating.SATISFIED, reopen=True)
    assert refused.value.field == "reopen"
    assert snapshot(letter) == before


def test_the_office_closes_a_replied_letter_without_a_rating(replied, office):
    letter = replied(DAY)
    with at(D(2025, 9, 5)):
        letter = services.close_letter(letter, actor=office, comment="来电确认已解决")
    assert letter.state == State.CLOSED
    assert letter.rating == ""
    event = letter.events.get(code=Code.CLOSED)
    assert (event.comment, event.data) == ("来电确认已解决", {"rated": False})
