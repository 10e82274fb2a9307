"""Issue 9, uploads: the hostile-file set against every way files enter the catalogue — a
draft's attachment form, the bulk import's archive of attachments and a structured list's
workbook import. Each file is refused with its reason and nothing is stored."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from gongkai.catalogue.bulk_import import import_catalogue
from gongkai.catalogue.models import Attachment, Document, DocumentEvent, ListRecord
from gongkai.core import uploads
from gongkai.core.models import AuditEntry
from tests.catalogue.lists_support import seed
from tests.catalogue.test_bulk_import import row, xlsx
from tests.core.hostile import (
    HOSTILE,
    Hostile,
    assert_every_hostile_file_refused,
    fake_clamd,
    hostile_files,
    stored_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def state() -> tuple[int, ...]:
    return (
        Document.objects.count(),
        Attachment.objects.count(),
        DocumentEvent.objects.count(),
        ListRecord.objects.count(),
        AuditEntry.objects.exclude(kind=AuditEntry.Kind.READ).count(),
    )


def test_a_drafts_attachment_form_refuses_every_hostile_file(english, editor, document_factory):
    document = document_factory()
    english.force_login(editor)

    def post(name: str, content: bytes):
        return english.post(
            reverse("catalogue_staff:attachment_upload", args=[document.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )

    assert_every_hostile_file_refused(post, state)


def test_the_bulk_import_refuses_every_hostile_file_of_its_archive(agency, office_user):
    rows, members = [], io.BytesIO()
    with zipfile.ZipFile(members, "w") as archive:
        for number, (hostile, content) in enumerate(hostile_files(), start=1):
            rows.append(row(agency, index_number=f"H-{number}", attachments=hostile.name))
            archive.writestr(hostile.name, content)
    members.seek(0)
    before = state()

    with fake_clamd() as address, override_settings(GONGKAI_CLAMAV=address):
        report = import_catalogue(xlsx(*rows), actor=office_user, attachments=members)

    problems = {problem.row: problem.message for problem in report.problems}
    for number, hostile in enumerate(HOSTILE, start=2):  # the header is row 1
        assert hostile.words in problems[number], hostile.name
    assert report.documents == 0
    assert state() == before and stored_files() == []


def test_a_lists_workbook_import_refuses_every_hostile_file(english, agency, editor):
    """The workbook policy takes XLSX only: a PDF or an image that is otherwise hostile is
    refused for its type before anything reads it."""
    housing = seed()["housing-allocation"]
    english.force_login(editor)

    def post(name: str, content: bytes):
        return english.post(
            reverse("lists_staff:import", args=[housing.code]),
            {"file": SimpleUploadedFile(name, content)},
        )

    not_a_workbook = "is not a Excel (XLSX) file"
    assert_every_hostile_file_refused(
        post,
        state,
        status=200,  # the import page reports its problems
        words={
            uploads.PDF_ACTIVE: not_a_workbook,
            uploads.IMAGE_TOO_LARGE: not_a_workbook,
        },
    )


def test_the_hostile_set_covers_the_reasons_of_issue_9():
    """The set holds what the issue names: a polyglot, an SVG with script, a zip bomb, the
    EICAR file, a program renamed, a PDF with JavaScript, a decompression bomb."""
    assert {hostile.reason for hostile in HOSTILE} == {
        uploads.POLYGLOT,
        uploads.MARKUP,
        uploads.ZIP_BOMB,
        uploads.INFECTED,
        uploads.PROGRAM,
        uploads.PDF_ACTIVE,
        uploads.IMAGE_TOO_LARGE,
    }
    assert all(isinstance(hostile, Hostile) for hostile in HOSTILE)
