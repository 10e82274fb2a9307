"""The pages: the portal shows published months only, with the table (always) and the chart
data, a correction visibly marked and the old version reachable; the workbench shows the office
everything and an agency its own rows; refusals change nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from gongkai.supervision.monthly import services
from gongkai.supervision.monthly.models import HealthCheck, MonthlyPublication
from gongkai.workbench.navigation import navigation_for
from tests.supervision.monthly.conftest import D

pytestmark = pytest.mark.django_db

CORRECTION_NOTE = "补录3月20日教育局发布的信息1条，更正其信息发布数。"


def inline_scripts(html: str) -> list[str]:
    """``<script>`` elements that would run without a ``src`` (JSON data blocks do not)."""
    found = []
    for match in re.finditer(r"<script\b([^>]*)>", html, flags=re.IGNORECASE):
        attrs = match.group(1)
        if "src=" in attrs or 'type="application/json"' in attrs:
            continue
        found.append(match.group(0))
    return found


def row_of(html: str, agency) -> str:
    match = re.search(rf'<tr data-agency="{agency.pk}">(.*?)</tr>', html, flags=re.S)
    assert match, f"no row for {agency.name}"
    return match.group(1)


def cell(html: str, agency, key: str) -> str:
    match = re.search(rf'data-key="{key}">\s*(.*?)\s*</td>', row_of(html, agency), flags=re.S)
    assert match
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def march(office, dept, other_dept, publish_document, letter):
    """March 2025 published (two publications of dept, one of the other department)."""
    publish_document(dept, D(2025, 3, 5))
    publish_document(dept, D(2025, 3, 6))
    publish_document(other_dept, D(2025, 3, 7))
    letter(
        D(2025, 3, 3), handling=dept, replied=D(2025, 3, 5), rating="satisfied", rated=D(2025, 3, 6)
    )
    publication = services.compute_month(2025, 3, actor=office)
    services.check_publication(publication, actor=office)
    return services.publish_publication(publication, actor=office)


@pytest.fixture
def corrected(march, office, dept, publish_document):
    publish_document(dept, D(2025, 3, 20))
    correction = services.start_correction(2025, 3, actor=office, note=CORRECTION_NOTE)
    services.check_publication(correction, actor=office)
    return services.publish_publication(correction, actor=office)


@pytest.fixture
def april_draft(march, office):
    return services.compute_month(2025, 4, actor=office)


# --- the portal ------------------------------------------------------------------------------


def test_the_portal_lists_published_months_only(english, march, april_draft):
    response = english.get(reverse("monthly:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("monthly:month", args=[2025, 3]) in html
    assert reverse("monthly:month", args=[2025, 4]) not in html
    assert english.get(reverse("monthly:month", args=[2025, 4])).status_code == 404
    assert english.get(reverse("monthly:version", args=[2025, 4, 1])).status_code == 404


def test_a_checked_table_is_not_public_either(english, march, april_draft, office):
    services.check_publication(april_draft, actor=office)

    assert english.get(reverse("monthly:month", args=[2025, 4])).status_code == 404


def test_the_month_page_has_the_table_the_chart_data_and_no_inline_script(
    english, march, dept, other_dept
):
    response = english.get(reverse("monthly:month", args=[2025, 3]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="monthly-table"' in html
    assert cell(html, dept, "documents_published") == "2"
    assert cell(html, other_dept, "documents_published") == "1"
    assert cell(html, dept, "satisfaction_rate") == "100.0%"
    assert cell(html, other_dept, "satisfaction_rate") == "—"
    assert inline_scripts(html) == []
    assert "vendor/echarts/echarts.min.js" in html and "gongkai/js/monthly-charts.js" in html
    data = json.loads(
        re.search(
            r'<script id="monthly-chart-data" type="application/json">(.*?)</script>',
            html,
            flags=re.S,
        ).group(1)
    )
    assert data["publications"]["agencies"][0] == dept.name
    assert data["publications"]["series"][0]["values"][:2] == [2, 1]
    assert "/workbench/monthly/" not in html  # no drill-down into records on the portal


def test_a_correction_is_marked_and_the_old_version_stays_readable(english, corrected, march, dept):
    current = english.get(reverse("monthly:month", args=[2025, 3])).content.decode()
    old = english.get(reverse("monthly:version", args=[2025, 3, 1]))
    listing = english.get(reverse("monthly:index")).content.decode()

    assert 'data-version="2"' in current and "Version 2" in current
    assert 'data-testid="correction-note"' in current and CORRECTION_NOTE in current
    assert cell(current, dept, "documents_published") == "3"
    assert old.status_code == 200
    old_html = old.content.decode()
    assert 'data-version="1"' in old_html and 'data-testid="replaced-notice"' in old_html
    assert CORRECTION_NOTE in old_html
    assert cell(old_html, dept, "documents_published") == "2"
    assert reverse("monthly:version", args=[2025, 3, 1]) in current
    assert "corrected, version 2" in listing


def test_the_public_pages_are_in_chinese_by_default(client, march):
    response = client.get(reverse("monthly:month", args=[2025, 3]))

    assert response.status_code == 200
    assert "2025年3月" in response.content.decode()


def test_public_pages_have_bounded_queries(
    client, march, office, agency_factory, django_assert_max_num_queries
):
    from tests.supervision.monthly.conftest import join

    for n in range(20):
        join(agency_factory(name=f"测试区第{n}街道", sort_order=10 + n))
    publication = services.compute_month(2025, 4, actor=office)
    services.check_publication(publication, actor=office)
    services.publish_publication(publication, actor=office)

    with django_assert_max_num_queries(8):
        client.get(reverse("monthly:index"))
    with django_assert_max_num_queries(8):
        client.get(reverse("monthly:month", args=[2025, 4]))


def test_the_portal_menu_has_the_entry():
    from gongkai.portal.navigation import main_navigation

    entry = {item.key: item for item in main_navigation()}["performance"]
    assert entry.url == reverse("monthly:index") == "/performance/"


# --- the workbench ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("monthly_staff:index", []),
        ("monthly_staff:health", []),
        ("monthly_staff:detail", [1]),
        ("monthly_staff:records", [1, 1, "documents_published"]),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))


def test_anonymous_actions_change_nothing(client, march):
    before = list(MonthlyPublication.objects.values_list("pk", "state"))
    for name, args in (
        ("monthly_staff:compute", []),
        ("monthly_staff:check", [march.pk]),
        ("monthly_staff:health_run", []),
    ):
        response = client.post(reverse(name, args=args), {"year": 2025, "month": 5})
        assert response.status_code == 302
    assert list(MonthlyPublication.objects.values_list("pk", "state")) == before
    assert not HealthCheck.objects.exists()


def test_the_office_computes_checks_and_publishes_through_the_pages(english, office, march, dept):
    english.force_login(office)

    response = english.post(reverse("monthly_staff:compute"), {"year": 2025, "month": 4})
    april = MonthlyPublication.objects.get(year=2025, month=4)
    assert response.status_code == 302 and response["Location"] == reverse(
        "monthly_staff:detail", args=[april.pk]
    )
    page = english.get(reverse("monthly_staff:detail", args=[april.pk])).content.decode()
    assert "Mark as checked" in page
    english.post(reverse("monthly_staff:check", args=[april.pk]))
    english.post(reverse("monthly_staff:publish", args=[april.pk]))
    april.refresh_from_db()
    assert april.state == "published"
    assert english.get(reverse("monthly:month", args=[2025, 4])).status_code == 200


def test_the_office_corrects_a_month_through_the_pages(english, office, march, dept):
    english.force_login(office)

    empty = english.post(reverse("monthly_staff:correct", args=[march.pk]), {"note": ""})
    assert empty.status_code == 200 and MonthlyPublication.objects.count() == 1
    response = english.post(
        reverse("monthly_staff:correct", args=[march.pk]), {"note": CORRECTION_NOTE}
    )

    correction = MonthlyPublication.objects.get(version=2)
    assert response["Location"] == reverse("monthly_staff:detail", args=[correction.pk])
    assert correction.correction_note == CORRECTION_NOTE and correction.state == "draft"


def test_a_refused_page_action_says_so(english, office, march):
    english.force_login(office)

    response = english.post(reverse("monthly_staff:compute"), {"year": 2025, "month": 3})

    assert response.status_code == 302
    assert "published already" in english.get(response["Location"]).content.decode()
    assert MonthlyPublication.objects.count() == 1


def test_the_office_sees_every_row_and_drills_down(english, office, march, dept, other_dept):
    english.force_login(office)

    html = english.get(reverse("monthly_staff:detail", args=[march.pk])).content.decode()

    assert row_of(html, dept) and row_of(html, other_dept)
    records_url = reverse("monthly_staff:records", args=[march.pk, dept.pk, "documents_published"])
    assert records_url in html
    records = english.get(records_url).content.decode()
    assert records.count("<tr data-record=") == 2
    letters = english.get(
        reverse("monthly_staff:records", args=[march.pk, dept.pk, "letters_received"])
    ).content.decode()
    assert "LX" in letters  # the tracking number, never the writer
    assert "李晓华" not in letters and "13987654321" not in letters


def test_an_agency_sees_its_own_rows_only(english, dept_staff, march, dept, other_dept):
    english.force_login(dept_staff)

    html = english.get(reverse("monthly_staff:detail", args=[march.pk])).content.decode()

    assert f'data-agency="{dept.pk}"' in html
    assert f'data-agency="{other_dept.pk}"' not in html and other_dept.name not in html
    assert "Mark as checked" not in html and "Correct this month" not in html
    own = reverse("monthly_staff:records", args=[march.pk, dept.pk, "documents_published"])
    other = reverse("monthly_staff:records", args=[march.pk, other_dept.pk, "documents_published"])
    assert english.get(own).status_code == 200
    assert english.get(other).status_code == 404


def test_another_agency_is_refused_every_action_and_nothing_changes(
    english, other_staff, march, april_draft
):
    english.force_login(other_staff)
    before = sorted(MonthlyPublication.objects.values_list("pk", "version", "state", "checked_at"))

    posts = [
        (reverse("monthly_staff:compute"), {"year": 2025, "month": 5}),
        (reverse("monthly_staff:recompute", args=[april_draft.pk]), {}),
        (reverse("monthly_staff:check", args=[april_draft.pk]), {}),
        (reverse("monthly_staff:publish", args=[april_draft.pk]), {}),
        (reverse("monthly_staff:correct", args=[march.pk]), {"note": CORRECTION_NOTE}),
        (reverse("monthly_staff:health_run"), {}),
    ]
    for url, data in posts:
        response = english.post(url, data)
        assert response.status_code == 403, url
        assert "Nothing was changed." in response.content.decode()

    after = sorted(MonthlyPublication.objects.values_list("pk", "version", "state", "checked_at"))
    assert after == before
    assert not HealthCheck.objects.exists()


def test_a_signed_in_user_without_a_role_is_refused(english, user_factory, march):
    english.force_login(user_factory())

    assert english.get(reverse("monthly_staff:index")).status_code == 403
    assert english.get(reverse("monthly_staff:detail", args=[march.pk])).status_code == 403


def test_the_workbench_menu_shows_the_entries_to_staff(dept_staff, office, user_factory):
    for user in (dept_staff, office):
        keys = {link.key for link in navigation_for(user)}
        assert {"monthly", "site_health"} <= keys
    assert "monthly" not in {link.key for link in navigation_for(user_factory())}


# --- site health in the workbench -------------------------------------------------------------


@pytest.fixture
def checked(dept, other_dept, publish_document):
    """News of both departments on 3 March 2025, checked on the 12th: both near their limit."""
    from gongkai.catalogue.models import Column

    news = Column.objects.get(slug="gzdt")
    for agency in (dept, other_dept):
        publish_document(agency, D(2025, 3, 3), kind="news", doc_number="", columns=[news])
    services.record_health_checks(today=D(2025, 3, 12))
    return news


def test_the_office_sees_the_site_and_every_agency(english, office, checked, dept, other_dept):
    english.force_login(office)

    html = english.get(reverse("monthly_staff:health")).content.decode()

    assert 'data-testid="site-summary"' in html
    assert 'data-scope="site:home"' in html
    assert f'data-scope="agency:{dept.pk}:column:{checked.pk}"' in html
    assert f'data-scope="agency:{other_dept.pk}:column:{checked.pk}"' in html
    only_dept = english.get(reverse("monthly_staff:health"), {"agency": dept.pk}).content
    assert f"agency:{other_dept.pk}:".encode() not in only_dept


def test_an_agency_sees_its_own_health_only(english, dept_staff, checked, dept, other_dept):
    english.force_login(dept_staff)

    html = english.get(reverse("monthly_staff:health")).content.decode()

    assert f'data-scope="agency:{dept.pk}:column:{checked.pk}"' in html
    assert "site:" not in html and f"agency:{other_dept.pk}:" not in html
    assert 'data-testid="site-summary"' not in html and "Check now" not in html
    forged = english.get(reverse("monthly_staff:health"), {"agency": other_dept.pk}).content
    assert f"agency:{other_dept.pk}:".encode() not in forged


def test_the_queue_warns_before_a_limit(office, dept_staff, other_staff, checked, dept, other_dept):
    from gongkai.workbench.queue import queue_for

    office_items = [item for item in queue_for(office, None) if item.kind == "site health"]
    own = [item for item in queue_for(dept_staff, dept) if item.kind == "site health"]

    assert {item.title for item in office_items} >= {
        "The site: home page",
        "The site: 工作动态",
        f"{dept.name}: 工作动态",
        f"{other_dept.name}: 工作动态",
    }
    assert [(item.title, item.due) for item in own] == [(f"{dept.name}: 工作动态", D(2025, 3, 17))]
    assert not [
        item for item in queue_for(other_staff, dept) if item.kind == "site health"
    ]  # not theirs: queue_for is given their own agency by the workbench


def test_the_office_working_for_an_agency_sees_its_rows_as_its_staff_do(
    office, dept_staff, checked, dept, django_assert_max_num_queries
):
    """The office's list of the latest check holds the agency's rows: they are taken from it,
    not read again, and are the very items the agency's own staff see."""
    from gongkai.supervision.monthly.queue import monthly_items

    own = [(i.title, i.url, i.due) for i in monthly_items(dept_staff, dept)]
    # The publications and the check's rows, and the roles (twice outside a request; the
    # workbench reads them once a request): the agency's rows are not read again.
    with django_assert_max_num_queries(4):
        items = list(monthly_items(office, dept))
    agency_url = f"{reverse('monthly_staff:health')}?agency={dept.pk}"
    assert own and [(i.title, i.url, i.due) for i in items if i.url == agency_url] == own


def test_the_queue_lists_tables_to_check(office, april_draft):
    from gongkai.workbench.queue import queue_for

    titles = [item.title for item in queue_for(office, None)]

    assert "Monthly performance 2025-04, version 1" in titles


def test_staff_pages_have_bounded_queries(
    english, office, march, agency_factory, publish_document, django_assert_max_num_queries
):
    from tests.supervision.monthly.conftest import join

    for n in range(15):
        join(agency_factory(name=f"测试区第{n}街道", sort_order=10 + n))
    april = services.compute_month(2025, 4, actor=office)
    services.record_health_checks(today=D(2025, 5, 6))
    english.force_login(office)

    with django_assert_max_num_queries(20):
        english.get(reverse("monthly_staff:index"))
    with django_assert_max_num_queries(20):
        english.get(reverse("monthly_staff:detail", args=[april.pk]))
    with django_assert_max_num_queries(20):
        english.get(reverse("monthly_staff:health"))
    # My queue gathers every capability's sources (one or two queries each): bounded, and not
    # growing with the number of agencies.
    with django_assert_max_num_queries(30):
        english.get(reverse("workbench:home"))
