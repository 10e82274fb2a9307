"""Issue 9, uploads: the hostile-file set against the attachment form of a consultation on a
draft (its files become public with it). Each file is refused with its reason and nothing
changes. Comments on a consultation take no file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.interaction.consultations.models import ConsultationAttachment, ConsultationEvent
from tests.core.hostile import assert_every_hostile_file_refused

pytestmark = pytest.mark.django_db


def state() -> tuple[int, int, int]:
    return (
        ConsultationAttachment.objects.count(),
        ConsultationEvent.objects.count(),
        AuditEntry.objects.exclude(kind=AuditEntry.Kind.READ).count(),
    )


def test_the_attachment_form_refuses_every_hostile_file(en_client, make_consultation, editor):
    consultation = make_consultation()
    en_client.force_login(editor)

    def post(name: str, content: bytes):
        return en_client.post(
            reverse("consultations_staff:attachment_upload", args=[consultation.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )

    assert_every_hostile_file_refused(post, state)
