"""The workbench pages of key tasks and notices: the office's plan page with its warnings and
roll-up, my tasks, the task page with its action panels, the actions through the views, the
evidence files; who sees what (anonymous visitors are sent to sign in; staff of another agency
are refused on every staff URL and nothing changes); the menu entry and the queue."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongkai.core.models import AuditEntry
from gongkai.supervision.plans import services
from gongkai.supervision.plans.models import (
    KeyTask,
    NoticeRecipient,
    SupervisionNotice,
    TaskEvent,
    TaskReport,
    WorkPlan,
)
from gongkai.workbench.navigation import navigation_for
from gongkai.workbench.queue import queue_for
from tests.catalogue.conftest import make_pdf
from tests.supervision.plans.conftest import DONE, PROGRESS, at

pytestmark = pytest.mark.django_db
D = datetime.date
State = KeyTask.State
TODAY = D(2025, 10, 10)  # a Friday; deadline 10-14 is yellow, 10-09 red, 10-22 blue (9 left)
FILE_NAME = "落实情况.pdf"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _today():
    with at(TODAY):
        yield


def url(name: str, *args: object) -> str:
    return reverse(f"plans_staff:{name}", args=args)


def snapshot(task: KeyTask) -> tuple:
    task.refresh_from_db()
    return (
        task.state,
        task.updated_at,
        task.deadline,
        task.progress,
        task.extension_requested_until,
        TaskEvent.objects.filter(task=task).count(),
        TaskReport.objects.filter(task=task).count(),
    )


@pytest.fixture
def tasks(assign, signed, reported, editor):
    """A task at each warning level and one waiting for the office."""
    red = signed(D(2025, 9, 1), D(2025, 10, 9), title="逾期任务")
    yellow = signed(D(2025, 9, 1), D(2025, 10, 14), title="黄色任务")
    blue = assign(D(2025, 9, 1), D(2025, 10, 22), title="蓝色任务")
    calm = signed(D(2025, 9, 1), D(2025, 12, 31), title="平稳任务")
    waiting = reported(D(2025, 9, 1), D(2025, 12, 31), title="待验收任务")
    return {"red": red, "yellow": yellow, "blue": blue, "calm": calm, "waiting": waiting}


@pytest.fixture
def with_file(tasks, editor):
    pdf = SimpleUploadedFile(FILE_NAME, make_pdf("report"), content_type="application/pdf")
    report = services.report_progress(
        tasks["calm"], actor=editor, text=PROGRESS, percentage=30, files=[pdf]
    )
    return report.files.get()


# --- access ------------------------------------------------------------------------------------


def staff_urls(task: KeyTask, plan, stored) -> list[tuple[str, str]]:
    """Every staff URL with the method it takes."""
    gets = [
        url("index"), url("my_tasks"), url("notices"), url("plan_create"), url("plan", plan.pk),
        url("plan_edit", plan.pk), url("task_create", plan.pk), url("task", task.pk),
        url("task_edit", task.pk), url("report_file", task.pk, stored.pk),
        url("notice_create"),
    ]  # fmt: skip
    posts = [
        url("plan_publish", plan.pk), url("category_add", plan.pk), url("sign", task.pk),
        url("report", task.pk), url("extension", task.pk), url("completion", task.pk),
        url("extension_decision", task.pk), url("decision", task.pk),
    ]  # fmt: skip
    return [("get", address) for address in gets] + [("post", address) for address in posts]


def test_anonymous_visitors_are_sent_to_sign_in(client, tasks, plan, with_file):
    for method, address in staff_urls(tasks["calm"], plan, with_file):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("workbench:login")), address


def test_another_agencys_staff_are_refused_on_every_staff_url_and_nothing_changes(
    client, tasks, plan, stranger, with_file
):
    task = tasks["calm"]
    before = snapshot(task)
    notices_before = NoticeRecipient.objects.count()
    client.force_login(stranger)
    for method, address in staff_urls(task, plan, with_file):
        data = {"text": PROGRESS, "percentage": "90", "decision": "accept", "name": "新类别",
                "published": "1", "comment": "好", "until": "2026-01-30",
                "reason": "理由"}  # fmt: skip
        response = (
            getattr(client, method)(address, data) if method == "post" else client.get(address)
        )
        if address in (url("my_tasks"), url("notices")):
            assert response.status_code == 200  # their own (empty) lists
            assert task.title not in response.content.decode()
        elif address == url("index"):
            assert response.status_code == 302  # to their own tasks
        else:
            assert response.status_code == 403, address
    assert snapshot(task) == before
    assert NoticeRecipient.objects.count() == notices_before
    assert client.get(url("task", 999_999)).status_code == 404


def test_agency_staff_without_an_acting_role_read_but_do_not_act(client, tasks, handler):
    task = tasks["calm"]
    client.force_login(handler)
    page = client.get(url("task", task.pk))
    assert page.status_code == 200
    assert page.context["panels"] == []
    before = snapshot(task)
    assert (
        client.post(url("report", task.pk), {"text": PROGRESS, "percentage": 50}).status_code == 403
    )
    assert snapshot(task) == before


def test_the_office_pages_are_the_offices(client, plan, editor):
    client.force_login(editor)
    assert client.get(url("index")).status_code == 302
    for address in (url("plan", plan.pk), url("plan_create"), url("notice_create")):
        response = client.get(address)
        assert response.status_code == 403
        assert "Only the disclosure office" in response.context["message"]


# --- the plan page -----------------------------------------------------------------------------


def test_the_plan_page_colours_and_names_each_warning(client, office, plan, tasks):
    client.force_login(office)
    response = client.get(url("plan", plan.pk))
    assert response.status_code == 200
    html = response.content.decode()
    levels = dict(re.findall(r'data-task="(\d+)"\s+data-state="\w+"\s+data-level="(\w+)"', html))
    assert levels == {
        str(tasks["red"].pk): "red",
        str(tasks["yellow"].pk): "yellow",
        str(tasks["blue"].pk): "blue",
        str(tasks["calm"].pk): "none",
        str(tasks["waiting"].pk): "none",
    }
    # The colour is repeated in words, for those who do not see it.
    assert "Overdue by 1 working day." in html
    assert "3 working days left." in html  # 10-11 (a Saturday worked), 10-13 and 10-14
    assert "9 working days left." in html
    assert 'id="plan-chart-data"' in html and "<script>" not in html
    assert 'data-testid="rollup"' in html


def test_the_plan_page_takes_a_fixed_number_of_queries(
    client, office, plan, tasks, assign, django_assert_max_num_queries
):
    client.force_login(office)
    client.get(url("plan", plan.pk))
    with django_assert_max_num_queries(16) as few:
        client.get(url("plan", plan.pk))
    for _ in range(10):
        assign(D(2025, 9, 1), D(2025, 12, 31))
    with django_assert_max_num_queries(len(few)):
        client.get(url("plan", plan.pk))


def test_the_office_builds_a_plan_in_the_workbench(client, office, government, lead_agency):
    client.force_login(office)
    response = client.post(
        url("plan_create"),
        {"year": 2026, "agency": government.pk, "title": "2026年政务公开重点工作安排表"},
    )
    plan = WorkPlan.objects.get(year=2026)
    assert response["Location"] == url("plan", plan.pk)
    assert (
        client.post(url("category_add", plan.pk), {"name": "深化重点领域公开"}).status_code == 302
    )
    category = plan.categories.get()
    response = client.post(
        url("task_create", plan.pk),
        {
            "category": category.pk, "title": "公开政府预算", "expected_output": "预算报告全文公开",
            "lead_agency": lead_agency.pk, "deadline": "2025-12-31", "weight": 2,
        },
    )  # fmt: skip
    task = plan.tasks.get()
    assert response["Location"] == url("task", task.pk)
    assert (task.state, task.weight, task.lead_agency) == (State.ASSIGNED, 2, lead_agency)
    assert client.post(url("plan_publish", plan.pk), {"published": "1"}).status_code == 302
    plan.refresh_from_db()
    assert plan.published
    # A refused form shows the service's message next to its field.
    response = client.post(url("category_add", plan.pk), {"name": "深化重点领域公开"})
    assert response.status_code == 400
    assert "already" in str(response.context["category_form"].errors["name"])


# --- the task page and its actions ------------------------------------------------------------


def panels(response) -> list[str]:
    return [panel.name for panel in response.context["panels"]]


def test_each_person_sees_the_actions_they_may_take(client, tasks, office, editor, co_editor):
    client.force_login(editor)
    assert panels(client.get(url("task", tasks["blue"].pk))) == ["sign"]
    assert panels(client.get(url("task", tasks["calm"].pk))) == [
        "report", "extension", "completion",
    ]  # fmt: skip
    assert panels(client.get(url("task", tasks["waiting"].pk))) == []
    client.force_login(co_editor)
    assert panels(client.get(url("task", tasks["calm"].pk))) == ["report"]
    co_page = client.get(url("task", tasks["calm"].pk))
    assert "percentage" not in co_page.context["panels"][0].form.fields
    client.force_login(office)
    assert panels(client.get(url("task", tasks["waiting"].pk))) == ["decision"]
    assert panels(client.get(url("task", tasks["calm"].pk))) == []


def test_the_lead_agency_works_a_task_through_the_pages(client, tasks, editor, office):
    task = tasks["blue"]
    client.force_login(editor)
    assert client.post(url("sign", task.pk), {"comment": "预算科负责"}).status_code == 302
    pdf = SimpleUploadedFile(FILE_NAME, make_pdf("x"), content_type="application/pdf")
    response = client.post(
        url("report", task.pk), {"text": PROGRESS, "percentage": 70, "attachments": [pdf]}
    )
    assert response.status_code == 302
    response = client.post(
        url("extension", task.pk), {"until": "2025-11-28", "reason": "等待审计结果。"}
    )
    assert response.status_code == 302
    client.force_login(office)
    response = client.post(
        url("extension_decision", task.pk), {"decision": "approve", "until": "2025-11-21"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline == D(2025, 11, 21)
    client.force_login(editor)
    assert client.post(url("completion", task.pk), {"text": DONE}).status_code == 302
    client.force_login(office)
    response = client.post(url("decision", task.pk), {"decision": "send_back", "comment": ""})
    assert response.status_code == 400  # a reason is needed
    assert "Say what is missing." in response.content.decode()
    response = client.post(url("decision", task.pk), {"decision": "accept", "comment": "同意。"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.progress) == (State.ACCEPTED, 100)
    page = client.get(url("task", task.pk)).content.decode()
    assert FILE_NAME in page and "预算科负责" in page


def test_a_refused_action_shows_why_and_changes_nothing(client, tasks, editor):
    task = tasks["calm"]
    client.force_login(editor)
    before = snapshot(task)
    response = client.post(
        url("report", task.pk), {"text": PROGRESS, "documents": "NO-SUCH-1", "percentage": 5}
    )
    assert response.status_code == 400
    assert "No document you may see has the index number" in response.content.decode()
    response = client.post(url("extension", task.pk), {"until": "2025-01-01", "reason": "早。"})
    assert response.status_code == 400
    assert snapshot(task) == before


def test_evidence_files_are_served_to_those_who_may_open_the_task(
    client, tasks, with_file, office, co_editor, stranger
):
    address = url("report_file", tasks["calm"].pk, with_file.pk)
    for user in (office, co_editor):
        client.force_login(user)
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(stranger)
    assert client.get(address).status_code == 403
    # Another task's address for the same file: not found.
    client.force_login(office)
    assert client.get(url("report_file", tasks["red"].pk, with_file.pk)).status_code == 404
    assert AuditEntry.objects.exists()


# --- my tasks, the menu and the queue ----------------------------------------------------------


def test_my_tasks_lists_the_agencys_tasks_by_deadline(client, tasks, editor, stranger):
    client.force_login(editor)
    response = client.get(url("my_tasks"))
    titles = [row.task.title for row in response.context["rows"]]
    assert titles == ["逾期任务", "黄色任务", "蓝色任务", "平稳任务", "待验收任务"]
    client.force_login(stranger)
    assert client.get(url("my_tasks")).context["rows"] == []


def test_the_menu_shows_key_tasks_to_office_and_agency_staff(office, editor, handler, user_factory):
    for user in (office, editor, handler):
        assert "key_tasks" in [link.key for link in navigation_for(user)]
    assert "key_tasks" not in [link.key for link in navigation_for(user_factory())]


def test_the_queue_holds_what_waits_for_each(tasks, office, editor, handler, lead_agency):
    mine = queue_for(editor, lead_agency)
    titles = [item.title for item in mine if item.kind == "key task"]
    assert titles == [
        "2025 key task 1: 逾期任务",
        "2025 key task 2: 黄色任务",
        "2025 key task 3: 蓝色任务",
    ]  # fmt: skip  (the calm one has no warning; the one waiting for the office is not theirs)
    assert "red warning" in str(mine[0].state)
    office_items = [item for item in queue_for(office, None) if item.kind == "key task"]
    assert [item.title for item in office_items] == ["2025 key task 5: 待验收任务"]
    assert [item for item in queue_for(handler, lead_agency) if item.kind == "key task"] == []


def test_the_office_queue_reads_in_one_query_what_the_two_lists_hold(
    tasks, office, lead_agency, staff_role_factory, django_assert_max_num_queries
):
    """An office member who also edits for an agency: ``office_queue`` gives exactly the
    tasks waiting for the office and those due from that agency, in one query of tasks."""
    from gongkai.agencies.models import StaffRole
    from gongkai.supervision.plans import selectors

    staff_role_factory(user=office, agency=lead_agency, role=StaffRole.Role.EDITOR)
    today = timezone.localdate()  # the module's frozen day (as the queue reads it)
    waiting = list(selectors.waiting_for_office())
    due = selectors.agency_tasks_due(office, today=today)
    assert waiting and due
    # The settings, the roles (twice outside a request; once a request in the workbench) and
    # the tasks, once.
    with django_assert_max_num_queries(4):
        both_waiting, both_due = selectors.office_queue(office, today=today)
    assert [t.pk for t in both_waiting] == [t.pk for t in waiting]
    assert [(r.task.pk, r.warning) for r in both_due] == [(r.task.pk, r.warning) for r in due]


def test_the_queue_holds_notices_waiting_for_an_answer(office, editor, lead_agency):
    notice = services.create_notice(
        actor=office, subject="督查通知", text="请报告落实情况。", reply_deadline=D(2025, 10, 20),
        agencies=[lead_agency],
    )  # fmt: skip
    assert [i for i in queue_for(editor, lead_agency) if i.kind == "supervision notice"] == []
    services.issue_notice(notice, actor=office)
    items = [i for i in queue_for(editor, lead_agency) if i.kind == "supervision notice"]
    assert [(item.title, item.due) for item in items] == [("督查通知", D(2025, 10, 20))]


def test_notice_pages(client, office, editor, co_editor, stranger, lead_agency, co_agency):
    client.force_login(office)
    response = client.post(
        url("notice_create"),
        {"subject": "督查通知", "text": "请报告落实情况。", "reply_deadline": "2025-10-20",
         "agencies": [lead_agency.pk, co_agency.pk]},
    )  # fmt: skip
    notice = SupervisionNotice.objects.get()
    assert response["Location"] == url("notice", notice.pk)
    client.force_login(editor)
    assert client.get(url("notice", notice.pk)).status_code == 403  # a draft
    client.force_login(office)
    assert client.post(url("notice_issue", notice.pk)).status_code == 302
    client.force_login(editor)
    page = client.get(url("notice", notice.pk))
    assert page.status_code == 200 and page.context["answer_form"] is not None
    pdf = SimpleUploadedFile("报告.pdf", make_pdf("r"), content_type="application/pdf")
    response = client.post(
        url("notice_answer", notice.pk), {"text": "已全部落实。", "attachments": [pdf]}
    )
    assert response.status_code == 302
    answer = notice.recipients.get(agency=lead_agency)
    assert answer.state == "answered"
    stored = answer.files.get()
    assert client.get(url("answer_file", notice.pk, stored.pk)).status_code == 200
    # The co-responsible agency reads the notice, not the other agency's answer or its file.
    client.force_login(co_editor)
    page = client.get(url("notice", notice.pk)).content.decode()
    assert "已全部落实。" not in page
    assert client.get(url("answer_file", notice.pk, stored.pk)).status_code == 404
    client.force_login(stranger)
    assert client.get(url("notice", notice.pk)).status_code == 403
    assert client.post(url("notice_answer", notice.pk), {"text": "x" * 10}).status_code == 403
    assert client.post(url("notice_close", notice.pk)).status_code == 403
    notice.refresh_from_db()
    assert notice.state == "issued"
