"""The public pages of letters: the index of types with their limits, the form (safe against
double submission), the number and code shown once, the status page opened with both, the
reply, the rating — and never the writer's contact details on a page anyone else can reach."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.urls import reverse

from gongkai.interaction.letters import services
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterSettings
from tests.catalogue.conftest import make_png
from tests.interaction.letters.conftest import (
    CONTENT,
    REPLY,
    SUBJECT,
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
DAY = D(2025, 9, 1)
NO_MATCH = "The tracking number and query code do not match."

INDEX = reverse("letters:index")
WRITE = reverse("letters:write")
STATUS = reverse("letters:status")


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def form_data(key: str, **overrides) -> dict[str, str]:
    values = {
        "submission_key": key,
        "letter_type": str(letter_type("complaint").pk),
        "name": WRITER_NAME,
        "phone": WRITER_PHONE,
        "email": WRITER_EMAIL,
        "subject": SUBJECT,
        "content": CONTENT,
        "consent_to_publish": "on",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def key_of(response) -> str:
    match = re.search(r'name="submission_key" value="([^"]+)"', response.content.decode())
    assert match, "the form carries a submission key"
    return match.group(1)


def code_on(html: str) -> str | None:
    match = re.search(r'class="query-code">([A-Z0-9]+)<', html)
    return match.group(1) if match else None


def unlock(client, letter: Letter, code: str):
    return client.post(STATUS, {"number": letter.number, "code": code})


def assert_private(html: str) -> None:
    """No contact detail of the writer on the page."""
    for value in (WRITER_PHONE, WRITER_EMAIL, WRITER_NAME):
        assert value not in html


# --------------------------------------------------------------------------- the index


def test_the_portal_menu_leads_to_the_index_of_types_with_their_limits(client):
    """Through the 政民互动 column: the menu links its landing page, which links the index."""
    home = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("interaction:index")}"' in home
    landing = client.get(reverse("interaction:index")).content.decode()
    assert f'href="{INDEX}"' in landing

    page = client.get(INDEX).content.decode()
    for slug, days in (("mailbox", 15), ("consultation", 5), ("complaint", 10), ("suggestion", 15)):
        assert f'data-type="{slug}"' in page
        assert f"Answered within {days} working days of acceptance." in page
        assert f'href="{WRITE}?type={slug}"' in page
    assert "区长信箱（区长）" in page


def test_closed_types_are_neither_listed_nor_offered(client):
    letter_type("suggestion").__class__.objects.filter(slug="suggestion").update(active=False)
    assert 'data-type="suggestion"' not in client.get(INDEX).content.decode()
    form = client.get(WRITE).content.decode()
    offered = re.findall(r'name="letter_type" value="(\d+)"', form)
    assert str(letter_type("suggestion").pk) not in offered
    assert str(letter_type("complaint").pk) in offered


def test_the_form_preselects_the_type_from_the_index(client):
    page = client.get(WRITE, {"type": "complaint"}).content.decode()
    pk = letter_type("complaint").pk
    assert re.search(rf'name="letter_type" value="{pk}"[^>]*checked', page)


# --------------------------------------------------------------------------- writing


def test_writing_shows_the_number_and_the_code_once(client, django_capture_on_commit_callbacks):
    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        key = key_of(client.get(WRITE))
        response = client.post(WRITE, form_data(key), follow=True)
    letter = Letter.objects.get()
    assert response.redirect_chain[-1][0] == reverse("letters:received", args=[letter.number])
    html = response.content.decode()
    code = code_on(html)
    assert code and services.check_query_code(letter, code)
    assert letter.number in html
    assert letter.consent_to_publish
    assert letter.letter_type.slug == "complaint"
    assert_private(html)
    # Shown once: the received page again has the number but not the code.
    again = client.get(reverse("letters:received", args=[letter.number])).content.decode()
    assert letter.number in again and code_on(again) is None


def test_a_double_submission_makes_one_letter(client):
    with at(DAY):
        key = key_of(client.get(WRITE))
        first = client.post(WRITE, form_data(key))
        second = client.post(WRITE, form_data(key))
        assert Letter.objects.count() == 1
        letter = Letter.objects.get()
        target = reverse("letters:received", args=[letter.number])
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"] == target
        # The code the first submission left in the session is still shown once.
        assert code_on(client.get(target).content.decode()) is not None


def test_another_browser_cannot_open_the_received_page(client, write):
    letter = write(DAY)
    response = client.get(reverse("letters:received", args=[letter.number]))
    assert response.status_code == 404


def test_bad_input_comes_back_with_messages_and_stores_nothing(client):
    with at(DAY):
        key = key_of(client.get(WRITE))
        response = client.post(
            WRITE, form_data(key, email="not-an-address", phone="", letter_type="999999")
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The e-mail address is not valid." in html
    assert "Give a phone number we can call." in html
    assert "Select a valid choice." in html
    assert not Letter.objects.exists()
    # The same submission key comes back, so that the corrected form is still one letter.
    assert key_of(response) == key


def test_files_are_sent_with_the_letter(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with at(DAY):
        key = key_of(client.get(WRITE))
        data = form_data(key)
        data["attachments"] = [
            SimpleUploadedFile("照片一.png", make_png()),
            SimpleUploadedFile("照片二.png", make_png()),
        ]
        response = client.post(WRITE, data)
    assert response.status_code == 302
    assert Letter.objects.get().attachments.count() == 2


def test_a_refused_file_is_named_on_the_form(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with at(DAY):
        key = key_of(client.get(WRITE))
        data = form_data(key)
        data["attachments"] = [SimpleUploadedFile("script.png", b"#!/bin/sh\necho hi\n")]
        response = client.post(WRITE, data)
    assert response.status_code == 400
    assert "“script.png” is not a PDF" in response.content.decode()
    assert not Letter.objects.exists()


# --------------------------------------------------------------------------- the status page


def test_the_status_page_needs_the_right_code(client, office):
    with at(DAY):
        letter, code = services.submit_letter(letter_input(), submission_key="k" * 20)
    detail = reverse("letters:status_detail", args=[letter.number])

    # Without unlocking: sent to the lookup form, which shows nothing of the letter.
    response = client.get(detail)
    assert response.status_code == 302 and response["Location"].startswith(STATUS)

    wrong = client.post(STATUS, {"number": letter.number, "code": "ABCDEFGH"})
    assert wrong.status_code == 400
    assert NO_MATCH in wrong.content.decode()
    unknown = client.post(STATUS, {"number": "LX209900001", "code": code})
    assert NO_MATCH in unknown.content.decode()
    assert client.get(detail).status_code == 302

    assert unlock(client, letter, code.lower())["Location"] == detail
    page = client.get(detail).content.decode()
    assert SUBJECT in page and CONTENT[:10] in page
    assert 'data-state="received"' in page


def test_repeated_wrong_codes_are_refused_for_an_hour(client, write):
    letter = write(DAY)
    for _ in range(10):
        client.post(STATUS, {"number": letter.number, "code": "WRONGCDE"})
    blocked = client.post(STATUS, {"number": letter.number, "code": "WRONGCDE"})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()


def with_code(letter: Letter, code: str = "ABCDEFGH") -> str:
    """Give ``letter`` a known query code (the real one was shown once and is gone)."""
    Letter.objects.filter(pk=letter.pk).update(query_code=make_password(code))
    return code


def test_the_status_page_shows_the_reply_and_takes_the_rating_once(
    client, write, office, handling_agency, handler, reviewer
):
    letter = write(DAY)
    unlock(client, letter, with_code(letter))
    detail = reverse("letters:status_detail", args=[letter.number])
    assert "Rate the reply" not in client.get(detail).content.decode()
    with at(DAY):
        services.accept_letter(letter, actor=office, handling_agency=handling_agency)
        services.draft_reply(letter, actor=handler, reply_text=REPLY)
    assert REPLY not in client.get(detail).content.decode()  # a draft is not shown
    with at(DAY):
        services.submit_for_review(letter, actor=handler)
        services.review_letter(letter, actor=reviewer, approve=True)

    page = client.get(detail).content.decode()
    assert REPLY in page
    assert "Rate the reply" in page
    assert 'name="reopen"' in page

    # An unsatisfied rating without a comment is refused on the form.
    with at(D(2025, 9, 2)):
        refused = client.post(detail, {"rating": "unsatisfied"})
    assert refused.status_code == 400
    assert "Say what the reply lacks." in refused.content.decode()
    letter.refresh_from_db()
    assert letter.state == State.REPLIED

    with at(D(2025, 9, 2)):
        response = client.post(detail, {"rating": "satisfied", "comment": "很及时"}, follow=True)
    html = response.content.decode()
    assert "Thank you for rating the reply." in html
    assert 'data-rating="satisfied"' in html
    assert "Rate the reply" not in html
    letter.refresh_from_db()
    assert (letter.state, letter.rating) == (State.CLOSED, "satisfied")
    # A second rating changes nothing.
    client.post(detail, {"rating": "unsatisfied", "comment": "改主意了"})
    letter.refresh_from_db()
    assert letter.rating == "satisfied"
    assert letter.events.filter(code=LetterEvent.Code.RATED).count() == 1


def test_an_unsatisfied_writer_asks_for_the_letter_to_be_handled_again(client, replied):
    letter = replied(DAY)
    unlock(client, letter, with_code(letter))
    detail = reverse("letters:status_detail", args=[letter.number])
    with at(D(2025, 9, 2)):
        response = client.post(
            detail, {"rating": "unsatisfied", "comment": "路灯仍不亮", "reopen": "on"}, follow=True
        )
    assert "will be handled again" in response.content.decode()
    letter.refresh_from_db()
    assert letter.state == State.HANDLING and letter.reopened


@pytest.mark.parametrize(
    ("reason", "redirect"),
    [
        (Letter.Rejection.INFO_REQUEST, f'href="{reverse("info_requests:apply")}"'),
        (Letter.Rejection.PETITION, "张店区信访局"),
    ],
)
def test_a_rejected_letter_points_the_writer_to_the_right_channel(
    client, office, agency_factory, reason, redirect
):
    LetterSettings.objects.create(
        petition_agency=agency_factory(name="张店区信访局", slug="petitions", phone="0533-1")
    )
    with at(DAY):
        letter, code = services.submit_letter(letter_input(), submission_key="j" * 20)
        services.reject_letter(letter, actor=office, reason=reason)
    unlock(client, letter, code)
    page = client.get(reverse("letters:status_detail", args=[letter.number])).content.decode()
    assert f'data-reason="{reason}"' in page
    assert redirect in page


# --------------------------------------------------------------------------- privacy


def test_no_page_reachable_without_signing_in_shows_the_writers_contact_details(
    client, settings, tmp_path, replied
):
    """The status page shows what the writer typed about the matter (subject, letter, files),
    never their name, phone or e-mail; no other public page shows any of it."""
    settings.MEDIA_ROOT = str(tmp_path)
    letter = replied(DAY)
    code = with_code(letter)
    pages = [
        INDEX,
        WRITE,
        STATUS,
        f"{STATUS}?number={letter.number}",
        reverse("portal:home"),
        reverse("letters:received", args=[letter.number]),
        reverse("letters:status_detail", args=[letter.number]),
    ]
    for url in pages:
        response = client.get(url)
        assert_private(response.content.decode())
    unlock(client, letter, code)
    page = client.get(reverse("letters:status_detail", args=[letter.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert SUBJECT in html and REPLY in html
    assert_private(html)
    assert page["Cache-Control"].startswith("max-age=0")
    for url in (reverse("letters_staff:queue"), reverse("letters_staff:detail", args=[letter.pk])):
        response = client.get(url)
        assert response.status_code == 302  # to the sign-in
        assert_private(response.content.decode())
