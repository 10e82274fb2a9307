"""'My applications': what a signed-in citizen applies for is listed under the account, an
earlier application can be claimed with its number and query code, and nobody else's
application is ever reachable — nor any staff page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.info_requests import letters
from gongkai.info_requests import services as request_services
from gongkai.info_requests.models import InfoRequest
from tests.citizens.conftest import (
    MY_APPLICATIONS,
    SIGN_IN,
    VALID_ID,
    at,
    sign_in,
    submitted,
)

pytestmark = pytest.mark.django_db
State = InfoRequest.State

DAY = datetime.date(2025, 9, 1)  # a Monday
APPLY = reverse("info_requests:apply")
STATUS = reverse("info_requests:status")
CLAIM = reverse("citizens:claim")
NO_MATCH = "The tracking number and query code do not match."
DESCRIPTION = "2024年城乡最低生活保障资金发放明细"


def form_data(asked, key: str) -> dict[str, str]:
    return {
        "submission_key": key,
        "applicant_kind": InfoRequest.ApplicantKind.PERSON,
        "name": "王小明",
        "id_type": InfoRequest.IdType.RESIDENT_ID,
        "id_number": VALID_ID,
        "phone": "13912345678",
        "email": "wang@example.cn",
        "address": "张家港市人民路1号",
        "postcode": "215600",
        "case_type": InfoRequest.CaseType.INFORMATION,
        "agency": str(asked.pk),
        "description": DESCRIPTION,
        "form": InfoRequest.Form.ELECTRONIC,
        "delivery": InfoRequest.Delivery.EMAIL,
    }


def key_of(response) -> str:
    match = re.search(r'name="submission_key" value="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)


def open_url(request: InfoRequest) -> str:
    return reverse("citizens:open_application", args=[request.number])


def detail_url(request: InfoRequest) -> str:
    return reverse("info_requests:status_detail", args=[request.number])


# --------------------------------------------------------------------------- applying


def test_an_application_sent_while_signed_in_is_listed_and_opens_without_the_code(
    signed_in, citizen, member
):
    # All on the day of the application: the session (30 minutes) ends with a jump in time.
    with at(DAY):
        form = signed_in.get(APPLY)
        assert "You are signed in as" in form.content.decode()
        response = signed_in.post(APPLY, form_data(member, key_of(form)))
        request = InfoRequest.objects.get()
        assert response["Location"] == reverse("info_requests:received", args=[request.number])
        assert request.citizen == citizen

        html = signed_in.get(MY_APPLICATIONS).content.decode()
        assert request.number in html
        assert member.name in html
        assert DESCRIPTION[:10] in html
        assert "2025-09-01" in html
        assert request.get_state_display() in html
        assert open_url(request) in html
        # Nothing personal of the application on the list.
        for personal in (VALID_ID, "13912345678", "王小明", "wang@example.cn"):
            assert personal not in html

        opened = signed_in.get(open_url(request))
        assert opened["Location"] == detail_url(request)
        detail = signed_in.get(detail_url(request))
        assert detail.status_code == 200
        assert DESCRIPTION in detail.content.decode()


def test_applying_without_an_account_works_as_before(client, member):
    with at(DAY):
        form = client.get(APPLY)
        html = form.content.decode()
        assert reverse("citizens:sign_in") in html  # the optional note
        response = client.post(APPLY, form_data(member, key_of(form)))
    request = InfoRequest.objects.get()
    assert response.status_code == 302
    assert request.citizen is None


def test_the_list_is_the_citizen_s_own_and_its_queries_do_not_grow(
    signed_in, citizen, other_citizen, member, django_assert_max_num_queries
):
    mine = [submitted(member, DAY, citizen=citizen)[0] for _ in range(5)]
    theirs, _code = submitted(member, DAY, citizen=other_citizen)
    nobody, _code = submitted(member, DAY)
    with django_assert_max_num_queries(9):
        html = signed_in.get(MY_APPLICATIONS).content.decode()
    for request in mine:
        assert request.number in html
    assert theirs.number not in html
    assert nobody.number not in html


def test_a_signed_out_visitor_is_sent_to_sign_in(client, citizen, member):
    request, _code = submitted(member, DAY, citizen=citizen)
    for url in (MY_APPLICATIONS, open_url(request)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
    # The status page itself still wants the code.
    response = client.get(detail_url(request))
    assert response["Location"].startswith(STATUS)
    assert client.post(CLAIM, {"number": request.number, "code": "X"})["Location"].startswith(
        SIGN_IN
    )


# --------------------------------------------------------------------------- privacy


def test_another_citizen_gets_a_404_and_never_the_status_page(
    client, citizen, other_citizen, member
):
    request, _code = submitted(member, DAY, citizen=citizen)
    notice = letters.applicant_notices(request).first()
    assert notice is not None  # the acknowledgement
    notice_url = reverse("info_requests:status_notice", args=[request.number, notice.pk, "pdf"])

    sign_in(client, other_citizen)
    assert client.get(open_url(request)).status_code == 404
    assert client.get(reverse("citizens:open_application", args=["NO-SUCH"])).status_code == 404
    detail = client.get(detail_url(request))
    assert detail.status_code == 302
    assert detail["Location"].startswith(STATUS)
    assert client.get(notice_url).status_code == 404

    # The owner opens the same notice (rendered, or 503 where the notice font is missing).
    owner = Client()
    sign_in(owner, citizen)
    assert owner.get(notice_url).status_code in (200, 503)


def test_the_status_page_still_opens_with_number_and_code_without_an_account(client, member):
    request, code = submitted(member, DAY)
    with at(DAY):
        response = client.post(STATUS, {"number": request.number, "code": code})
        assert response["Location"] == detail_url(request)
        assert client.get(detail_url(request)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/workbench/",
        "/workbench/requests/",
        "/workbench/catalogue/",
        "/workbench/audit/",
        "/admin/",
    ],
)
def test_a_citizen_session_never_opens_a_staff_page(signed_in, url):
    response = signed_in.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith((reverse("workbench:login"), "/admin/login/"))


def test_a_citizen_session_is_not_a_staff_session(signed_in):
    from django.contrib.auth import SESSION_KEY

    assert SESSION_KEY not in signed_in.session
    assert signed_in.get(reverse("workbench:home"))["Location"].startswith(
        reverse("workbench:login")
    )


def test_a_staff_sign_in_is_not_a_citizen(client, user_factory, password):
    user = user_factory()
    client.post(reverse("workbench:login"), {"username": user.username, "password": password})
    response = client.get(MY_APPLICATIONS)
    assert response["Location"].startswith(SIGN_IN)


# --------------------------------------------------------------------------- claiming


def test_claiming_with_the_right_code_lists_the_application(signed_in, citizen, member):
    request, code = submitted(member, DAY)
    response = signed_in.post(CLAIM, {"number": request.number.lower(), "code": code.lower()})
    assert response["Location"] == MY_APPLICATIONS
    request.refresh_from_db()
    assert request.citizen == citizen
    html = signed_in.get(MY_APPLICATIONS).content.decode()
    assert f"Application {request.number} is listed under your account." in html
    assert request.number in html
    entry = AuditEntry.objects.get(action="citizens.claim_request")
    assert entry.object_repr == request.number
    assert entry.details == {"citizen_account": citizen.pk}
    # Claiming again changes nothing.
    assert signed_in.post(CLAIM, {"number": request.number, "code": code}).status_code == 302
    assert AuditEntry.objects.filter(action="citizens.claim_request").count() == 1


@pytest.mark.parametrize("wrong", ["code", "number", "empty"])
def test_claiming_with_a_wrong_pair_is_refused_and_links_nothing(signed_in, member, wrong):
    request, code = submitted(member, DAY)
    data = {"number": request.number, "code": code}
    if wrong == "code":
        data["code"] = "AAAA2222" if code != "AAAA2222" else "BBBB3333"
    elif wrong == "number":
        data["number"] = request.number + "9"
    else:
        data["code"] = ""
    response = signed_in.post(CLAIM, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The application was not added." in html
    if wrong != "empty":
        assert NO_MATCH in html
    request.refresh_from_db()
    assert request.citizen is None
    assert not AuditEntry.objects.filter(action="citizens.claim_request").exists()
    assert signed_in.get(open_url(request)).status_code == 404


def test_an_application_listed_under_another_account_stays_there(
    signed_in, citizen, other_citizen, member
):
    request, code = submitted(member, DAY, citizen=other_citizen)
    response = signed_in.post(CLAIM, {"number": request.number, "code": code})
    assert "already listed under another account" in response.content.decode()
    request.refresh_from_db()
    assert request.citizen == other_citizen


def test_the_eleventh_wrong_claim_from_one_address_is_refused(signed_in, citizen, member):
    request, code = submitted(member, DAY)
    for _ in range(10):
        signed_in.post(CLAIM, {"number": request.number, "code": "WRONG234"})
    response = signed_in.post(CLAIM, {"number": request.number, "code": code})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    request.refresh_from_db()
    assert request.citizen is None


def test_claiming_is_post_only(signed_in):
    assert signed_in.get(CLAIM).status_code == 405


def test_a_closed_account_loses_its_session(signed_in, citizen):
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert signed_in.get(MY_APPLICATIONS)["Location"].startswith(SIGN_IN)


def test_the_application_survives_the_account(citizen, member):
    request, _code = submitted(member, DAY, citizen=citizen)
    citizen.delete()
    request.refresh_from_db()
    assert request.citizen is None
    assert request_services.check_query_code(request, _code)
