"""The public site's shell: home, agency directory and page, elder mode, language, errors."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from gongkai.agencies.models import Agency, MembershipChange
from gongkai.agencies.services import record_membership_change, update_site_identity
from gongkai.portal.context_processors import ELDER_MODE_COOKIE

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2020, 1, 1)


def join(agency: Agency, date: datetime.date = JOINED) -> Agency:
    record_membership_change(
        agency, actor=None, system=True, change=MembershipChange.Change.JOINED, date=date
    )
    return agency


@pytest.fixture
def government(agency_factory):
    return join(
        agency_factory(name="测试区人民政府", slug="government", kind=Agency.Kind.GOVERNMENT)
    )


@pytest.fixture
def site(government):
    return update_site_identity(
        actor=None,
        system=True,
        site_name="测试区人民政府门户网站",
        government=government,
        sponsor="测试区人民政府办公室",
        website_code="3201000001",
        icp_number="苏ICP备05000001号",
        public_security_number="苏公网安备32010002000001号",
        address="测试区政府路1号",
        postcode="210000",
        phone="025-12345678",
    )


@pytest.fixture
def members(agency_factory, government):
    departments = [
        join(agency_factory(kind=Agency.Kind.DEPARTMENT, sort_order=n)) for n in range(3)
    ]
    towns = [join(agency_factory(kind=Agency.Kind.TOWN, sort_order=n)) for n in range(2)]
    return {"government": government, "departments": departments, "towns": towns}


def inline_scripts(html: str) -> list[str]:
    """``<script>`` elements without ``src`` that would run (JSON data blocks do not)."""
    found = []
    for match in re.finditer(r"<script\b([^>]*)>", html, flags=re.IGNORECASE):
        attrs = match.group(1)
        if "src=" in attrs or re.search(r'type="application/(ld\+)?json"', attrs):
            continue
        found.append(match.group(0))
    return found


def test_home_shows_the_government_and_the_footer_identity(client, site, members):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "测试区人民政府" in html
    assert "测试区人民政府门户网站" in html
    for value in (
        "测试区人民政府办公室",
        "3201000001",
        "苏ICP备05000001号",
        "苏公网安备32010002000001号",
        "测试区政府路1号",
        "025-12345678",
    ):
        assert value in html
    assert 'class="gov-mark"' in html and "<svg" in html


def test_home_lists_member_agencies_grouped_by_kind_with_counts(client, site, members):
    former = join(Agency.objects.create(name="已撤销局", slug="former", org_code="F1", kind="town"))
    record_membership_change(
        former, actor=None, system=True, change="left", date=datetime.date(2021, 1, 1)
    )

    response = client.get(reverse("portal:home"))

    groups = {group.kind: group for group in response.context["agency_groups"]}
    assert list(groups) == ["government", "department", "town"]
    assert groups["department"].count == 3
    assert groups["town"].count == 2
    html = response.content.decode()
    for department in members["departments"]:
        assert reverse("portal:agency_detail", args=[department.slug]) in html
    assert "已撤销局" not in html
    assert reverse("portal:agency_list") in html


def test_home_without_site_identity_still_renders(client):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert "目前尚无信息公开主体加入" in response.content.decode()


def test_agency_directory_groups_members(client, site, members):
    response = client.get(reverse("portal:agency_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="kind-department"' in html and 'id="kind-town"' in html
    for town in members["towns"]:
        assert town.name in html


def test_agency_page_shows_the_guide_fields(client, site, agency_factory):
    """REG 12: an agency publishes its address, office hours, phone, fax and contacts."""
    agency = join(
        agency_factory(
            name="测试区财政局",
            slug="finance",
            functions="负责全区财政收支管理。",
            address="测试区财政路2号",
            postcode="210001",
            office_hours="工作日 8:30—17:00",
            phone="025-87654321",
            fax="025-87654322",
            email="czj@example.gov.cn",
            online_contact="https://example.gov.cn/czj",
            leader_name="张三",
            leader_title="副局长",
            contact_name="李四",
            contact_phone="025-87654323",
        )
    )

    response = client.get(reverse("portal:agency_detail", args=[agency.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    for value in (
        "测试区财政局",
        "负责全区财政收支管理。",
        "测试区财政路2号",
        "210001",
        "工作日 8:30—17:00",
        "025-87654321",
        "025-87654322",
        "czj@example.gov.cn",
        "https://example.gov.cn/czj",
        "张三",
        "副局长",
        "李四",
        "025-87654323",
    ):
        assert value in html
    assert "not a member of the disclosure system" not in html


def test_unknown_agency_is_the_custom_404_page(client, site):
    response = client.get(reverse("portal:agency_detail", args=["no-such-agency"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="error-page"' in html
    assert "测试区人民政府门户网站" in html  # the site's own layout, not Django's plain page
    assert "Traceback" not in html


def test_unknown_address_is_the_custom_404_page(client, site):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert 'class="error-page"' in response.content.decode()


def test_server_error_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()

    assert "500" in html and 'class="error-page"' in html
    assert loader.get_template("400.html").render()


def test_elder_mode_is_set_by_a_form_and_remembered(client, site, members):
    agencies = reverse("portal:agency_list")

    response = client.post(reverse("portal:accessibility"), {"elder": "1", "next": agencies})

    assert response.status_code == 302
    assert response["Location"] == agencies
    cookie = response.cookies[ELDER_MODE_COOKIE]
    assert cookie.value == "1"
    assert cookie["max-age"]
    page = client.get(agencies).content.decode()
    assert re.search(r'<html [^>]*class="elder-mode"', page)

    response = client.post(reverse("portal:accessibility"), {"elder": "0", "next": agencies})

    assert response.cookies[ELDER_MODE_COOKIE].value == ""
    page = client.get(agencies).content.decode()
    assert not re.search(r'<html [^>]*class="elder-mode"', page)


def test_pages_without_elder_mode_have_no_elder_class(client, site):
    html = client.get(reverse("portal:home")).content.decode()

    assert not re.search(r'<html [^>]*class="elder-mode"', html)
    assert f'action="{reverse("portal:accessibility")}"' in html


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)", "", "/\\evil"],
)
def test_elder_mode_refuses_an_unsafe_next(client, unsafe):
    response = client.post(reverse("portal:accessibility"), {"elder": "1", "next": unsafe})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_accessibility_page_explains_and_offers_the_switch(client, site):
    response = client.get(reverse("portal:accessibility"), {"next": "//evil.example.com/"})

    assert response.status_code == 200
    assert response.context["next"] == reverse("portal:home")
    assert 'name="elder" value="1"' in response.content.decode()


def test_language_switch_changes_the_page_language(client, site):
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert f'action="{reverse("set_language")}"' in html

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("portal:home")}
    )

    assert response.status_code == 302
    html = client.get(reverse("portal:home")).content.decode()
    assert '<html lang="en">' in html


@pytest.mark.parametrize("url_name", ["portal:home", "portal:agency_list", "portal:accessibility"])
def test_pages_carry_no_inline_script_and_no_foreign_asset(client, site, members, url_name):
    html = client.get(reverse(url_name)).content.decode()

    assert inline_scripts(html) == []
    assert " style=" not in html
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        if attr.startswith(("http://", "https://", "//")):
            # Only plain links may leave the site (e.g. the ICP filing lookup), never assets.
            assert re.search(rf'<a [^>]*href="{re.escape(attr)}"', html), attr
    assert re.search(r'<link rel="stylesheet" href="/static/', html)


def test_pages_have_landmarks_and_a_skip_link(client, site):
    html = client.get(reverse("portal:home")).content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html


@pytest.mark.urls("tests.portal.urls_without_search")
def test_no_search_box_while_there_is_no_search_page(client, site):
    html = client.get(reverse("portal:home")).content.decode()

    assert 'role="search"' not in html


def test_search_box_once_a_search_page_exists(client, site):
    html = client.get("/", {"q": "财政"}).content.decode()

    form = re.search(r'<form class="site-search"[^>]*>', html)
    assert form is not None
    assert 'role="search"' in form.group(0) and 'action="/search/"' in form.group(0)
    assert 'method="get"' in form.group(0)
    assert 'name="q"' in html and 'value="财政"' in html


def test_apps_add_navigation_entries_that_resolve():
    from gongkai.portal.navigation import (
        main_navigation,
        register_nav_entry,
        unregister_nav_entry,
    )

    register_nav_entry("requests", "依申请公开", "info_requests:start", order=60)
    try:
        keys = [entry.key for entry in main_navigation()]
    finally:
        unregister_nav_entry("requests")

    assert keys == [
        "home",
        "disclosure",
        "interpretations",
        "key_areas",
        "info_requests",  # registered by its app
        # 政民互动, registered by interaction: one column whose landing page leads to letters,
        # consultations, surveys and the hotline and services (no entry of their own).
        "interaction",
        "key_tasks",  # the year's key tasks (registered by supervision's plans, order 70)
        "performance",  # monthly performance (registered by supervision's monthly, order 72)
        "scorecards",  # the public scorecards (registered by supervision's assessment, order 74)
    ]  # no link to a page that is not there


def test_a_column_is_current_on_the_pages_it_names(client, site):
    from gongkai.portal.navigation import main_navigation

    entry = next(entry for entry in main_navigation() if entry.key == "interaction")
    assert entry.url == reverse("interaction:index")
    assert entry.also == (
        reverse("letters:index"),
        reverse("consultations:list"),
        reverse("surveys:index"),
        reverse("channels:index"),
    )
    for address in (entry.url, reverse("letters:write"), reverse("surveys:index")):
        html = client.get(address).content.decode()
        current = re.findall(r'<a href="([^"]+)"\s+aria-current="page">', html)
        assert current[:1] == [entry.url], address
    home = client.get(reverse("portal:home")).content.decode()
    assert entry.url not in re.findall(r'<a href="([^"]+)"\s+aria-current="page">', home)


def test_former_member_keeps_its_page_with_a_notice(client, site, agency_factory):
    former = join(agency_factory(name="测试区原粮食局"))
    record_membership_change(
        former, actor=None, system=True, change="left", date=datetime.date(2021, 1, 1)
    )

    response = client.get(reverse("portal:agency_detail", args=[former.slug]))

    assert response.status_code == 200
    assert "该单位目前不是本级政府信息公开体系的成员单位" in response.content.decode()
    assert former.name not in client.get(reverse("portal:agency_list")).content.decode()


def test_list_pages_have_bounded_queries(
    client, site, agency_factory, django_assert_max_num_queries
):
    for n in range(30):
        join(agency_factory(kind=[Agency.Kind.DEPARTMENT, Agency.Kind.TOWN][n % 2]))

    with django_assert_max_num_queries(4):
        assert client.get(reverse("portal:home")).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("portal:agency_list")).status_code == 200
