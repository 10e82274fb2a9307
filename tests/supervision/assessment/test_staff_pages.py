"""The workbench pages: the office defines, scores by hand and publishes through the forms;
an agency's staff see their own provisional scorecard and the records behind it, never another
agency's; accountability records are the office's alone. Refused requests change nothing;
anonymous visitors are sent to sign in. Pages are read in English (the language cookie)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.supervision.assessment import services
from gongkai.supervision.assessment.models import (
    EvidenceFile,
    HandScore,
    IndicatorScheme,
)
from gongkai.workbench.navigation import navigation_for
from gongkai.workbench.queue import queue_for
from tests.supervision.assessment.conftest import (
    AFTER_YEAR,
    APPLICANT,
    APPLICANT_PHONE,
    PERSON,
    WRITER,
    WRITER_PHONE,
    build_scheme,
    everything,
    indicator,
    info_request,
    letter,
    make_png,
    today_is,
)

pytestmark = pytest.mark.django_db

D = datetime.date
IN_YEAR = D(2025, 6, 30)
AFTER = D(2026, 1, 20)


def url(name: str, *args: object) -> str:
    return reverse(f"assessment_staff:{name}", args=args)


@pytest.fixture
def records(agency, other_agency):
    """An application and a letter of each agency, with personal data."""
    info_request(agency, received=D(2025, 3, 2), due=D(2025, 3, 30), replied=D(2025, 3, 10))
    info_request(other_agency, received=D(2025, 3, 2), due=D(2025, 3, 30), replied=D(2025, 4, 10))
    letter(agency, received=D(2025, 3, 2), due=D(2025, 3, 9), replied=D(2025, 3, 5))


@pytest.fixture
def accountability(office, agency):
    return services.record_accountability(
        agency, person=PERSON, reason="未按时公开", measure="criticism", decided_on=D(2025, 5, 6),
        actor=office, now=AFTER_YEAR,
    )  # fmt: skip


def office_addresses(scheme, accountability) -> list[tuple[str, str]]:
    """Every office-only address and its method."""
    manual = indicator(scheme, "2")
    return [
        (url("scheme_new"), "get"),
        (url("scheme_new"), "post"),
        (url("scheme_detail", scheme.pk), "get"),
        (url("scheme_edit", scheme.pk), "post"),
        (url("scheme_activate", scheme.pk), "post"),
        (url("scheme_publish", scheme.pk), "post"),
        (url("scheme_new_version", scheme.pk), "post"),
        (url("indicator_new", scheme.pk), "post"),
        (url("indicator_edit", manual.pk), "post"),
        (url("indicator_delete", manual.pk), "post"),
        (url("scorecards", scheme.pk), "get"),
        (url("hand_scores", manual.pk), "get"),
        (url("hand_score_edit", manual.pk, "education"), "post"),
        (url("accountability_list"), "get"),
        (url("accountability_new"), "post"),
        (url("accountability_edit", accountability.pk), "post"),
    ]


POST_DATA = {
    "year": "2026", "title": "改", "change_note": "改", "code": "9", "name": "改",
    "kind": "manual", "max_points": "5", "unscored": "full", "sort_order": "1",
    "points": "1", "comment": "改", "person": "某某", "reason": "改", "measure": "other",
    "decided_on": "2025-05-05",
}  # fmt: skip


def test_anonymous_visitors_are_sent_to_sign_in(client, scheme, accountability):
    addresses = [
        *office_addresses(scheme, accountability),
        (url("index"), "get"),
        (url("card", scheme.pk, "education"), "get"),
        (url("records", scheme.pk, "education", indicator(scheme, "1.1").pk), "get"),
    ]
    before = everything()
    for address, method in addresses:
        response = getattr(client, method)(address, POST_DATA if method == "post" else None)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("workbench:login")), address
    assert everything() == before


@pytest.mark.parametrize("who", ["editor", "stranger", "administrator"])
def test_staff_outside_the_office_are_refused_the_offices_pages(
    request, who, english, scheme, accountability, password
):
    english.login(username=request.getfixturevalue(who).username, password=password)
    before = everything()
    for address, method in office_addresses(scheme, accountability):
        response = getattr(english, method)(address, POST_DATA if method == "post" else None)
        assert response.status_code == 403, address
        assert "Nothing was changed" in response.content.decode()
    assert everything() == before


def test_an_agency_sees_its_own_provisional_scorecard_and_the_records(
    english, editor, scheme, records, password
):
    english.login(username=editor.username, password=password)
    with today_is(IN_YEAR):
        index = english.get(url("index"))
        card = english.get(url("card", scheme.pk, "education"))
        reply = indicator(scheme, "1.1")
        drill = english.get(url("records", scheme.pk, "education", reply.pk))

    assert url("card", scheme.pk, "education") in index.content.decode()
    assert f'href="{url("scheme_detail", scheme.pk)}"' not in index.content.decode()
    html = card.content.decode()
    assert card.status_code == 200 and 'data-testid="provisional"' in html
    assert "2025-01-01 to 2025-06-30" in html
    assert url("records", scheme.pk, "education", reply.pk) in html
    text = drill.content.decode()
    assert drill.status_code == 200
    for secret in (APPLICANT, APPLICANT_PHONE, WRITER, WRITER_PHONE):
        assert secret not in html and secret not in text
    assert "YSQ" in text  # the tracking number
    assert "due 2025-03-30, replied 2025-03-10" in text  # worded in the page's language


def test_another_agencys_scorecard_is_refused(english, editor, scheme, records, password):
    english.login(username=editor.username, password=password)
    before = everything()
    for address in (
        url("card", scheme.pk, "health"),
        url("records", scheme.pk, "health", indicator(scheme, "1.1").pk),
    ):
        response = english.get(address)
        assert response.status_code == 403, address
        assert "another agency" in response.content.decode()
    assert everything() == before


def test_a_draft_is_the_offices_alone(english, editor, office, password):
    draft = services.create_scheme(2026, title="草稿", actor=office)
    services.add_indicator(
        draft, services.IndicatorInput(code="1", name="x", kind="manual", max_points="5"),
        actor=office,
    )  # fmt: skip
    english.login(username=editor.username, password=password)
    assert english.get(url("card", draft.pk, "education")).status_code == 403


def test_the_office_defines_a_scheme_through_the_forms(english, office, password):
    english.login(username=office.username, password=password)
    response = english.post(url("scheme_new"), {"year": "2025", "title": "2025年度考核指标"})
    scheme = IndicatorScheme.objects.get()
    assert response.status_code == 302 and response["Location"] == url("scheme_detail", scheme.pk)

    english.post(url("indicator_new", scheme.pk),
                 {"code": "1", "name": "依申请公开", "kind": "group", "sort_order": "1",
                  "unscored": "full"})  # fmt: skip
    group = scheme.indicators.get(code="1")
    response = english.post(
        url("indicator_new", scheme.pk),
        {"code": "1.1", "name": "按时答复", "kind": "computed", "parent": group.pk,
         "max_points": "20", "sort_order": "2", "measure": "request_reply_rate",
         "scoring": "steps", "steps": "100 20\n95，16\n90:12", "direction": "at_least",
         "otherwise": "0", "unscored": "full"},
    )  # fmt: skip
    assert response.status_code == 302
    leaf = scheme.indicators.get(code="1.1")
    assert leaf.parameters == {
        "direction": "at_least",
        "steps": [["100", "20"], ["95", "16"], ["90", "12"]],
        "otherwise": "0",
    }
    group.refresh_from_db()
    assert group.max_points == Decimal("20.00")

    # A bad rule is refused next to its field, nothing saved.
    before = everything()
    response = english.post(
        url("indicator_new", scheme.pk),
        {"code": "1.2", "name": "满意率", "kind": "computed", "parent": group.pk,
         "max_points": "10", "sort_order": "3", "measure": "letter_satisfaction",
         "scoring": "linear", "zero_at": "60", "unscored": "full"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Give “full_at”." in response.content.decode()
    assert everything() == before

    response = english.post(url("scheme_activate", scheme.pk))
    scheme.refresh_from_db()
    assert scheme.state == "active"
    detail = english.get(url("scheme_detail", scheme.pk)).content.decode()
    assert "≥100% → 20" in detail


def test_the_assessor_scores_by_hand_with_a_file_and_the_agency_downloads_it(
    english, client, office, editor, stranger, scheme, password, agency
):
    english.login(username=office.username, password=password)
    manual = indicator(scheme, "2")
    address = url("hand_score_edit", manual.pk, "education")
    before = everything()
    missing = english.post(address, {"points": "8", "comment": "栏目未更新"})
    assert missing.status_code == 200 and "Give the evidence" in missing.content.decode()
    assert everything() == before

    response = english.post(
        address,
        {"points": "8", "comment": "栏目未更新，扣2分",
         "evidence_files": SimpleUploadedFile("截图.png", make_png(), content_type="image/png")},
    )  # fmt: skip
    assert response.status_code == 302
    score = HandScore.objects.get()
    evidence = EvidenceFile.objects.get()
    assert (score.points, score.agency) == (Decimal("8.00"), agency)

    listing = english.get(url("hand_scores", manual.pk)).content.decode()
    assert "栏目未更新，扣2分" in listing

    client.login(username=editor.username, password=password)
    download = client.get(url("evidence_file", evidence.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"
    client.logout()
    client.login(username=stranger.username, password=password)
    assert client.get(url("evidence_file", evidence.pk)).status_code == 403


def test_another_office_member_is_refused_an_assigned_indicator(
    english, colleague, scheme, password, agency
):
    english.login(username=colleague.username, password=password)
    before = everything()
    response = english.post(
        url("hand_score_edit", indicator(scheme, "2").pk, "education"),
        {"points": "1", "comment": "x", "documents": ""},
    )
    assert response.status_code == 403
    assert "entered by its assessor" in response.content.decode()
    assert everything() == before


def test_the_office_publishes_and_the_scheme_is_frozen(english, office, scheme, records, password):
    english.login(username=office.username, password=password)
    with today_is(IN_YEAR):
        early = english.post(url("scheme_publish", scheme.pk), follow=True)
        provisional = english.get(url("scorecards", scheme.pk)).content.decode()
    assert "after the year is over" in early.content.decode()
    assert 'data-testid="provisional"' in provisional
    assert not scheme.scorecards.exists()

    with today_is(AFTER):
        english.force_login(office)  # the session of June has expired by January
        response = english.post(url("scheme_publish", scheme.pk))
        ranking = english.get(url("scorecards", scheme.pk)).content.decode()
        edit = english.post(
            url("indicator_edit", indicator(scheme, "2").pk), {"code": "2", "name": "改"}
        )
    assert response.status_code == 302
    assert scheme.scorecards.count() == 3
    assert "Published on 2026-01-20" in ranking
    assert edit.status_code == 403 and "frozen" in edit.content.decode()
    assert indicator(scheme, "2").name == "日常抽测"


def test_accountability_records_show_the_person_to_the_office_only(
    english, client, office, editor, accountability, scheme, password
):
    english.login(username=office.username, password=password)
    listing = english.get(url("accountability_list")).content.decode()
    assert PERSON in listing

    client.login(username=editor.username, password=password)
    with today_is(IN_YEAR):
        for address in (
            url("index"),
            url("card", scheme.pk, "education"),
            reverse("workbench:home"),
        ):
            assert PERSON not in client.get(address).content.decode(), address


def test_the_office_records_an_accountability_through_the_form(english, office, agency, password):
    english.login(username=office.username, password=password)
    response = english.post(
        url("accountability_new"),
        {"agency": agency.pk, "person": PERSON, "person_title": "科长", "reason": "未按时公开",
         "measure": "admonition", "decided_on": "2025-05-06"},
    )  # fmt: skip
    assert response.status_code == 302
    listing = english.get(url("accountability_list") + "?year=2025").content.decode()
    assert PERSON in listing and 'data-testid="summary"' in listing


def test_menus_and_queue(office, editor, stranger, scheme, agency):
    assert "assessment" in [link.key for link in navigation_for(office)]
    assert "assessment" in [link.key for link in navigation_for(editor)]
    rows = [{"code": "1", "name": "年度报告", "kind": "manual", "max_points": "10",
             "unscored": "required"}]  # fmt: skip
    build_scheme(office, year=2024, rows=rows, assessor=office)
    with today_is(IN_YEAR):
        titles = [str(item.title) for item in queue_for(office, None)]
        assert not [item for item in queue_for(editor, agency) if "score" in str(item.kind)]
    assert any("年度报告" in title for title in titles)
    assert any("Scorecards of 2024 ready to publish" in title for title in titles)
    assert not any("2025" in title and "publish" in title for title in titles)


def test_the_scorecard_pages_have_bounded_queries(
    english, office, scheme, records, password, django_assert_max_num_queries, agency_factory
):
    from tests.supervision.assessment.conftest import join

    for _ in range(10):
        join(agency_factory())
    english.login(username=office.username, password=password)
    with today_is(AFTER):
        english.post(url("scheme_publish", scheme.pk))
        with django_assert_max_num_queries(25):
            assert english.get(url("scorecards", scheme.pk)).status_code == 200
        with django_assert_max_num_queries(30):
            assert english.get(url("card", scheme.pk, "education")).status_code == 200
