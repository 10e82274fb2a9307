"""Supervision notices (督查通知): the office writes and issues them to agencies, each agency's
head or editor answers once with its report (late when after the reply deadline), the office
closes them; drafts are the office's alone and one agency never reads another's answer."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.supervision.plans import permissions, services
from gongkai.supervision.plans.models import NoticeEvent, NoticeRecipient, SupervisionNotice
from gongkai.supervision.plans.workflow import PlanError, PlanPermissionDenied, WorkflowError
from tests.catalogue.conftest import make_pdf
from tests.supervision.plans.conftest import at

pytestmark = pytest.mark.django_db
D = datetime.date
SUBJECT = "关于对张政办发〔2014〕50号文件落实情况开展督查工作的通知"
TEXT = "请各单位对照重点工作安排表，将落实情况形成书面报告。"
ANSWER = "我局已按要求完成全部任务，报告如下。"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def notice(office, lead_agency, co_agency, plan) -> SupervisionNotice:
    with at(D(2025, 11, 3)):
        return services.create_notice(
            actor=office, subject=SUBJECT, text=TEXT, reply_deadline=D(2025, 11, 20),
            agencies=[lead_agency, co_agency, lead_agency], plan=plan,
        )  # fmt: skip


def recipient(notice: SupervisionNotice, agency) -> NoticeRecipient:
    return notice.recipients.get(agency=agency)


def test_a_notice_is_written_issued_answered_and_closed(
    notice, office, editor, co_editor, lead_agency, co_agency
):
    assert notice.state == "draft"
    assert notice.recipients.count() == 2  # each agency once
    # A draft is the office's alone.
    assert not permissions.notices_visible_to(editor).exists()
    with at(D(2025, 11, 4)):
        services.issue_notice(notice, actor=office)
    notice.refresh_from_db()
    assert (notice.state, notice.issued_on) == ("issued", D(2025, 11, 4))
    assert list(permissions.notices_visible_to(editor)) == [notice]

    pdf = SimpleUploadedFile("报告.pdf", make_pdf("report"), content_type="application/pdf")
    with at(D(2025, 11, 20)):
        answered = services.answer_notice(
            recipient(notice, lead_agency), actor=editor, text=ANSWER, files=[pdf]
        )
    assert (answered.state, answered.late, answered.replied_by) == ("answered", False, editor)
    assert answered.files.get().original_name == "报告.pdf"
    with at(D(2025, 11, 21)):
        late = services.answer_notice(recipient(notice, co_agency), actor=co_editor, text=ANSWER)
    assert late.late is True  # after the reply deadline

    with at(D(2025, 11, 24)):
        services.close_notice(notice, actor=office)
    notice.refresh_from_db()
    assert (notice.state, notice.closed_on) == ("closed", D(2025, 11, 24))
    assert list(notice.events.values_list("code", flat=True)) == [
        "created", "issued", "answered", "answered", "closed",
    ]  # fmt: skip


def test_answers_are_checked(notice, office, editor, handler, stranger, co_editor, lead_agency):
    mine = recipient(notice, lead_agency)
    with at(D(2025, 11, 3)), pytest.raises(PlanError, match="takes no answers"):
        services.answer_notice(mine, actor=editor, text=ANSWER)  # still a draft
    with at(D(2025, 11, 4)):
        services.issue_notice(notice, actor=office)
    for user in (handler, stranger, co_editor, office):  # not lead_agency's head or editor
        with at(D(2025, 11, 5)), pytest.raises(PlanPermissionDenied):
            services.answer_notice(mine, actor=user, text=ANSWER)
    with at(D(2025, 11, 5)), pytest.raises(PlanError) as refused:
        services.answer_notice(mine, actor=editor, text="")
    assert refused.value.field == "text"
    mine.refresh_from_db()
    assert mine.state == "waiting"
    assert not NoticeEvent.objects.filter(code="answered").exists()

    with at(D(2025, 11, 5)):
        services.answer_notice(mine, actor=editor, text=ANSWER)
        with pytest.raises(WorkflowError, match="answered this notice already"):
            services.answer_notice(mine, actor=editor, text=ANSWER + "补充。")
        services.close_notice(notice, actor=office)
    other = notice.recipients.exclude(pk=mine.pk).get()
    with at(D(2025, 11, 6)), pytest.raises(PlanError, match="takes no answers"):
        services.answer_notice(other, actor=co_editor, text=ANSWER)


def test_only_the_office_writes_issues_and_closes(notice, editor, lead_agency, office):
    with pytest.raises(PlanPermissionDenied):
        services.create_notice(
            actor=editor, subject=SUBJECT, text=TEXT, reply_deadline=D(2099, 1, 1),
            agencies=[lead_agency],
        )  # fmt: skip
    with pytest.raises(PlanPermissionDenied):
        services.issue_notice(notice, actor=editor)
    notice.refresh_from_db()
    assert notice.state == "draft"
    with at(D(2025, 11, 4)):
        services.issue_notice(notice, actor=office)
        with pytest.raises(WorkflowError):
            services.issue_notice(notice, actor=office)
        with pytest.raises(PlanPermissionDenied):
            services.close_notice(notice, actor=editor)


def test_one_agency_does_not_read_anothers_answer(
    notice, office, editor, co_editor, lead_agency, co_agency
):
    with at(D(2025, 11, 4)):
        services.issue_notice(notice, actor=office)
        services.answer_notice(recipient(notice, lead_agency), actor=editor, text=ANSWER)
    assert [row.agency for row in permissions.recipients_visible_to(co_editor, notice)] == [
        co_agency
    ]
    assert permissions.recipients_visible_to(office, notice).count() == 2


def test_a_notice_needs_agencies_and_a_reply_deadline_ahead(office):
    with at(D(2025, 11, 3)):
        with pytest.raises(PlanError) as refused:
            services.create_notice(
                actor=office, subject=SUBJECT, text=TEXT, reply_deadline=D(2025, 11, 20),
                agencies=[],
            )  # fmt: skip
        assert refused.value.field == "agencies"
    assert not SupervisionNotice.objects.exists()
