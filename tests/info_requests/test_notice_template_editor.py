"""The notice template editor in the workbench: an agency's handlers and head edit and preview
its letter templates and notice settings, the office the defaults of every agency.

Who may do what: another agency's staff get a 404 and change nothing, staff without a
template role a 403, anonymous visitors the sign-in page. Every change is audited; issued
notices never change — only notices issued afterwards read the new text. Pages are requested
in English (the language cookie) where a test reads their text.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from gongkai.agencies.models import StaffRole
from gongkai.core.models import AuditEntry
from gongkai.info_requests import letters
from gongkai.info_requests.notice_editing import (
    SAMPLE_APPLICATION,
    preview_letter,
    sample_values,
)
from gongkai.info_requests.notice_models import (
    PLACEHOLDERS,
    Notice,
    NoticeSettings,
    NoticeTemplate,
    template_placeholders,
)
from gongkai.workbench.navigation import navigation_for
from tests.info_requests.conftest import APPLICANT_NAME

pytestmark = pytest.mark.django_db

D = datetime.date
Kind = NoticeTemplate.Kind
ACK = Kind.ACKNOWLEDGEMENT.value
NEW_TITLE = "{agency_name}受理通知书"
NEW_BODY = (
    "{applicant_name}：\n"
    "本机关已于{received_date}收到您的申请（编号{request_number}）。\n"
    "特此告知。"
)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def editor(agency, staff_role_factory):
    """Staff with a role, but none for notice templates (a catalogue editor)."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user


def url(name: str, *args: object) -> str:
    return reverse(f"info_requests_staff:{name}", args=args)


def everything() -> tuple:
    """What a refused request must leave exactly as it was."""
    return (
        list(
            NoticeTemplate.objects.order_by("pk").values_list("agency_id", "kind", "title", "body")
        ),
        list(
            NoticeSettings.objects.order_by("pk").values_list(
                "agency_id", "number_pattern", "reconsideration_body", "court"
            )
        ),
        AuditEntry.objects.filter(kind=AuditEntry.Kind.CHANGE).count(),
    )


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def own_template(agency, kind: str = ACK, **fields) -> NoticeTemplate:
    return NoticeTemplate.objects.create(
        agency=agency,
        kind=kind,
        title=fields.get("title", "本局受理回执"),
        body=fields.get("body", "{applicant_name}：\n本局已收到您的申请。"),
    )


# --- access ------------------------------------------------------------------------------------


def every_address(agency) -> list[str]:
    return [
        url("notice_template_index"),
        url("notice_templates", agency.pk),
        url("edit_notice_template", agency.pk, ACK),
        url("revert_notice_template", agency.pk, ACK),
        url("notice_settings", agency.pk),
        url("notice_templates", "default"),
        url("edit_notice_template", "default", ACK),
        url("notice_settings", "default"),
    ]


def every_form_address(agency) -> list[str]:
    return [
        url("edit_notice_template", agency.pk, ACK),
        url("revert_notice_template", agency.pk, ACK),
        url("notice_settings", agency.pk),
        url("edit_notice_template", "default", ACK),
        url("notice_settings", "default"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, handling_agency):
    own_template(handling_agency)
    before = everything()
    for address in every_address(handling_agency):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("workbench:login"))
    for address in every_form_address(handling_agency):
        response = client.post(address, {"title": "t", "body": "b", "court": "某法院"})
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("workbench:login"))
    assert everything() == before


def test_staff_without_a_template_role_are_refused(client, editor, legal_reviewer, agency):
    """Templates are edited by an agency's handlers and head and by the office: a catalogue
    editor or a legal reviewer is refused, and nothing changes."""
    before = everything()
    for user in (editor, legal_reviewer):
        client.force_login(user)
        assert client.get(url("notice_template_index")).status_code == 403
        response = client.post(
            url("edit_notice_template", agency.pk, ACK), {"title": NEW_TITLE, "body": NEW_BODY}
        )
        assert response.status_code == 403
    assert everything() == before


def test_another_agencys_staff_cannot_see_or_edit_its_templates_or_settings(
    client, handling_agency, stranger, handler
):
    own_template(handling_agency)
    NoticeSettings.objects.create(agency=handling_agency, court="苏州市中级人民法院")
    before = everything()
    client.force_login(stranger)
    agency = handling_agency
    for address in (
        url("notice_templates", agency.pk),
        url("edit_notice_template", agency.pk, ACK),
        url("revert_notice_template", agency.pk, ACK),
        url("notice_settings", agency.pk),
    ):
        assert client.get(address).status_code == 404, address
    posts = [
        (url("edit_notice_template", agency.pk, ACK), {"title": NEW_TITLE, "body": NEW_BODY}),
        (
            url("edit_notice_template", agency.pk, ACK),
            {"title": NEW_TITLE, "body": NEW_BODY, "preview": ""},
        ),
        (url("revert_notice_template", agency.pk, ACK), {}),
        (url("notice_settings", agency.pk), {"number_pattern": "X{serial}", "court": "某法院"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 404, address
    # Choosing the agency on the list page does not open it either: the stranger's own.
    response = client.get(url("notice_template_index"), {"agency": agency.pk})
    assert response["Location"] != url("notice_templates", agency.pk)
    listing = client.get(response["Location"])
    assert listing.context["scope"].agency != agency
    assert agency.name not in listing.content.decode()
    assert everything() == before


def test_a_role_at_the_agency_that_is_not_a_template_role_is_refused(
    english, handling_agency, stranger, staff_role_factory
):
    """The stranger is also a catalogue editor of the handling agency: they see the agency,
    but edit only the templates of the agency where they handle cases."""
    staff_role_factory(agency=handling_agency, role=StaffRole.Role.EDITOR, user=stranger)
    own_template(handling_agency)
    before = everything()
    english.force_login(stranger)
    agency = handling_agency
    response = english.get(url("notice_templates", agency.pk))
    assert response.status_code == 403
    assert f"You may not edit the notice templates of {agency.name}." in response.content.decode()
    for address, data in [
        (url("edit_notice_template", agency.pk, ACK), {"title": NEW_TITLE, "body": NEW_BODY}),
        (url("revert_notice_template", agency.pk, ACK), {}),
        (url("notice_settings", agency.pk), {"number_pattern": "X{serial}"}),
    ]:
        assert english.post(address, data).status_code == 403, address
    assert everything() == before


def test_only_the_office_edits_the_defaults(english, handler, office, handling_agency):
    before = everything()
    english.force_login(handler)
    assert english.get(url("notice_templates", "default")).status_code == 403
    response = english.post(
        url("edit_notice_template", "default", ACK), {"title": NEW_TITLE, "body": NEW_BODY}
    )
    assert response.status_code == 403
    assert "Only the disclosure office edits the default notice templates." in (
        response.content.decode()
    )
    assert english.post(url("notice_settings", "default"), {"court": "某法院"}).status_code == 403
    assert everything() == before

    english.force_login(office)
    response = english.post(
        url("edit_notice_template", "default", ACK), {"title": NEW_TITLE, "body": NEW_BODY}
    )
    assert response.status_code == 302
    default = NoticeTemplate.objects.get(agency=None, kind=ACK)
    assert (default.title, default.body) == (NEW_TITLE, NEW_BODY)
    assert not NoticeTemplate.objects.exclude(agency=None).exists()
    entry = AuditEntry.objects.get(action="info_requests.save_notice_template")
    assert entry.actor == office and entry.agency_id is None
    # The office edits an agency's templates too.
    response = english.post(
        url("edit_notice_template", handling_agency.pk, ACK), {"title": "回执", "body": NEW_BODY}
    )
    assert response.status_code == 302
    assert NoticeTemplate.objects.get(agency=handling_agency, kind=ACK).title == "回执"


def test_navigation_shows_the_templates_to_those_who_may_edit_them(
    office, handler, head, legal_reviewer, editor
):
    for user in (office, handler, head):
        assert "notice_templates" in [link.key for link in navigation_for(user)]
    for user in (legal_reviewer, editor):
        assert "notice_templates" not in [link.key for link in navigation_for(user)]


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_every_kind_own_or_default(
    english, handler, handling_agency, other_agency, django_assert_max_num_queries
):
    own_template(handling_agency, Kind.FEE, title="本局收费通知书")
    own_template(other_agency, ACK, title="别的机关的回执")
    english.force_login(handler)
    response = english.get(url("notice_template_index"))
    assert response.status_code == 302
    assert response["Location"] == url("notice_templates", handling_agency.pk)

    with django_assert_max_num_queries(13):
        response = english.get(response["Location"])
    assert response.status_code == 200
    rows = {row.kind: row for row in response.context["rows"]}
    assert list(rows) == list(Kind)
    assert [kind for kind, row in rows.items() if row.own] == [Kind.FEE]
    assert rows[Kind.FEE].title == "本局收费通知书"
    assert rows[Kind.ACKNOWLEDGEMENT].title == letters.builtin_template(ACK)[0]
    page = response.content.decode()
    assert "别的机关的回执" not in page
    # Only the templates' entry is the current page, not the applications' above it.
    assert page.count('aria-current="page"') == 1
    assert 'aria-current="page">Notice templates<' in page
    assert url("edit_notice_template", handling_agency.pk, Kind.FEE.value) in page
    assert url("revert_notice_template", handling_agency.pk, Kind.FEE.value) in page
    assert url("revert_notice_template", handling_agency.pk, ACK) not in page
    # Looking changes nothing: the default rows are made when a notice first needs them.
    assert not NoticeTemplate.objects.filter(agency=None).exists()


# --- editing and previewing --------------------------------------------------------------------


def test_the_handler_edits_and_previews_the_agencys_template(english, handler, handling_agency):
    handling_agency.address = "张家港市人民路1号"
    handling_agency.save()
    NoticeSettings.objects.create(
        agency=handling_agency, number_pattern="{agency_short}受〔{year}〕{serial:03d}号"
    )
    english.force_login(handler)
    address = url("edit_notice_template", handling_agency.pk, ACK)

    response = english.get(address)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["title"], form.initial["body"]) == letters.builtin_template(ACK)
    page = response.content.decode()
    assert "Uses the default template" in page
    for name in PLACEHOLDERS:
        assert f"<code>{{{name}}}</code>" in page
    assert escape(str(PLACEHOLDERS["applicant_name"])) in page

    before = everything()
    body = NEW_BODY + "\n{agency_contact}"
    response = english.post(address, {"title": NEW_TITLE, "body": body, "preview": ""})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.title == f"{handling_agency.name}受理通知书"
    assert preview.number == f"{handling_agency.short_name}受〔2026〕001号"
    assert preview.salutation == f"{SAMPLE_APPLICATION['applicant_name']}："
    assert preview.paragraphs == (
        "本机关已于2026年3月2日收到您的申请（编号YSQ202600123）。",
        "特此告知。",
        "联系地址：张家港市人民路1号。",
    )
    assert preview.signature == handling_agency.name
    assert "本机关已于2026年3月2日收到您的申请" in response.content.decode()
    assert everything() == before  # a preview saves nothing

    response = english.post(address, {"title": NEW_TITLE, "body": body.replace("\n", "\r\n")})
    assert response.status_code == 302
    assert response["Location"] == url("notice_templates", handling_agency.pk)
    assert "notices already issued do not change" in shown_messages(response)[0]
    own = NoticeTemplate.objects.get(agency=handling_agency, kind=ACK)
    assert (own.title, own.body) == (NEW_TITLE, body)  # one \n a line
    assert not NoticeTemplate.objects.filter(agency=None).exists()  # the default untouched
    entry = AuditEntry.objects.get(action="info_requests.save_notice_template")
    assert entry.actor == handler
    assert entry.agency_id == handling_agency.pk
    assert entry.details == {"kind": ACK, "created": True, "changed": ["title", "body"]}

    response = english.post(address, {"title": "受理回执", "body": body})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "受理回执"
    changed = AuditEntry.objects.filter(action="info_requests.save_notice_template").latest("id")
    assert changed.details["changed"] == ["title"]
    assert changed.details["previous"]["title"] == NEW_TITLE
    # Saving the same text again records nothing.
    english.post(address, {"title": "受理回执", "body": body})
    assert AuditEntry.objects.filter(action="info_requests.save_notice_template").count() == 2


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "{applicant_name}：\n请补正{secret_field}。",
            "Unknown placeholder “{secret_field}” in the template. Allowed: {number}, ",
        ),
        (
            "{applicant_name：\n请补正。",
            "The template is malformed: every { needs a matching } (write {{ for a brace).",
        ),
        (
            "{applicant_name}：\n请补正{applicant_name.__class__}。",
            "Unknown placeholder “{applicant_name.__class__}”",
        ),
    ],
)
@pytest.mark.parametrize("button", ["save", "preview"])
def test_a_bad_template_is_refused_with_the_message_and_nothing_is_saved(
    english, handler, handling_agency, body, message, button
):
    own_template(handling_agency, Kind.CORRECTION, title="补正告知书", body="{applicant_name}：")
    before = everything()
    english.force_login(handler)
    response = english.post(
        url("edit_notice_template", handling_agency.pk, Kind.CORRECTION.value),
        {"title": "补正告知书", "body": body, button: ""},
    )
    assert response.status_code == 400
    assert response.context["preview"] is None
    assert response.context["form"].errors["body"][0].startswith(message)
    assert message in response.content.decode()
    assert everything() == before


def test_a_reply_template_without_the_remedies_paragraph_is_refused(
    english, handler, handling_agency
):
    before = everything()
    english.force_login(handler)
    response = english.post(
        url("edit_notice_template", handling_agency.pk, Kind.REPLY_DISCLOSED.value),
        {"title": "{unknown}", "body": "{applicant_name}：\n予以公开。"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"][0].startswith("Unknown placeholder “{unknown}”")
    assert errors["body"] == [
        "A reply notice must contain the remedies paragraph {remedies} (REG 51)."
    ]
    assert everything() == before


def test_an_unknown_kind_is_a_404(client, handler, handling_agency):
    client.force_login(handler)
    assert client.get(url("edit_notice_template", handling_agency.pk, "reply")).status_code == 404
    assert client.get(url("notice_templates", 999_999)).status_code == 404


def test_every_default_template_previews_with_its_placeholders_filled(handling_agency):
    """The sample application gives every placeholder a letter of each kind uses a value,
    and is invented: no applicant's name from the suite's applications."""
    handling_agency.address = "张家港市人民路1号"
    handling_agency.phone = "0512-56700000"
    handling_agency.save()
    for kind in Kind:
        title, body = letters.builtin_template(kind)
        values = sample_values(kind, handling_agency)
        used = template_placeholders(title) | template_placeholders(body)
        assert sorted(name for name in used if not values[name]) == [], kind
        letter = preview_letter(
            NoticeTemplate(kind=kind, title=title, body=body), agency=handling_agency
        )
        text = "\n".join([letter.title, letter.salutation, *letter.paragraphs])
        assert "{" not in text and "}" not in text
        assert APPLICANT_NAME not in text
        if kind in NoticeTemplate.REPLY_KINDS:
            assert "申请行政复议" in text


# --- reverting ---------------------------------------------------------------------------------


def test_revert_asks_first_then_deletes_only_the_override(
    english, handler, handling_agency, other_agency
):
    mine = own_template(handling_agency, ACK, title="本局回执")
    own_template(handling_agency, Kind.FEE, title="本局收费通知书")
    own_template(other_agency, ACK, title="别局回执")
    NoticeTemplate.objects.create(
        agency=None, kind=ACK, title="默认回执", body="{applicant_name}："
    )
    english.force_login(handler)
    address = url("revert_notice_template", handling_agency.pk, ACK)

    before = everything()
    response = english.get(address)
    assert response.status_code == 200
    assert "本局回执" in response.content.decode()
    assert 'method="post"' in response.content.decode()
    assert everything() == before  # asking deletes nothing

    response = english.post(address)
    assert response.status_code == 302
    assert response["Location"] == url("notice_templates", handling_agency.pk)
    assert list(
        NoticeTemplate.objects.order_by("pk").values_list("agency_id", "kind", "title")
    ) == [
        (handling_agency.pk, Kind.FEE.value, "本局收费通知书"),
        (other_agency.pk, ACK, "别局回执"),
        (None, ACK, "默认回执"),
    ]
    entry = AuditEntry.objects.get(action="info_requests.revert_notice_template")
    assert entry.actor == handler and entry.agency_id == handling_agency.pk
    assert entry.object_id == str(mine.pk)
    assert entry.details["previous"]["title"] == "本局回执"  # the text can be found again
    # The agency now uses the default.
    assert letters.template_for(ACK, handling_agency).title == "默认回执"

    # Nothing left to revert: nothing happens, nothing is recorded.
    assert english.post(address).status_code == 302
    assert english.get(address).status_code == 302
    assert AuditEntry.objects.filter(action="info_requests.revert_notice_template").count() == 1


# --- issued notices ----------------------------------------------------------------------------


def test_a_notice_issued_afterwards_uses_the_new_text_and_an_earlier_one_is_unchanged(
    client, submit, handler, handling_agency
):
    first = submit(D(2025, 9, 1), to=handling_agency)
    earlier = Notice.objects.get(request=first, kind=Notice.Kind.ACKNOWLEDGEMENT)
    frozen = Notice.objects.filter(pk=earlier.pk).values().get()
    assert earlier.title == letters.builtin_template(ACK)[0]

    client.force_login(handler)
    response = client.post(
        url("edit_notice_template", handling_agency.pk, ACK), {"title": NEW_TITLE, "body": NEW_BODY}
    )
    assert response.status_code == 302
    response = client.post(
        url("notice_settings", handling_agency.pk),
        {"number_pattern": "{agency_short}受〔{year}〕{serial:03d}号", "reconsideration_body": ""},
    )
    assert response.status_code == 302

    second = submit(D(2025, 9, 2), to=handling_agency)
    later = Notice.objects.get(request=second, kind=Notice.Kind.ACKNOWLEDGEMENT)
    assert later.title == f"{handling_agency.name}受理通知书"
    assert later.body == (
        f"{APPLICANT_NAME}：\n本机关已于2025年9月2日收到您的申请（编号{second.number}）。\n特此告知。"
    )
    assert later.number == f"{handling_agency.short_name}受〔2025〕001号"
    assert Notice.objects.filter(pk=earlier.pk).values().get() == frozen

    # Reverting does not touch it either.
    client.post(url("revert_notice_template", handling_agency.pk, ACK))
    assert Notice.objects.filter(pk=earlier.pk).values().get() == frozen
    assert Notice.objects.get(pk=later.pk).title == f"{handling_agency.name}受理通知书"


# --- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            "{agency_short}依申告〔{year}〕号",
            "must contain the placeholder “{serial}”",
        ),
        ("{agency_short}〔{year}〕{serial}号{secret}", "{secret}"),
        ("{agency_short}〔{year}〕{serial号", "{"),
        ("{org_code:05d}-{serial}", "does not fit its value"),
    ],
)
def test_a_bad_number_pattern_is_refused_and_nothing_is_saved(
    english, handler, handling_agency, pattern, message
):
    NoticeSettings.objects.create(agency=handling_agency, number_pattern="{agency_short}-{serial}")
    before = everything()
    english.force_login(handler)
    for button in ("save", "preview"):
        response = english.post(
            url("notice_settings", handling_agency.pk),
            {"number_pattern": pattern, "reconsideration_body": "某某市人民政府", button: ""},
        )
        assert response.status_code == 400
        error = response.context["form"].errors["number_pattern"][0]
        assert message in error
        assert error in response.content.decode()
    assert everything() == before


def test_the_settings_show_an_example_number_and_are_saved(
    english, handler, handling_agency, agency_factory
):
    handling_agency.parent = agency_factory(name="某某市人民政府")
    handling_agency.save()
    english.force_login(handler)
    address = url("notice_settings", handling_agency.pk)

    response = english.get(address)
    assert response.status_code == 200
    short = handling_agency.short_name
    assert response.context["example_number"] == f"{short}依申告〔2026〕1号"
    assert "向某某市人民政府申请行政复议" in response.context["remedies"]
    form = response.context["form"]
    assert form.fields["number_pattern"].widget.attrs["placeholder"] == (
        "{agency_short}依申告〔{year}〕{serial}号"
    )

    before = everything()
    data = {
        "number_pattern": "{agency_short}公开〔{year}〕{serial:03d}号",
        "reconsideration_body": "",
        "court": "苏州市中级人民法院",
    }
    response = english.post(address, {**data, "preview": ""})
    assert response.status_code == 200
    assert response.context["example_number"] == f"{short}公开〔2026〕001号"
    assert "或者在六个月内向苏州市中级人民法院提起行政诉讼" in response.context["remedies"]
    assert f"{short}公开〔2026〕001号" in response.content.decode()
    assert everything() == before  # a preview saves nothing

    response = english.post(address, data)
    assert response.status_code == 302
    saved = NoticeSettings.objects.get(agency=handling_agency)
    assert (saved.number_pattern, saved.reconsideration_body, saved.court) == (
        data["number_pattern"],
        "",
        data["court"],
    )
    assert not NoticeSettings.objects.filter(agency=None).exists()
    entry = AuditEntry.objects.get(action="info_requests.save_notice_settings")
    assert entry.actor == handler and entry.agency_id == handling_agency.pk
    assert entry.details == {"created": True, "changed": ["number_pattern", "court"]}
    assert letters.notice_settings_for(handling_agency) == (
        data["number_pattern"],
        "某某市人民政府",
        "苏州市中级人民法院",
    )
