"""The offline CAPTCHA after repeated submissions from one address (issue 9, "Web"): below the
threshold no form shows it; above it every public form does, a submission without the answer or
with a wrong one is refused with a message in the interface's language and changes nothing, and
the right answer passes once. The image is drawn on this server (Pillow), never fetched."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django import forms as django_forms
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from gongkai.core import captcha
from gongkai.interaction.letters.models import Letter
from tests.fuzz.world import (
    build_world,
    page_of,
    public_forms,
    ready_client,
    snapshot,
    today,
)

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="captcha_0" value="([^"]+)"')
IMAGE_RE = re.compile(r'<img class="captcha-image"\s+src="([^"]+)"[^>]*\salt="([^"]+)"')
MISSING = "Type the characters shown in the image."
WRONG = (
    "The characters do not match the image, or the image has expired. Type the characters of "
    "the new image."
)


def token_on(html: str) -> str | None:
    match = TOKEN_RE.search(html)
    return match.group(1) if match else None


def solve(token: str) -> str:
    """What a person reads in the image of ``token``."""
    nonce = captcha.nonce_of(token)
    assert nonce is not None
    return captcha.answer_for(nonce)


def in_chinese(message: str) -> str:
    """``message`` as the Chinese interface shows it (escaped as on the page)."""
    from django.utils.html import escape

    with translation.override("zh-hans"):
        return escape(gettext(message))


# --------------------------------------------------------------------------- challenges


def test_a_right_answer_passes_once_and_never_again():
    token = captcha.new_challenge()
    assert captcha.check(token, solve(token))
    assert not captcha.check(token, solve(token))  # a replayed form


def test_a_wrong_answer_uses_up_the_challenge():
    token = captcha.new_challenge()
    assert not captcha.check(token, "AAAAA")
    assert not captcha.check(token, solve(token))  # one try per image: no guessing in a loop


def test_answers_are_read_as_a_person_types_them():
    """Small letters, spaces, the full-width forms of a Chinese input method."""
    for typed in (
        lambda a: a.lower(),
        lambda a: f" {a[:2]} {a[2:]} ",
        lambda a: "".join(chr(ord(c) + 0xFEE0) for c in a),  # full-width
    ):
        token = captcha.new_challenge()
        assert captcha.check(token, typed(solve(token)))


def test_a_forged_altered_or_expired_token_is_refused(settings, client):
    settings.GONGKAI_CAPTCHA_MAX_AGE = 600
    start = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        token = captcha.new_challenge()
        answer = solve(token)
    nonce, _sep, rest = token.partition(":")
    altered = f"{nonce[:-1]}{'A' if nonce[-1] != 'A' else 'B'}:{rest}"
    with time_machine.travel(start + datetime.timedelta(seconds=601), tick=False):
        assert not captcha.check(token, answer)
        assert client.get(f"/captcha/{token}.png").status_code == 404
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert not captcha.check(altered, answer)
        assert not captcha.check("forged", answer)
        assert captcha.check(token, answer)


def test_the_image_is_drawn_here_the_same_each_time_and_never_cached(client):
    token = captcha.new_challenge()
    first = client.get(f"/captcha/{token}.png")
    second = client.get(f"/captcha/{token}.png")
    assert first.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert "no-cache" in first["Cache-Control"] or "no-store" in first["Cache-Control"]
    assert first.content == second.content  # one picture per challenge: nothing to average
    picture = Image.open(io.BytesIO(first.content))
    assert picture.size == (captcha.WIDTH, captcha.HEIGHT)
    assert client.get("/captcha/not-a-token.png").status_code == 404


# --------------------------------------------------------------------------- the forms


def test_below_the_threshold_no_form_asks_and_above_it_each_one_does(settings):
    """Every public form: no CAPTCHA before the address's submissions reach the threshold;
    then the page shows the image (with alt text that does not give the answer) and the box,
    a submission without the answer is refused and changes nothing, and one with the right
    answer goes through."""
    world = build_world()
    forms = public_forms(world)
    assert len(forms) >= 13
    for form in forms:
        settings.GONGKAI_CAPTCHA_AFTER = 1
        with today():
            client = ready_client(form, world)
            page = client.get(page_of(form)).content.decode()
            assert "captcha-image" not in page, form.name
            assert token_on(page) is None, form.name

            settings.GONGKAI_CAPTCHA_AFTER = 0  # from the first submission on
            page = client.get(page_of(form)).content.decode()
            image = IMAGE_RE.search(page)
            assert image is not None, form.name
            token = token_on(page)
            assert token is not None, form.name
            assert image.group(1) == f"/captcha/{token}.png"
            assert solve(token) not in image.group(2)
            assert 'name="captcha_1"' in page, form.name

            before = snapshot()
            refused = client.post(form.url, {**form.data(), "captcha_0": token})
            assert refused.status_code != 302, form.name
            assert MISSING in refused.content.decode(), form.name
            assert snapshot() == before, form.name

            fresh = token_on(refused.content.decode())
            assert fresh is not None and fresh != token, form.name  # a new image
            passed = client.post(
                form.url, {**form.data(), "captcha_0": fresh, "captcha_1": solve(fresh)}
            )
            assert passed.status_code == 302, (form.name, passed.content.decode()[:3000])


def test_after_repeated_letters_a_wrong_or_missing_answer_is_refused_in_chinese_and_a_right_one_passes_once(  # noqa: E501
    settings,
):
    """The rule end to end on the letter form, in the default (Chinese) interface."""
    settings.GONGKAI_CAPTCHA_AFTER = 2
    world = build_world()
    letter_form = next(form for form in public_forms(world) if form.name == "letter")
    with today():
        client = ready_client(letter_form, world, language="zh-hans")
        for _ in range(2):
            assert token_on(client.get(letter_form.url).content.decode()) is None
            assert client.post(letter_form.url, letter_form.data()).status_code == 302

        token = token_on(client.get(letter_form.url).content.decode())
        assert token is not None
        before, letters = snapshot(), Letter.objects.count()

        missing = client.post(letter_form.url, letter_form.data())
        assert missing.status_code == 400
        assert in_chinese(MISSING) in missing.content.decode()

        token = token_on(missing.content.decode())
        wrong = client.post(
            letter_form.url, {**letter_form.data(), "captcha_0": token, "captcha_1": "XXXXX"}
        )
        assert wrong.status_code == 400
        assert in_chinese(WRONG) in wrong.content.decode()
        assert snapshot() == before

        token = token_on(wrong.content.decode())
        assert token is not None
        right = {"captcha_0": token, "captcha_1": solve(token)}
        assert client.post(letter_form.url, {**letter_form.data(), **right}).status_code == 302
        assert Letter.objects.count() == letters + 1

        replayed = client.post(letter_form.url, {**letter_form.data(), **right})
        assert replayed.status_code == 400
        assert Letter.objects.count() == letters + 1

        # Another address has sent nothing: it is not asked.
        elsewhere = Client(REMOTE_ADDR="192.0.2.44")
        assert token_on(elsewhere.get(letter_form.url).content.decode()) is None


def test_the_count_is_per_address_and_across_forms(settings):
    settings.GONGKAI_CAPTCHA_AFTER = 2
    world = build_world()
    forms = {form.name: form for form in public_forms(world)}
    status, letter = forms["application status"], forms["letter"]
    client = ready_client(status, world)
    with today():
        client.post(status.url, {"number": "YSQ000", "code": "WRONG123"})
        client.post(letter.url, {})  # a rejected submission counts too
        assert token_on(client.get(letter.url).content.decode()) is not None
        assert captcha.submissions(_request_from("127.0.0.1")) == 2
        assert captcha.submissions(_request_from("192.0.2.45")) == 0


def test_a_negative_threshold_switches_it_off(settings):
    settings.GONGKAI_CAPTCHA_AFTER = -1
    request = _request_from("127.0.0.1")
    for _ in range(50):
        form = captcha.protect(request, _Form(data={}))
    assert captcha.submissions(request) == 50
    assert captcha.FIELD_NAME not in form.fields
    assert not captcha.required(request)


class _Form(django_forms.Form):
    text = django_forms.CharField(required=False)


def _request_from(address: str):
    from django.test import RequestFactory

    return RequestFactory().get("/", REMOTE_ADDR=address)
