"""Issue 9, uploads: the hostile-file set against the application forms that take files —
the office's registration of a paper application with its scan, and a case's file upload.
(The public application form takes no file.) Each file is refused with its reason and
nothing changes: no application, no file, no event."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.info_requests.models import InfoRequest, RequestEvent, RequestFile
from tests.core.hostile import assert_every_hostile_file_refused
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID, at

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def state() -> tuple[int, int, int, int]:
    return (
        InfoRequest.objects.count(),
        RequestFile.objects.count(),
        RequestEvent.objects.count(),
        AuditEntry.objects.exclude(kind=AuditEntry.Kind.READ).count(),  # pages shown are reads
    )


def test_the_registration_of_a_paper_application_refuses_every_hostile_scan(
    english, agency, office
):
    english.force_login(office)

    def post(name: str, content: bytes):
        with at(D(2025, 9, 2)):
            return english.post(
                reverse("info_requests_staff:register"),
                {
                    "agency": agency.pk,
                    "channel": InfoRequest.Channel.IN_PERSON,
                    "arrived_on": "2025-09-01",
                    "case_type": InfoRequest.CaseType.INFORMATION,
                    "applicant_kind": InfoRequest.ApplicantKind.PERSON,
                    "name": APPLICANT_NAME,
                    "id_type": InfoRequest.IdType.RESIDENT_ID,
                    "id_number": VALID_ID,
                    "phone": APPLICANT_PHONE,
                    "address": "张家港市人民路1号",
                    "description": "2024年度城市建设维护资金使用情况",
                    "form": InfoRequest.Form.PAPER,
                    "delivery": InfoRequest.Delivery.POST,
                    "original": SimpleUploadedFile(name, content),
                },
            )

    assert_every_hostile_file_refused(post, state)


def test_a_cases_file_upload_refuses_every_hostile_file(english, assigned, handler):
    case = assigned(D(2025, 9, 1))
    english.force_login(handler)

    def post(name: str, content: bytes):
        with at(D(2025, 9, 2)):
            return english.post(
                reverse("info_requests_staff:upload_file", args=[case.pk]),
                {"kind": RequestFile.Kind.OTHER, "file": SimpleUploadedFile(name, content)},
            )

    assert_every_hostile_file_refused(post, state)
