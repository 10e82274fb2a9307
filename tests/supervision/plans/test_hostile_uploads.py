"""Issue 9, uploads: the hostile-file set against the evidence forms of key tasks — a progress
report's files and an answer to a supervision notice. Each file is refused with its reason
and nothing changes: no report, no answer, no event, no file."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.supervision.plans import services
from gongkai.supervision.plans.models import (
    NoticeEvent,
    NoticeRecipient,
    NoticeReplyFile,
    TaskEvent,
    TaskReport,
    TaskReportFile,
)
from tests.core.hostile import assert_every_hostile_file_refused
from tests.supervision.plans.conftest import PROGRESS, at

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def state() -> tuple:
    return (
        TaskReport.objects.count(),
        TaskReportFile.objects.count(),
        TaskEvent.objects.count(),
        list(NoticeRecipient.objects.order_by("pk").values_list("pk", "state")),
        NoticeReplyFile.objects.count(),
        NoticeEvent.objects.count(),
        AuditEntry.objects.exclude(kind=AuditEntry.Kind.READ).count(),
    )


def test_a_progress_report_refuses_every_hostile_file(english, signed, editor):
    task = signed(D(2025, 9, 1), D(2025, 12, 31))
    english.force_login(editor)

    def post(name: str, content: bytes):
        with at(D(2025, 10, 10)):
            return english.post(
                reverse("plans_staff:report", args=[task.pk]),
                {
                    "text": PROGRESS,
                    "percentage": "30",
                    "attachments": [SimpleUploadedFile(name, content)],
                },
            )

    assert_every_hostile_file_refused(post, state)


def test_an_answer_to_a_notice_refuses_every_hostile_file(
    english, office, editor, lead_agency, plan
):
    with at(D(2025, 11, 3)):
        notice = services.create_notice(
            actor=office,
            subject="关于报送政务公开整改情况的通知",
            text="请于11月20日前报送整改情况。",
            reply_deadline=D(2025, 11, 20),
            agencies=[lead_agency],
            plan=plan,
        )
        services.issue_notice(notice, actor=office)
    english.force_login(editor)

    def post(name: str, content: bytes):
        with at(D(2025, 11, 10)):
            return english.post(
                reverse("plans_staff:notice_answer", args=[notice.pk]),
                {"text": "已全部落实。", "attachments": [SimpleUploadedFile(name, content)]},
            )

    assert_every_hostile_file_refused(post, state)
