"""The workbench pages of applications: the queue, the case page, registration and files.

Who sees what (issue 5, "Privacy"): the office sees every application, the handling agency's
staff their agency's, another agency's staff nothing (404, and nothing changes); each view of
the applicant's data is audited; lists never show a full identity number. Pages are requested
in English (the language cookie) where a test reads their text.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from gongkai.core.models import AuditEntry
from gongkai.core.workdays import add_working_days
from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest, RequestEvent, RequestFile
from gongkai.info_requests.outcomes import Outcome
from gongkai.workbench.navigation import navigation_for
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID, at

pytestmark = pytest.mark.django_db

D = datetime.date
State = InfoRequest.State
TODAY = D(2025, 9, 24)  # a Wednesday, three working days before Sunday 28 September (调休)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, *args: object) -> str:
    return reverse(f"info_requests_staff:{name}", args=args)


def pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def numbers(response) -> list[str]:
    return [row.case.number for row in response.context["rows"]]


def snapshot(case: InfoRequest) -> tuple:
    """What a refused request must leave exactly as it was."""
    case.refresh_from_db()
    return (
        case.state,
        case.updated_at,
        RequestFile.objects.filter(request=case).count(),
        RequestEvent.objects.filter(request=case).count(),
    )


@pytest.fixture
def other_handling_agency(agency_factory):
    return agency_factory()


@pytest.fixture
def editor(agency, staff_role_factory):
    """Staff with a role, but none for applications."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user


def reply(case: InfoRequest, *, handler, legal_reviewer, day: D) -> InfoRequest:
    with at(day):
        services.draft_reply(
            case, actor=handler, outcome=Outcome.NOT_HELD, reply_text="经检索，该信息不存在。"
        )
        services.submit_for_review(case, actor=handler)
        return services.review_request(case, actor=legal_reviewer, approve=True)


# --- access ------------------------------------------------------------------------------------


def test_pages_need_sign_in(client, assigned):
    case = assigned(D(2025, 9, 1))
    for address in (url("queue"), url("detail", case.pk), url("register")):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workbench:login"))


def test_staff_without_an_application_role_are_refused(client, editor, assigned):
    case = assigned(D(2025, 9, 1))
    client.force_login(editor)
    assert client.get(url("queue")).status_code == 403
    assert client.get(url("detail", case.pk)).status_code == 403
    assert client.get(url("register")).status_code == 403


def test_navigation_shows_applications_to_application_roles(
    office, handler, legal_reviewer, head, stranger, editor
):
    for user in (office, handler, legal_reviewer, head, stranger):
        assert "info_requests" in [link.key for link in navigation_for(user)]
    assert "info_requests" not in [link.key for link in navigation_for(editor)]


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_marks_due_soon_and_overdue_and_puts_the_most_urgent_first(
    english, assigned, submit, office, handler
):
    running = assigned(D(2025, 9, 15))
    due_soon = assigned(D(2025, 9, 1))  # 20 working days: due Sunday 28 September
    overdue = assigned(D(2025, 8, 1))
    paused = assigned(D(2025, 9, 10))
    with at(D(2025, 9, 11)):
        services.request_correction(paused, actor=office, what="请写明文件名称。")
    assert due_soon.due_on == D(2025, 9, 28)
    assert overdue.due_on == add_working_days(D(2025, 8, 1), 20) < TODAY
    english.force_login(handler)

    with at(TODAY):
        response = english.get(url("queue"))

    assert response.status_code == 200
    assert numbers(response) == [overdue.number, due_soon.number, running.number, paused.number]
    urgency = {row.case.pk: (row.urgency, row.left) for row in response.context["rows"]}
    assert urgency[overdue.pk][0] == "overdue" and urgency[overdue.pk][1] < 0
    assert urgency[due_soon.pk] == ("due_soon", 3)
    assert urgency[running.pk][0] == "" and urgency[running.pk][1] > 3
    assert urgency[paused.pk] == ("paused", None)
    page = response.content.decode()
    # Marked in words and by a class, not by colour alone.
    overdue_row = re.search(rf'<tr[^>]*data-request="{overdue.pk}".*?</tr>', page, re.S)
    due_soon_row = re.search(rf'<tr[^>]*data-request="{due_soon.pk}".*?</tr>', page, re.S)
    assert overdue_row and "ir-overdue" in overdue_row.group(0)
    assert ">overdue</span>" in overdue_row.group(0)
    assert due_soon_row and "ir-due_soon" in due_soon_row.group(0)
    assert ">due soon</span>" in due_soon_row.group(0)
    assert "3 working days left" in due_soon_row.group(0)


def test_queue_filters(
    client, submit, assigned, office, handler, legal_reviewer, handling_agency,
    other_handling_agency,
):  # fmt: skip
    received = submit(D(2025, 9, 1))
    handled = assigned(D(2025, 9, 2))
    elsewhere = submit(D(2025, 9, 3), description="2023年财政预算执行情况的说明")
    with at(D(2025, 9, 3)):
        services.accept_request(elsewhere, actor=office, handling_agency=other_handling_agency)
    replied = assigned(D(2025, 9, 4))
    reply(replied, handler=handler, legal_reviewer=legal_reviewer, day=D(2025, 9, 10))
    client.force_login(office)

    with at(TODAY):
        everything = client.get(url("queue"))
        by_state = client.get(url("queue"), {"state": State.RECEIVED})
        by_agency = client.get(url("queue"), {"agency": other_handling_agency.pk})
        by_number = client.get(url("queue"), {"q": elsewhere.number})
        by_words = client.get(url("queue"), {"q": "财政预算"})
        closed = client.get(url("queue"), {"show": "closed"})
        closed_state = client.get(url("queue"), {"show": "closed", "state": State.REPLIED})
        bad_state = client.get(url("queue"), {"state": State.REPLIED})

    assert set(numbers(everything)) == {received.number, handled.number, elsewhere.number}
    assert numbers(by_state) == [received.number]
    assert numbers(by_agency) == [elsewhere.number]
    assert numbers(by_number) == [elsewhere.number]
    assert numbers(by_words) == [elsewhere.number]
    assert numbers(closed) == [replied.number]
    assert numbers(closed_state) == [replied.number]
    assert bad_state.status_code == 400 and "state" in bad_state.context["form"].errors
    assert numbers(bad_state) == []


def test_the_handlers_queue_holds_their_agencys_applications_only(
    client, submit, assigned, office, handler, other_handling_agency
):
    own = assigned(D(2025, 9, 2))
    submit(D(2025, 9, 1))  # not accepted yet: the office's
    other = submit(D(2025, 9, 3))
    with at(D(2025, 9, 3)):
        services.accept_request(other, actor=office, handling_agency=other_handling_agency)
    client.force_login(handler)

    with at(TODAY):
        response = client.get(url("queue"), {"agency": other_handling_agency.pk})

    assert numbers(response) == [own.number]  # the agency filter is the office's only
    assert "agency" not in response.context["form"].fields


def test_the_office_sees_every_application(client, submit, assigned, office, other_handling_agency):
    received = submit(D(2025, 9, 1))
    handled = assigned(D(2025, 9, 2))
    other = submit(D(2025, 9, 3))
    with at(D(2025, 9, 3)):
        services.accept_request(other, actor=office, handling_agency=other_handling_agency)
    client.force_login(office)

    with at(TODAY):
        response = client.get(url("queue"))
        pages = [client.get(url("detail", case.pk)) for case in (received, handled, other)]

    assert set(numbers(response)) == {received.number, handled.number, other.number}
    assert [page.status_code for page in pages] == [200, 200, 200]


def test_lists_never_show_a_full_identity_number(client, assigned, office, handler):
    case = assigned(D(2025, 9, 1))

    client.force_login(office)
    with at(TODAY):
        office_page = client.get(url("queue")).content.decode()
    client.force_login(handler)
    with at(TODAY):
        handler_page = client.get(url("queue")).content.decode()

    assert case.number in office_page and case.number in handler_page
    assert VALID_ID not in office_page and VALID_ID not in handler_page
    assert case.masked_id_number in office_page  # the office recognises its applicants
    assert APPLICANT_NAME in office_page
    assert APPLICANT_NAME not in handler_page  # not for staff outside the office
    assert case.masked_id_number not in handler_page
    assert APPLICANT_PHONE not in office_page + handler_page
    # The office's list of names is one audit entry a page, naming fields, not values.
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.READ, actor=office)
    assert entry.details["requests"] == [case.pk]
    assert APPLICANT_NAME not in str(entry.details) + entry.object_repr


@pytest.mark.parametrize("who", ["office", "handler"])
def test_the_queue_query_count_does_not_grow_with_rows(
    who, request, client, assigned, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    for day in (1, 2):
        assigned(D(2025, 9, day))
    client.force_login(user)
    with at(TODAY), CaptureQueriesContext(connection) as few:
        assert len(client.get(url("queue")).context["rows"]) == 2
    for day in range(3, 15):
        assigned(D(2025, 9, day))
    with at(TODAY), django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url("queue")).context["rows"]) == 14


# --- the case page -----------------------------------------------------------------------------


def test_another_agencys_staff_get_404_and_change_nothing(client, assigned, handler, stranger):
    case = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        stored = services.add_request_file(
            case, actor=handler, kind=RequestFile.Kind.IDENTITY, uploaded_file=pdf_upload()
        )
    before = snapshot(case)
    reads = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count()
    client.force_login(stranger)

    with at(TODAY):
        assert client.get(url("detail", case.pk)).status_code == 404
        assert client.get(url("download_file", case.pk, stored.pk)).status_code == 404
        upload = client.post(
            url("upload_file", case.pk),
            {"kind": RequestFile.Kind.OTHER, "file": pdf_upload("other.pdf")},
        )
        queue = client.get(url("queue"))

    assert upload.status_code == 404
    assert snapshot(case) == before
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count() == reads
    assert queue.status_code == 200 and queue.context["rows"] == []
    assert case.number not in queue.content.decode()


def test_the_handler_sees_the_case_with_the_full_identity(
    english, assigned, handler, legal_reviewer, head
):
    case = assigned(D(2025, 9, 1))
    for user in (legal_reviewer, head, handler):
        english.force_login(user)
        with at(TODAY):
            response = english.get(url("detail", case.pk))
        assert response.status_code == 200
        page = response.content.decode()
        assert case.number in page
        assert APPLICANT_NAME in page and VALID_ID in page and APPLICANT_PHONE in page
        assert "2024年城乡最低生活保障资金发放明细" in page
    # The handler's page ends with the actions open to them (the reply, consultations …).
    assert response.context["panels"]
    assert 'data-testid="action-panels"' in page
    # How the due date was computed (start … due date), with the history.
    assert response.context["clock"].due_date == D(2025, 9, 28)
    assert response.context["clock"].explanation
    assert [event.code for event in response.context["events"]] == [
        RequestEvent.Code.SUBMITTED,
        RequestEvent.Code.NOTICE_ISSUED,  # the acknowledgement
        RequestEvent.Code.ACCEPTED,
        RequestEvent.Code.ASSIGNED,
    ]


def test_a_view_of_the_case_is_audited_by_field_names(client, assigned, handler):
    case = assigned(D(2025, 9, 1))
    client.force_login(handler)

    with at(TODAY):
        client.get(url("detail", case.pk))

    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.READ)
    assert entry.actor == handler
    assert entry.object_id == str(case.pk)
    assert entry.agency_id == case.handling_agency_id
    assert {"name", "id_number", "phone", "address"} <= set(entry.details["fields"])
    recorded = str(entry.details) + entry.object_repr
    for value in (APPLICANT_NAME, VALID_ID, APPLICANT_PHONE, "wang@example.cn"):
        assert value not in recorded


def test_a_possible_repeat_is_linked_when_visible(
    client, assigned, handler, legal_reviewer, handling_agency
):
    first = assigned(D(2025, 9, 1))
    reply(first, handler=handler, legal_reviewer=legal_reviewer, day=D(2025, 9, 5))
    second = assigned(D(2025, 9, 8))
    assert second.repeat_of_id == first.pk
    client.force_login(handler)

    with at(TODAY):
        response = client.get(url("detail", second.pk))

    assert response.context["repeat_visible"] is True
    assert url("detail", first.pk) in response.content.decode()


# --- files -------------------------------------------------------------------------------------


def test_files_are_uploaded_and_downloaded_through_the_case(client, assigned, handler):
    case = assigned(D(2025, 9, 1))
    client.force_login(handler)

    with at(D(2025, 9, 2)):
        response = client.post(
            url("upload_file", case.pk),
            {"kind": RequestFile.Kind.IDENTITY, "file": pdf_upload("id-card.pdf")},
        )
    assert response.status_code == 302
    stored = RequestFile.objects.get(request=case)
    assert stored.kind == RequestFile.Kind.IDENTITY
    reads = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count()

    with at(D(2025, 9, 2)):
        download = client.get(url("download_file", case.pk, stored.pk))

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert "id-card.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).latest("id")
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.READ).count() == reads + 1
    assert entry.details["fields"] == ["file:identity"]
    # A file is reached only through its own case.
    other = assigned(D(2025, 9, 2))
    with at(D(2025, 9, 2)):
        assert client.get(url("download_file", other.pk, stored.pk)).status_code == 404


def test_a_refused_file_comes_back_with_its_error(client, assigned, handler):
    case = assigned(D(2025, 9, 1))
    client.force_login(handler)
    fake = SimpleUploadedFile("page.pdf", b"<html>not a pdf</html>", content_type="application/pdf")

    with at(D(2025, 9, 2)):
        response = client.post(
            url("upload_file", case.pk), {"kind": RequestFile.Kind.OTHER, "file": fake}
        )

    assert response.status_code == 400
    assert response.context["upload_form"].errors
    assert not RequestFile.objects.filter(request=case).exists()


# --- registration ------------------------------------------------------------------------------


def registration(agency, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "agency": agency.pk,
        "channel": InfoRequest.Channel.REGISTERED_MAIL,
        "arrived_on": "2014-03-07",
        "signed_on": "2014-03-10",
        "confirmed_on": "",
        "case_type": InfoRequest.CaseType.INFORMATION,
        "applicant_kind": InfoRequest.ApplicantKind.PERSON,
        "name": APPLICANT_NAME,
        "id_type": InfoRequest.IdType.RESIDENT_ID,
        "id_number": VALID_ID,
        "phone": APPLICANT_PHONE,
        "email": "",
        "address": "张家港市人民路1号",
        "postcode": "215600",
        "description": "2013年度城市建设维护资金使用情况",
        "form": InfoRequest.Form.PAPER,
        "delivery": InfoRequest.Delivery.POST,
    }
    data.update(overrides)
    return data


def test_registered_mail_needs_the_signed_for_date(english, agency, office):
    english.force_login(office)

    with at(D(2014, 3, 20)):
        response = english.post(url("register"), registration(agency, signed_on=""))

    assert response.status_code == 400
    assert response.context["form"].errors["signed_on"] == [
        "For registered mail the receipt date is the day it was signed for (REG 31)."
    ]
    assert not InfoRequest.objects.exists()
    assert not RequestEvent.objects.exists()


def test_a_registered_letter_of_2014_follows_the_2007_rules(english, agency, office):
    english.force_login(office)

    with at(D(2014, 3, 20)):
        response = english.post(
            url("register"), registration(agency, original=pdf_upload("letter.pdf"))
        )

    case = InfoRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", case.pk)
    assert case.received_on == D(2014, 3, 10)  # signed for, not arrived (REG 31)
    assert case.rule_set == "2007"
    assert case.channel == InfoRequest.Channel.REGISTERED_MAIL
    assert case.registered_by == office
    assert case.files.get().kind == RequestFile.Kind.ORIGINAL
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    codes = re.findall(r"\b[A-Z2-9]{8}\b", message)
    assert case.number in message
    assert any(services.check_query_code(case, code) for code in codes)


def test_a_refused_scan_registers_nothing(client, agency, office):
    client.force_login(office)
    fake = SimpleUploadedFile("letter.pdf", b"<html></html>", content_type="application/pdf")

    with at(D(2014, 3, 20)):
        response = client.post(url("register"), registration(agency, original=fake))

    assert response.status_code == 400
    assert "original" in response.context["form"].errors
    assert not InfoRequest.objects.exists()


def test_only_the_office_registers(client, agency, handler):
    client.force_login(handler)

    with at(D(2014, 3, 20)):
        page = client.get(url("register"))
        post = client.post(url("register"), registration(agency))

    assert page.status_code == 403
    assert post.status_code == 403
    assert not InfoRequest.objects.exists()
