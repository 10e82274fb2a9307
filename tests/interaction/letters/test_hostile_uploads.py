"""Issue 9, uploads: the hostile-file set against the letter forms — the public form and the
office's registration of a paper letter. Each file is refused with its reason and nothing is
stored: no letter, no event, no file."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.interaction.letters.models import Letter, LetterAttachment, LetterEvent
from tests.core.hostile import assert_every_hostile_file_refused
from tests.interaction.letters.conftest import (
    CONTENT,
    SUBJECT,
    WRITER_EMAIL,
    WRITER_NAME,
    WRITER_PHONE,
    at,
    letter_type,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 9, 24)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def state() -> tuple[int, int, int, int]:
    return (
        Letter.objects.count(),
        LetterAttachment.objects.count(),
        LetterEvent.objects.count(),
        AuditEntry.objects.exclude(kind=AuditEntry.Kind.READ).count(),  # pages shown are reads
    )


def test_the_public_letter_form_refuses_every_hostile_file(english):
    def post(name: str, content: bytes):
        with at(DAY):
            return english.post(
                reverse("letters:write"),
                {
                    "submission_key": "k" * 43,
                    "letter_type": str(letter_type("complaint").pk),
                    "name": WRITER_NAME,
                    "phone": WRITER_PHONE,
                    "email": WRITER_EMAIL,
                    "subject": SUBJECT,
                    "content": CONTENT,
                    "attachments": [SimpleUploadedFile(name, content)],
                },
            )

    assert_every_hostile_file_refused(post, state)


def test_the_offices_registration_refuses_every_hostile_file(english, office):
    english.force_login(office)

    def post(name: str, content: bytes):
        with at(DAY):
            return english.post(
                reverse("letters_staff:register"),
                {
                    "channel": "letter",
                    "received_on": "2025-09-23",
                    "letter_type": letter_type("complaint").pk,
                    "name": WRITER_NAME,
                    "phone": WRITER_PHONE,
                    "subject": SUBJECT,
                    "content": CONTENT,
                    "attachments": [SimpleUploadedFile(name, content)],
                },
            )

    assert_every_hostile_file_refused(post, state)
