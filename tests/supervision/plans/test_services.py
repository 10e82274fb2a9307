"""Every action on a key task through the services: each transition with its event and audit
entry, each refusal with nothing changed, extensions, evidence (catalogue documents must exist
and be visible to the reporter; files), co-responsible agencies, and building a plan."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.agencies.models import StaffRole
from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import Document
from gongkai.core.models import AuditEntry
from gongkai.supervision.plans import services
from gongkai.supervision.plans.models import KeyTask, TaskEvent, TaskReport, TaskReportFile
from gongkai.supervision.plans.workflow import PlanError, PlanPermissionDenied, WorkflowError
from tests.catalogue.conftest import make_pdf
from tests.supervision.plans.conftest import DONE, OUTPUT, PROGRESS, TITLE, at

pytestmark = pytest.mark.django_db
D = datetime.date
State = KeyTask.State
Code = TaskEvent.Code
DEADLINE = D(2025, 6, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def snapshot(task: KeyTask) -> tuple:
    """What a refused action must leave exactly as it was."""
    task.refresh_from_db()
    return (
        task.state,
        task.updated_at,
        task.deadline,
        task.progress,
        task.extension_requested_until,
        TaskEvent.objects.filter(task=task).count(),
        TaskReport.objects.filter(task=task).count(),
        AuditEntry.objects.count(),
    )


def codes(task: KeyTask) -> list[str]:
    return list(task.events.order_by("on", "at", "id").values_list("code", flat=True))


# --- the whole path --------------------------------------------------------------------------


def test_assign_sign_report_complete_and_accept(assign, office, editor, head, lead_agency):
    task = assign(D(2025, 3, 3), DEADLINE)
    assert (task.number, task.state, task.assigned_on) == (1, State.ASSIGNED, D(2025, 3, 3))
    assert task.original_deadline == task.deadline == DEADLINE

    with at(D(2025, 3, 4)):
        services.sign_task(task, actor=head, comment="由预算科负责。")
    task.refresh_from_db()
    assert (task.state, task.signed_on) == (State.SIGNED, D(2025, 3, 4))

    with at(D(2025, 4, 1)):
        report = services.report_progress(task, actor=editor, text=PROGRESS, percentage=60)
    task.refresh_from_db()
    assert (task.state, task.progress) == (State.IN_PROGRESS, 60)
    assert (report.agency, report.percentage, report.kind) == (lead_agency, 60, "progress")

    with at(D(2025, 6, 20)):
        completion = services.report_completion(task, actor=editor, text=DONE)
    task.refresh_from_db()
    assert (task.state, task.completion_reported_on) == (State.COMPLETION_REPORTED, D(2025, 6, 20))
    assert task.progress == 60  # not 100 until the office accepts
    assert completion.percentage is None

    with at(D(2025, 6, 23)):
        services.accept_task(task, actor=office, comment="材料齐全。")
    task.refresh_from_db()
    assert (task.state, task.accepted_on, task.progress) == (State.ACCEPTED, D(2025, 6, 23), 100)

    assert codes(task) == [
        "assigned", "signed", "progress_reported", "completion_reported", "accepted",
    ]  # fmt: skip
    accepted = task.events.get(code=Code.ACCEPTED)
    assert (accepted.actor, accepted.from_state, accepted.to_state) == (
        office, "completion_reported", "accepted"
    )  # fmt: skip
    assert accepted.data["on_time"] is True
    actions = set(
        AuditEntry.objects.filter(
            object_type="supervision.keytask", object_id=str(task.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {
        "plans.assign", "plans.sign", "plans.report_progress", "plans.report_completion",
        "plans.accept",
    }  # fmt: skip


def test_a_completion_after_the_deadline_is_recorded_late(signed, editor, office):
    task = signed(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 7, 2)):
        services.report_completion(task, actor=editor, text=DONE)
        services.accept_task(task, actor=office)
    assert task.events.get(code=Code.ACCEPTED).data["on_time"] is False
    assert task.events.get(code=Code.COMPLETION_REPORTED).data["on_time"] is False


def test_sent_back_then_reported_again_and_accepted(reported, editor, office):
    task = reported(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 3, 5)):
        services.send_back_task(task, actor=office, reason="请补充三公经费说明。")
    task.refresh_from_db()
    assert task.state == State.SENT_BACK
    assert task.events.get(code=Code.SENT_BACK).comment == "请补充三公经费说明。"
    with at(D(2025, 3, 10)):
        services.report_progress(task, actor=editor, text="已补充三公经费说明。", percentage=95)
    task.refresh_from_db()
    assert (task.state, task.progress) == (State.IN_PROGRESS, 95)
    with at(D(2025, 3, 12)):
        services.report_completion(task, actor=editor, text=DONE)
        services.accept_task(task, actor=office)
    task.refresh_from_db()
    assert task.state == State.ACCEPTED
    assert codes(task)[-5:] == [
        "completion_reported", "sent_back", "progress_reported", "completion_reported",
        "accepted",
    ]  # fmt: skip


def test_completion_may_follow_signing_directly_and_after_a_send_back(reported, office, editor):
    task = reported(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 3, 4)):
        services.send_back_task(task, actor=office, reason="缺网址。")
        services.report_completion(task, actor=editor, text=DONE + "网址见附件。")
    task.refresh_from_db()
    assert task.state == State.COMPLETION_REPORTED


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["stranger", "handler", "co_editor", "office"])
def test_only_the_lead_agencys_head_or_editor_signs(assign, who, request):
    task = assign(D(2025, 3, 3), DEADLINE)
    user = request.getfixturevalue(who)
    before = snapshot(task)
    with at(D(2025, 3, 4)), pytest.raises(PlanPermissionDenied):
        services.sign_task(task, actor=user)
    assert snapshot(task) == before


def test_another_agencys_staff_change_nothing(reported, signed, stranger, office):
    task = signed(D(2025, 3, 3), DEADLINE)
    before = snapshot(task)
    with at(D(2025, 3, 4)):
        for call in (
            lambda: services.report_progress(task, actor=stranger, text=PROGRESS, percentage=9),
            lambda: services.request_extension(
                task, actor=stranger, until=D(2025, 7, 30), reason="人手不足。"
            ),
            lambda: services.report_completion(task, actor=stranger, text=DONE),
            lambda: services.accept_task(task, actor=stranger),
            lambda: services.send_back_task(task, actor=stranger, reason="不行。"),
        ):
            with pytest.raises(PlanPermissionDenied):
                call()
    assert snapshot(task) == before
    done = reported(D(2025, 3, 3), DEADLINE)
    before = snapshot(done)
    with at(D(2025, 3, 4)), pytest.raises(PlanPermissionDenied):
        services.accept_task(done, actor=stranger)
    assert snapshot(done) == before


def test_the_agency_cannot_accept_its_own_task(reported, editor, head):
    task = reported(D(2025, 3, 3), DEADLINE)
    before = snapshot(task)
    for user in (editor, head):
        with at(D(2025, 3, 4)), pytest.raises(PlanPermissionDenied):
            services.accept_task(task, actor=user)
    assert snapshot(task) == before


def test_reporting_before_signing_is_refused(assign, editor):
    task = assign(D(2025, 3, 3), DEADLINE)
    before = snapshot(task)
    with at(D(2025, 3, 4)):
        with pytest.raises(PlanError, match="Sign for the task"):
            services.report_progress(task, actor=editor, text=PROGRESS, percentage=10)
        with pytest.raises(PlanError, match="Sign for the task"):
            services.report_completion(task, actor=editor, text=DONE)
    assert snapshot(task) == before


def test_transitions_from_the_wrong_state_are_refused(assign, signed, office, editor):
    task = assign(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 3, 4)):
        with pytest.raises(WorkflowError):
            services.accept_task(task, actor=office)
        with pytest.raises(WorkflowError):
            services.send_back_task(task, actor=office, reason="不行。")
        services.sign_task(task, actor=editor)
        with pytest.raises(WorkflowError):
            services.sign_task(task, actor=editor)
        with pytest.raises(WorkflowError):
            services.accept_task(task, actor=office)
        services.report_completion(task, actor=editor, text=DONE)
        services.accept_task(task, actor=office)
    before = snapshot(task)
    with at(D(2025, 3, 5)):
        with pytest.raises(PlanError):
            services.report_progress(task, actor=editor, text=PROGRESS, percentage=100)
        with pytest.raises(WorkflowError):
            services.report_completion(task, actor=editor, text=DONE)
        with pytest.raises(WorkflowError):
            services.send_back_task(task, actor=office, reason="再看看。")
        with pytest.raises(PlanError):
            services.request_extension(task, actor=editor, until=D(2025, 8, 1), reason="再延。")
    assert snapshot(task) == before


def test_the_lead_must_give_a_percentage_from_0_to_100(signed, editor):
    task = signed(D(2025, 3, 3), DEADLINE)
    before = snapshot(task)
    for value in (None, 101):
        with at(D(2025, 3, 4)), pytest.raises(PlanError) as refused:
            services.report_progress(task, actor=editor, text=PROGRESS, percentage=value)
        assert refused.value.field == "percentage"
    with at(D(2025, 3, 4)), pytest.raises(PlanError) as refused:
        services.report_progress(task, actor=editor, text=" ", percentage=10)
    assert refused.value.field == "text"
    assert snapshot(task) == before


def test_sending_back_needs_a_reason(reported, office):
    task = reported(D(2025, 3, 3), DEADLINE)
    before = snapshot(task)
    with at(D(2025, 3, 4)), pytest.raises(PlanError) as refused:
        services.send_back_task(task, actor=office, reason="")
    assert refused.value.field == "reason"
    assert snapshot(task) == before


def test_dates_are_neither_in_the_future_nor_before_the_last_step(signed, editor):
    task = signed(D(2025, 3, 10), DEADLINE)
    before = snapshot(task)
    with at(D(2025, 3, 12)):
        with pytest.raises(PlanError, match="future"):
            services.report_progress(
                task, actor=editor, text=PROGRESS, percentage=10, on=D(2025, 3, 13)
            )
        with pytest.raises(PlanError, match="before 2025-03-10"):
            services.report_progress(
                task, actor=editor, text=PROGRESS, percentage=10, on=D(2025, 3, 7)
            )
    assert snapshot(task) == before


# --- co-responsible agencies -----------------------------------------------------------------


def test_a_co_responsible_agency_reports_its_part_without_a_percentage(
    signed, co_editor, co_agency
):
    task = signed(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 3, 5)):
        report = services.report_progress(task, actor=co_editor, text="审计局已完成审核。")
    task.refresh_from_db()
    assert (task.state, task.progress) == (State.SIGNED, 0)  # unchanged
    assert (report.agency, report.percentage) == (co_agency, None)
    assert codes(task)[-1] == "contribution_reported"
    before = snapshot(task)
    with at(D(2025, 3, 5)):
        with pytest.raises(PlanPermissionDenied):
            services.report_completion(task, actor=co_editor, text=DONE)
        with pytest.raises(PlanPermissionDenied):
            services.request_extension(
                task, actor=co_editor, until=D(2025, 7, 30), reason="需要更多时间。"
            )
    assert snapshot(task) == before


# --- extensions ------------------------------------------------------------------------------


def test_an_extension_is_asked_for_and_approved(signed, editor, office):
    task = signed(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 6, 20)):
        services.request_extension(task, actor=editor, until=D(2025, 7, 31), reason="等待审计。")
    task.refresh_from_db()
    assert (task.extension_requested_until, task.state) == (D(2025, 7, 31), State.SIGNED)
    with at(D(2025, 6, 20)), pytest.raises(PlanError, match="waiting for the office"):
        services.request_extension(task, actor=editor, until=D(2025, 8, 31), reason="再延。")
    with at(D(2025, 6, 23)):
        services.decide_extension(task, actor=office, approve=True, until=D(2025, 7, 15))
    task.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (D(2025, 7, 15), DEADLINE)
    assert task.extended and task.extension_requested_until is None
    approved = task.events.get(code=Code.EXTENSION_APPROVED)
    assert approved.data == {
        "deadline": "2025-06-30", "requested": "2025-07-31", "until": "2025-07-15",
    }  # fmt: skip


def test_an_extension_is_refused_with_a_reason(signed, editor, office):
    task = signed(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 6, 20)):
        services.request_extension(task, actor=editor, until=D(2025, 7, 31), reason="等待审计。")
        with pytest.raises(PlanError) as refused:
            services.decide_extension(task, actor=office, approve=False)
        assert refused.value.field == "comment"
        services.decide_extension(task, actor=office, approve=False, comment="时限不能推迟。")
    task.refresh_from_db()
    assert (task.deadline, task.extension_requested_until) == (DEADLINE, None)
    assert task.events.get(code=Code.EXTENSION_REFUSED).comment == "时限不能推迟。"


def test_extension_requests_are_checked(signed, assign, editor, office, stranger):
    task = signed(D(2025, 3, 3), DEADLINE)
    before = snapshot(task)
    with at(D(2025, 6, 20)):
        with pytest.raises(PlanError) as refused:
            services.request_extension(task, actor=editor, until=DEADLINE, reason="等待。")
        assert refused.value.field == "until"
        with pytest.raises(PlanError, match="No extension request"):
            services.decide_extension(task, actor=office, approve=True)
        services.request_extension(task, actor=editor, until=D(2025, 7, 31), reason="等待审计。")
        middle = snapshot(task)
        with pytest.raises(PlanPermissionDenied):
            services.decide_extension(task, actor=editor, approve=True)
        with pytest.raises(PlanPermissionDenied):
            services.decide_extension(task, actor=stranger, approve=True)
        with pytest.raises(PlanError):
            services.decide_extension(task, actor=office, approve=True, until=DEADLINE)
    assert snapshot(task) == middle != before
    unsigned = assign(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 3, 4)), pytest.raises(PlanError):
        services.request_extension(unsigned, actor=editor, until=D(2025, 7, 31), reason="早。")


def test_a_completion_report_lets_a_pending_extension_lapse(signed, editor):
    task = signed(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 6, 20)):
        services.request_extension(task, actor=editor, until=D(2025, 7, 31), reason="等待审计。")
        services.report_completion(task, actor=editor, text=DONE)
    task.refresh_from_db()
    assert task.extension_requested_until is None and task.deadline == DEADLINE
    assert codes(task)[-2:] == ["extension_withdrawn", "completion_reported"]


# --- evidence --------------------------------------------------------------------------------


@pytest.fixture
def documents(lead_agency, other_agency, editor, staff_role_factory, office):
    """A published document of another agency, a withdrawn one of the lead agency (its staff
    still see it) and a withdrawn one of another agency (nobody there may link it)."""
    reviewer = staff_role_factory(agency=lead_agency, role=StaffRole.Role.REVIEWER).user
    other_editor = staff_role_factory(agency=other_agency, role=StaffRole.Role.EDITOR).user
    other_reviewer = staff_role_factory(agency=other_agency, role=StaffRole.Role.REVIEWER).user

    def published(agency, author, approver, title) -> Document:
        draft = catalogue.create_document(
            agency=agency, actor=author, kind=Document.Kind.DOCUMENT, title=title,
            summary="概述", body="<p>正文。</p>", formation_date=D(2025, 3, 1),
        )  # fmt: skip
        catalogue.submit_document(draft, actor=author)
        return catalogue.approve_document(draft, actor=approver)

    public = published(other_agency, other_editor, other_reviewer, "2025年区级预算公开")
    own = published(lead_agency, editor, reviewer, "财政局内部工作方案")
    catalogue.withdraw_document(own, actor=reviewer, reason="误发。")
    hidden = published(other_agency, other_editor, other_reviewer, "审计局内部材料")
    catalogue.withdraw_document(hidden, actor=other_reviewer, reason="误发。")
    for document in (public, own, hidden):
        document.refresh_from_db()
    return public, own, hidden


def test_evidence_documents_must_exist_and_be_visible_to_the_reporter(
    signed, editor, co_editor, documents
):
    public, own, hidden = documents
    task = signed(D(2025, 3, 3), DEADLINE)
    numbers = f"{public.index_number}\n{own.index_number}"
    report = services.report_progress(
        task, actor=editor, text=PROGRESS, percentage=30,
        document_numbers=services.parse_identifiers(numbers),
    )  # fmt: skip
    assert list(report.documents.order_by("pk")) == sorted([public, own], key=lambda d: d.pk)

    before = snapshot(task)
    for unknown in (hidden.index_number, "NO-SUCH-NUMBER"):
        with pytest.raises(PlanError) as refused:
            services.report_progress(
                task, actor=editor, text=PROGRESS, percentage=40, document_numbers=[unknown]
            )
        assert refused.value.field == "documents"
        assert f"No document you may see has the index number “{unknown}”" in str(refused.value)
    # The lead agency's withdrawn document is not the co-responsible agency's to link.
    with pytest.raises(PlanError, match="No document you may see"):
        services.report_progress(
            task, actor=co_editor, text=PROGRESS, document_numbers=[own.index_number]
        )
    assert snapshot(task) == before


def test_evidence_files_are_checked_and_stored_privately(signed, editor):
    task = signed(D(2025, 3, 3), DEADLINE)
    pdf = SimpleUploadedFile("公开情况.pdf", make_pdf("budget"), content_type="application/pdf")
    report = services.report_progress(task, actor=editor, text=PROGRESS, percentage=30, files=[pdf])
    stored = report.files.get()
    assert (stored.original_name, stored.content_type) == ("公开情况.pdf", "application/pdf")
    assert stored.file.name.startswith("key-tasks/") and "公开" not in stored.file.name

    before = snapshot(task)
    fake = SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(PlanError) as refused:
        services.report_progress(task, actor=editor, text=PROGRESS, percentage=40, files=[fake])
    assert refused.value.field == "attachments"
    too_many = [
        SimpleUploadedFile(f"{n}.pdf", make_pdf("x"), content_type="application/pdf")
        for n in range(6)
    ]
    with pytest.raises(PlanError, match="at most 5"):
        services.report_progress(task, actor=editor, text=PROGRESS, percentage=40, files=too_many)
    assert snapshot(task) == before
    assert TaskReportFile.objects.count() == 1


# --- building the plan -----------------------------------------------------------------------


def test_only_the_office_builds_plans(government, editor, plan, category, lead_agency):
    with pytest.raises(PlanPermissionDenied):
        services.create_plan(actor=editor, year=2026, agency=government, title="计划")
    with pytest.raises(PlanPermissionDenied):
        services.add_category(plan, actor=editor, name="新类别")
    data = services.TaskInput(
        category=category, title=TITLE, expected_output=OUTPUT, lead_agency=lead_agency,
        deadline=DEADLINE,
    )  # fmt: skip
    with pytest.raises(PlanPermissionDenied):
        services.assign_task(plan, data, actor=editor)
    assert not KeyTask.objects.exists()


def test_plans_and_categories_are_checked(office, government, plan, category):
    with pytest.raises(PlanError) as refused:
        services.create_plan(actor=office, year=2025, agency=government, title="又一个计划")
    assert refused.value.field == "year"
    with pytest.raises(PlanError) as refused:
        services.add_category(plan, actor=office, name=category.name)
    assert refused.value.field == "name"
    assert services.add_category(plan, actor=office, name="第二类").order == 2


def test_tasks_are_numbered_and_checked(plan, category, office, lead_agency, government):
    other_plan = services.create_plan(actor=office, year=2026, agency=government, title="计划")
    foreign = services.add_category(other_plan, actor=office, name="别的类别")

    def data(**overrides):
        values = {"category": category, "title": TITLE, "expected_output": OUTPUT,
                  "lead_agency": lead_agency, "deadline": DEADLINE,
                  "co_agencies": [lead_agency]}  # fmt: skip
        values.update(overrides)
        return services.TaskInput(**values)

    with at(D(2025, 3, 3)):
        first = services.assign_task(plan, data(), actor=office)
        second = services.assign_task(plan, data(), actor=office)
        assert (first.number, second.number) == (1, 2)
        assert list(first.co_agencies.all()) == []  # the lead is not its own co-agency
        for bad, field in (
            (data(category=foreign), "category"),
            (data(weight=0), "weight"),
            (data(weight=101), "weight"),
            (data(deadline=D(2025, 3, 2)), "deadline"),
            (data(expected_output=""), "expected_output"),
        ):
            with pytest.raises(PlanError) as refused:
                services.assign_task(plan, bad, actor=office)
            assert refused.value.field == field
        with pytest.raises(PlanError) as refused:
            services.assign_task(plan, data(), actor=office, number=1)
        assert refused.value.field == "number"
    assert plan.tasks.count() == 2


def test_the_office_changes_a_task_but_not_the_deadline_once_signed(
    assign, office, editor, other_agency
):
    task = assign(D(2025, 3, 3), DEADLINE)
    data = services.TaskInput(
        category=task.category, title="公开部门预决算", expected_output=OUTPUT,
        lead_agency=other_agency, deadline=D(2025, 7, 31), weight=2,
    )  # fmt: skip
    with at(D(2025, 3, 4)):
        services.update_task(task, data, actor=office)
    task.refresh_from_db()
    assert (task.lead_agency, task.deadline, task.original_deadline, task.weight) == (
        other_agency, D(2025, 7, 31), D(2025, 7, 31), 2,
    )  # fmt: skip
    assert task.events.get(code=Code.UPDATED).data["fields"] == [
        "title", "lead_agency", "weight", "deadline", "original_deadline", "co_agencies",
    ]  # fmt: skip

    signed_task = assign(D(2025, 3, 3), DEADLINE)
    with at(D(2025, 3, 4)):
        services.sign_task(signed_task, actor=editor)
    before = snapshot(signed_task)
    later = services.TaskInput(
        category=task.category, title=TITLE, expected_output=OUTPUT,
        lead_agency=signed_task.lead_agency, deadline=D(2025, 9, 30),
    )  # fmt: skip
    with at(D(2025, 3, 5)), pytest.raises(PlanError) as refused:
        services.update_task(signed_task, later, actor=office)
    assert refused.value.field == "deadline"
    with at(D(2025, 3, 5)), pytest.raises(PlanPermissionDenied):
        services.update_task(signed_task, later, actor=editor)
    assert snapshot(signed_task) == before


def test_a_plan_without_tasks_is_not_published(plan, office, assign):
    with pytest.raises(PlanError):
        services.publish_plan(plan, actor=office)
    assign(D(2025, 3, 3), DEADLINE)
    services.publish_plan(plan, actor=office)
    plan.refresh_from_db()
    assert plan.published and plan.published_at is not None
    services.publish_plan(plan, actor=office, published=False)
    plan.refresh_from_db()
    assert not plan.published
