"""The public pages of applications: apply online, see the number and the code once, follow
the application, send a correction, download what was released — and never see more."""

from __future__ import annotations

import datetime
import re
import secrets

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from gongkai.info_requests import services
from gongkai.info_requests.models import InfoRequest, RequestEvent, RequestFile
from gongkai.info_requests.outcomes import Exemption, Outcome
from tests.catalogue.conftest import (  # noqa: F401 - fixtures
    _media_root,
    document_factory,
    editor,
    make_pdf,
    publish,
    published_document,
    reviewer,
    upload,
)
from tests.catalogue.public_helpers import join
from tests.info_requests.conftest import (
    APPLICANT_NAME,
    APPLICANT_PHONE,
    VALID_ID,
    application_data,
    at,
)

pytestmark = pytest.mark.django_db
State = InfoRequest.State
D = datetime.date

DAY = D(2025, 9, 1)  # a Monday
EMAIL = "wang@example.cn"
ADDRESS = "张家港市人民路1号"
DESCRIPTION = "2024年城乡最低生活保障资金发放明细"
NO_MATCH = "The tracking number and query code do not match."
TOO_MANY = "Too many attempts with a wrong tracking number or query code"

APPLY = reverse("info_requests:apply")
STATUS = reverse("info_requests:status")
SUGGEST = reverse("info_requests:suggest")


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The pages in English, so that the tests read the English messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The failed-lookup counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(agency):
    """The agency asked, a member of the disclosure system (so it is on the form)."""
    return join(agency)


@pytest.fixture
def documents(request):
    """The catalogue's ``published_document`` (imported above): ``documents(title=…)``."""
    return request.getfixturevalue("published_document")


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """What happens inside is committed, as far as the search index is concerned."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def form_data(asked, key: str, **overrides) -> dict[str, str]:
    values = {
        "submission_key": key,
        "applicant_kind": InfoRequest.ApplicantKind.PERSON,
        "name": APPLICANT_NAME,
        "id_type": InfoRequest.IdType.RESIDENT_ID,
        "id_number": VALID_ID,
        "phone": APPLICANT_PHONE,
        "email": EMAIL,
        "address": ADDRESS,
        "postcode": "215600",
        "case_type": InfoRequest.CaseType.INFORMATION,
        "agency": str(asked.pk),
        "description": DESCRIPTION,
        "form": InfoRequest.Form.ELECTRONIC,
        "delivery": InfoRequest.Delivery.EMAIL,
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def key_of(response) -> str:
    match = re.search(r'name="submission_key" value="([^"]+)"', response.content.decode())
    assert match, "the form carries a submission key"
    return match.group(1)


def code_on(html: str) -> str | None:
    match = re.search(r'class="query-code">([A-Z0-9]+)<', html)
    return match.group(1) if match else None


def submitted(agency, day: datetime.date = DAY, **overrides) -> tuple[InfoRequest, str]:
    """An application made online on ``day``, with its query code."""
    with at(day):
        request, code = services.submit_request(
            application_data(**overrides), agency=agency, submission_key=secrets.token_urlsafe(16)
        )
    assert code is not None
    return request, code


def unlock(client, request: InfoRequest, code: str):
    return client.post(STATUS, {"number": request.number, "code": code})


def detail_url(request: InfoRequest) -> str:
    return reverse("info_requests:status_detail", args=[request.number])


def file_url(request: InfoRequest, stored: RequestFile) -> str:
    return reverse("info_requests:status_file", args=[request.number, stored.pk])


def credit_code(body: str = "91320582MA1W2X3Y4") -> str:
    """``body`` (17 characters) with its GB 32100-2015 check character."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(chars.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + chars[(31 - total % 31) % 31]


# --------------------------------------------------------------------------- applying


def test_the_whole_online_path_makes_one_application_and_shows_the_code_once(client, member):
    with at(DAY):
        page = client.get(APPLY)
        assert page.status_code == 200
        html = page.content.decode()
        assert "20 working days" in html  # the rules at the top, from the rule set
        assert reverse("info_requests:suggest") in html
        key = key_of(page)

        response = client.post(APPLY, form_data(member, key))

        request = InfoRequest.objects.get()
        received_url = reverse("info_requests:received", args=[request.number])
        assert response.status_code == 302
        assert response["Location"] == received_url
        assert request.channel == InfoRequest.Channel.ONLINE
        assert request.agency == member
        assert request.received_on == DAY
        assert request.submission_key == key

        shown = client.get(received_url).content.decode()
        code = code_on(shown)
        assert request.number in shown
        assert code and services.check_query_code(request, code)

        # Refresh, double click, retry: the same application, and the code is not shown again.
        again = client.post(APPLY, form_data(member, key))
        assert again["Location"] == received_url
        assert InfoRequest.objects.count() == 1
        later = client.get(received_url).content.decode()
        assert request.number in later
        assert code_on(later) is None
        assert "is not shown again" in later


def test_a_second_submission_before_the_page_was_seen_still_shows_the_code(client, member):
    with at(DAY):
        key = key_of(client.get(APPLY))
        client.post(APPLY, form_data(member, key))
        second = client.post(APPLY, form_data(member, key))
        request = InfoRequest.objects.get()
        html = client.get(second["Location"]).content.decode()
    code = code_on(html)
    assert code and services.check_query_code(request, code)


def test_the_received_page_is_only_for_the_session_that_applied(client, member):
    request, _code = submitted(member)
    response = client.get(reverse("info_requests:received", args=[request.number]))
    assert response.status_code == 404


def test_the_received_page_shows_nothing_personal(client, member):
    with at(DAY):
        key = key_of(client.get(APPLY))
        html = client.get(client.post(APPLY, form_data(member, key))["Location"]).content.decode()
    for personal in (VALID_ID, APPLICANT_PHONE, APPLICANT_NAME, EMAIL, ADDRESS):
        assert personal not in html


REQUIRED = [
    ("applicant_kind", "Choose the kind of applicant."),
    ("name", "Give the applicant's name."),
    ("id_type", "Choose the identity document."),
    ("id_number", "Give the identity document's number."),
    ("phone", "Give a phone number we can call."),
    ("case_type", "Choose the kind of request."),
    ("agency", "Choose the agency you are asking."),
    (
        "description",
        "Describe the information you ask for: its name, document number or other features "
        "that allow it to be found.",
    ),
    ("form", "Choose the form you want the information in."),
    ("delivery", "Choose how to receive the information."),
]


@pytest.mark.parametrize(("field", "message"), REQUIRED)
def test_each_missing_field_gets_its_message_and_nothing_is_made(client, member, field, message):
    with at(DAY):
        key = key_of(client.get(APPLY))
        response = client.post(APPLY, form_data(member, key, **{field: None}))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert escape(message) in response.content.decode()
    assert InfoRequest.objects.count() == 0
    # The same form (and key) again, so the next try is still one application.
    assert key_of(response) == key


def test_the_form_asks_for_information_unless_a_record_correction_is_chosen(client, member):
    """REG 41: a request to correct a record about oneself is its own case type."""
    page = client.get(APPLY)
    html = page.content.decode()
    assert re.search(r'<input type="radio" name="case_type" value="information"[^>]*checked', html)
    assert 'value="record_correction"' in html
    assert escape("(article 41)") in html  # the help text says when to choose it

    with at(DAY):
        key = key_of(page)
        client.post(APPLY, form_data(member, key))
        response = client.post(
            APPLY,
            form_data(
                member,
                secrets.token_urlsafe(16),
                case_type=InfoRequest.CaseType.RECORD_CORRECTION,
                description="我的低保登记记录中的家庭人口数有误，应为3人，附户口簿。",
            ),
        )
    assert response.status_code == 302
    information, correction = InfoRequest.objects.order_by("id")
    assert information.case_type == InfoRequest.CaseType.INFORMATION
    assert correction.case_type == InfoRequest.CaseType.RECORD_CORRECTION
    assert response["Location"] == reverse("info_requests:received", args=[correction.number])


def test_an_unknown_case_type_is_refused_at_the_field(client, member):
    with at(DAY):
        key = key_of(client.get(APPLY))
        response = client.post(APPLY, form_data(member, key, case_type="complaint"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["case_type"]
    assert InfoRequest.objects.count() == 0


def test_an_organisation_needs_its_kind_and_credit_code(client, member):
    with at(DAY):
        key = key_of(client.get(APPLY))
        refused = client.post(
            APPLY, form_data(member, key, applicant_kind=InfoRequest.ApplicantKind.ORGANISATION)
        )
        assert set(refused.context["form"].errors) == {"organisation_kind", "credit_code"}
        assert InfoRequest.objects.count() == 0

        accepted = client.post(
            APPLY,
            form_data(
                member,
                key,
                applicant_kind=InfoRequest.ApplicantKind.ORGANISATION,
                organisation_kind=InfoRequest.OrganisationKind.LEGAL_SERVICES,
                name="某某律师事务所",
                credit_code=credit_code(),
                contact_person="李律师",
                id_type=InfoRequest.IdType.BUSINESS_LICENCE,
                id_number=credit_code(),
            ),
        )
    assert accepted.status_code == 302
    request = InfoRequest.objects.get()
    assert request.organisation_kind == InfoRequest.OrganisationKind.LEGAL_SERVICES
    assert request.credit_code == credit_code()


def test_a_person_does_not_send_organisation_fields_typed_before_switching(client, member):
    with at(DAY):
        key = key_of(client.get(APPLY))
        response = client.post(
            APPLY, form_data(member, key, organisation_kind="business", credit_code="123")
        )
    assert response.status_code == 302
    request = InfoRequest.objects.get()
    assert request.organisation_kind == "" and request.credit_code == ""


def test_a_resident_id_with_a_wrong_check_digit_is_refused_at_the_field(client, member):
    with at(DAY):
        key = key_of(client.get(APPLY))
        response = client.post(
            APPLY, form_data(member, key, id_number="110105194912310021", phone=None)
        )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"id_number", "phone"}  # all at once
    errors = response.context["form"].errors["id_number"]
    assert errors and errors[0].startswith("This is not a valid resident identity number")
    assert escape(errors[0]) in response.content.decode()
    assert InfoRequest.objects.count() == 0


def test_a_service_refusal_is_shown_at_its_field(client, member):
    """Delivery by post needs an address: the services say so, next to the address."""
    with at(DAY):
        key = key_of(client.get(APPLY))
        response = client.post(
            APPLY, form_data(member, key, delivery=InfoRequest.Delivery.POST, address="")
        )
    assert response.context["form"].errors["address"] == [
        "Give a postal address to receive it by post."
    ]
    assert InfoRequest.objects.count() == 0


def test_the_agency_can_be_chosen_by_link_and_only_members_are_offered(
    client, member, other_agency
):
    response = client.get(APPLY, {"agency": member.slug})
    html = response.content.decode()
    assert re.search(rf'<option value="{member.pk}" selected>', html)
    assert other_agency.name not in html  # not a member of the disclosure system

    with at(DAY):
        key = key_of(client.get(APPLY))
        refused = client.post(APPLY, form_data(other_agency, key))
    assert "agency" in refused.context["form"].errors
    assert InfoRequest.objects.count() == 0


def test_the_pages_render_in_chinese_and_in_english(client, member, settings):
    request, code = submitted(member)
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for address in (APPLY, STATUS):
            response = client.get(address)
            assert response.status_code == 200
            assert f'<html lang="{language}"' in response.content.decode()
    with at(DAY):
        unlock(client, request, code)
        response = client.get(detail_url(request))
    assert '<html lang="en"' in response.content.decode()


def test_the_form_has_no_inline_script_and_loads_its_script_deferred(client, member):
    html = client.get(APPLY).content.decode()
    assert re.search(r'<script src="[^"]*gongkai/js/apply-suggest\.js" defer>', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html
    assert "csrfmiddlewaretoken" in html


# --------------------------------------------------------------------------- suggestions


def test_suggestions_name_published_documents(client, member, documents, indexed):
    with indexed():
        document = documents(title="关于2024年城乡最低生活保障资金发放情况的公告")

    response = client.post(SUGGEST, {"q": "最低生活保障资金发放明细"})

    assert response.status_code == 200
    hits = response.json()["hits"]
    assert hits and hits[0]["title"] == document.title
    assert set(hits[0]) == {"title", "url", "agency", "date"}
    assert hits[0]["url"] == reverse("catalogue:document", args=[document.pk])
    assert hits[0]["agency"] == member.name
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", hits[0]["date"])


@pytest.mark.parametrize(
    "q", ["", '"', "AND OR", "x" * 2000, "😀📄🏛️", "最", "<script>alert(1)</script>", "a\x00b"]
)
def test_suggestions_never_fail(client, documents, indexed, q):
    with indexed():
        documents(title="关于做好防汛工作的通知")

    response = client.post(SUGGEST, {"q": q})

    assert response.status_code == 200
    assert isinstance(response.json()["hits"], list)
    assert len(response.json()["hits"]) <= 5


def test_suggestions_are_posted_never_read_from_a_query_string(client):
    """The description may hold personal data: a GET would put it in access logs."""
    assert client.get(SUGGEST, {"q": "低保"}).status_code == 405


def test_suggestions_need_the_form_s_csrf_token(documents, indexed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SUGGEST, {"q": "低保"}).status_code == 403


def test_suggestions_never_show_applications(client, member, documents, indexed):
    with indexed():
        documents(title="关于城乡最低生活保障的通知")
        submitted(member)
    for q in (VALID_ID, APPLICANT_PHONE, DESCRIPTION, APPLICANT_NAME):
        text = client.post(SUGGEST, {"q": q}).content.decode("unicode_escape")
        assert VALID_ID not in text and APPLICANT_PHONE not in text


# --------------------------------------------------------------------------- the status page


def test_the_right_code_opens_the_status_page(client, member):
    request, code = submitted(member)
    with at(DAY):
        form = client.get(STATUS, {"number": request.number})
        assert f'value="{request.number}"' in form.content.decode()  # from the e-mail's link

        response = unlock(client, request, code.lower())  # typed in small letters
        assert response.status_code == 302
        assert response["Location"] == detail_url(request)
        page = client.get(detail_url(request))

    html = page.content.decode()
    assert page.status_code == 200
    assert request.number in html
    assert "received" in html  # the state
    assert DESCRIPTION in html
    assert member.name in html
    assert "2025-09-01" in html  # the receipt date
    assert request.due_on is not None and request.due_on.isoformat() in html
    assert "submitted online" in html  # the history, in words
    for personal in (VALID_ID, APPLICANT_PHONE, EMAIL, ADDRESS, APPLICANT_NAME):
        assert personal not in html


@pytest.mark.parametrize("wrong", ["code", "number"])
def test_a_wrong_code_or_number_gets_one_generic_message(client, member, wrong):
    request, code = submitted(member)
    before = (InfoRequest.objects.values().get(), RequestEvent.objects.count())
    number = request.number if wrong == "code" else "YSQ202599999"
    with at(DAY):
        response = client.post(
            STATUS, {"number": number, "code": "WRONGCDE" if wrong == "code" else code}
        )
        detail = client.get(detail_url(request))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [NO_MATCH]
    assert response.context["form"].errors.keys() == {"__all__"}
    assert NO_MATCH in response.content.decode()
    assert "WRONGCDE" not in response.content.decode()  # a code is never written back
    # Not opened, and nothing changed.
    assert detail.status_code == 302
    assert detail["Location"].startswith(STATUS)
    assert (InfoRequest.objects.values().get(), RequestEvent.objects.count()) == before


def test_an_unknown_number_looks_like_a_wrong_code(client, member):
    request, _code = submitted(member)
    with at(DAY):
        known = client.post(STATUS, {"number": request.number, "code": "WRONGCDE"})
        unknown = client.post(STATUS, {"number": "YSQ202599999", "code": "WRONGCDE"})
        not_unlocked = client.get(reverse("info_requests:status_detail", args=["YSQ202599999"]))
        locked = client.get(detail_url(request))
    assert known.context["form"].errors == unknown.context["form"].errors
    assert not_unlocked.status_code == locked.status_code == 302


def test_the_eleventh_failure_from_one_address_is_refused(client, member):
    request, code = submitted(member)
    with at(DAY):
        for _ in range(10):
            response = client.post(
                STATUS, {"number": request.number, "code": "WRONGCDE"}, REMOTE_ADDR="203.0.113.9"
            )
            assert response.status_code == 200
        refused = client.post(
            STATUS, {"number": request.number, "code": code}, REMOTE_ADDR="203.0.113.9"
        )
        elsewhere = client.post(
            STATUS, {"number": request.number, "code": code}, REMOTE_ADDR="198.51.100.7"
        )

    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert elsewhere.status_code == 302  # another address is not held up


def test_the_code_never_travels_in_a_url(client, member):
    request, code = submitted(member)
    with at(DAY):
        response = client.get(STATUS, {"number": request.number, "code": code})
        assert response.status_code == 200
        assert client.get(detail_url(request)).status_code == 302  # a GET does not unlock
        unlocked = unlock(client, request, code)
    assert code not in unlocked["Location"]


# --------------------------------------------------------------------------- replies and files


@pytest.fixture
def replied_with_files(member, office, handler, legal_reviewer, handling_agency):
    """An application partly disclosed, with released, redacted, unredacted and identity files."""
    request, code = submitted(member)
    with at(DAY):
        request = services.accept_request(request, actor=office, handling_agency=handling_agency)
        files = {
            kind: services.add_request_file(
                request, actor=actor, kind=kind, uploaded_file=upload(f"{kind}文件.pdf", make_pdf())
            )
            for kind, actor in (
                (RequestFile.Kind.RELEASED, handler),
                (RequestFile.Kind.REDACTED, handler),
                (RequestFile.Kind.UNREDACTED, handler),
                (RequestFile.Kind.IDENTITY, office),
            )
        }
    return request, code, files


def _reply(request, handler, legal_reviewer):
    with at(DAY + datetime.timedelta(days=2)):
        services.draft_reply(
            request,
            actor=handler,
            outcome=Outcome.PARTLY_DISCLOSED,
            reply_text="经审查，部分公开，见附件。",
            withheld=[services.Withheld("受助人身份证号码", Exemption.THIRD_PARTY, "个人隐私")],
        )
        services.submit_for_review(request, actor=handler)
        return services.review_request(request, actor=legal_reviewer, approve=True)


def test_files_are_released_only_with_the_reply(
    client, replied_with_files, handler, legal_reviewer
):
    request, code, files = replied_with_files
    released = files[RequestFile.Kind.RELEASED]
    with at(DAY + datetime.timedelta(days=1)):
        unlock(client, request, code)
        # Attached while the reply is prepared: not the applicant's yet.
        assert client.get(file_url(request, released)).status_code == 404
        assert "released文件.pdf" not in client.get(detail_url(request)).content.decode()


def test_the_reply_and_released_files_for_an_unlocked_number_only(
    client, replied_with_files, handler, legal_reviewer, office
):
    request, code, files = replied_with_files
    request = _reply(request, handler, legal_reviewer)
    assert request.state == State.REPLIED
    day = DAY + datetime.timedelta(days=3)

    with at(day):
        # Not unlocked in this session: nothing.
        for stored in files.values():
            assert client.get(file_url(request, stored)).status_code == 404
        unlock(client, request, code)
        page = client.get(detail_url(request)).content.decode()
        downloads = {kind: client.get(file_url(request, stored)) for kind, stored in files.items()}

    assert "partly disclosed" in page
    assert "经审查，部分公开，见附件。" in page
    assert "受助人身份证号码" in page
    assert "released文件.pdf" in page and "redacted文件.pdf" in page
    assert "unredacted文件.pdf" not in page and "identity文件.pdf" not in page
    # Internal steps, staff names and the applicant's data stay out.
    for hidden in (
        "reply drafted",
        "legal review",
        "file added",
        handler.full_name,
        legal_reviewer.full_name,
        office.full_name,
        VALID_ID,
        APPLICANT_PHONE,
        EMAIL,
    ):
        assert hidden not in page

    for kind in (RequestFile.Kind.RELEASED, RequestFile.Kind.REDACTED):
        response = downloads[kind]
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''" in response["Content-Disposition"].lower()
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert downloads[RequestFile.Kind.UNREDACTED].status_code == 404
    assert downloads[RequestFile.Kind.IDENTITY].status_code == 404


def test_another_applicants_number_gives_no_files(
    client, replied_with_files, member, handler, legal_reviewer
):
    request, _code, files = replied_with_files
    _reply(request, handler, legal_reviewer)
    other, other_code = submitted(member)
    with at(DAY + datetime.timedelta(days=3)):
        unlock(client, other, other_code)
        # The other number is unlocked; its files do not belong to this one.
        released = files[RequestFile.Kind.RELEASED]
        assert client.get(file_url(other, released)).status_code == 404
        assert client.get(file_url(request, released)).status_code == 404


# --------------------------------------------------------------------------- correction


def test_the_correction_is_sent_from_the_status_page(client, member, office):
    request, code = submitted(member)
    day = DAY + datetime.timedelta(days=2)
    with at(day):
        services.request_correction(request, actor=office, what="请写明所需信息的年份和地区。")
        unlock(client, request, code)
        page = client.get(detail_url(request)).content.decode()
        request.refresh_from_db()
        assert "请写明所需信息的年份和地区。" in page
        assert request.correction_due_on.isoformat() in page
        assert office.full_name not in page

        empty = client.post(detail_url(request), {"text": "  "})
        assert empty.status_code == 200
        assert "text" in empty.context["correction_form"].errors
        request.refresh_from_db()
        assert request.state == State.CORRECTION

        response = client.post(detail_url(request), {"text": "2024年全年，张家港市。"})
        assert response.status_code == 302
        after = client.get(detail_url(request)).content.decode()

    request.refresh_from_db()
    assert request.state == State.ACCEPTED
    assert request.corrected
    assert "2024年全年，张家港市。" in request.description
    assert request.events.filter(code=RequestEvent.Code.CORRECTED, actor=None).exists()
    assert "Your correction was received" in after
    assert "correction received" in after


def test_a_correction_cannot_be_sent_when_none_is_awaited(client, member):
    request, code = submitted(member)
    before = InfoRequest.objects.values().get()
    with at(DAY):
        unlock(client, request, code)
        response = client.post(detail_url(request), {"text": "补充一点"})
    assert response.status_code == 302
    assert InfoRequest.objects.values().get() == before


def test_a_correction_needs_an_unlocked_number(client, member, office):
    request, _code = submitted(member)
    with at(DAY + datetime.timedelta(days=1)):
        services.request_correction(request, actor=office, what="请补正。")
        response = client.post(detail_url(request), {"text": "补正内容"})
    request.refresh_from_db()
    assert response.status_code == 302
    assert request.state == State.CORRECTION
